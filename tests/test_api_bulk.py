"""Bulk create (one object or a list, all-or-nothing) and Idempotency-Key, on POST /api/v1/interventions/."""

import uuid

import pytest

from plans.api import InterventionViewSet
from plans.api_support import BULK_MAX_ITEMS
from plans.models import Intervention
from portal import idempotency
from portal.models import IdempotencyKey

from .conftest import PLAN_A1, PLAN_A2, PLAN_B

URL = "/api/v1/interventions/"


def items(demo, count: int, plan_name: str = PLAN_A1, prefix: str = "Bulkindsats") -> list[dict]:
    plan = demo.plan(plan_name)
    sub_agreements = list(plan.sub_agreements.order_by("pk"))
    partner = plan.housing_organisations.order_by("pk").first()
    return [
        {
            "sub_agreement": sub_agreements[i % len(sub_agreements)].pk,
            "name": f"{prefix} {i}",
            "responsible_partner": partner.pk,
            "status": "planned",
        }
        for i in range(count)
    ]


def created_count(prefix: str = "Bulkindsats") -> int:
    return Intervention.objects.filter(name__startswith=prefix).count()


# --- bulk ---------------------------------------------------------------------------------------


def test_a_list_creates_all_and_answers_with_the_list(demo, api):
    client = api("demo-boligorg")
    payload = items(demo, 3) + items(demo, 2, PLAN_A2, prefix="Bulkindsats A2")
    response = client.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [row["name"] for row in body] == [item["name"] for item in payload]
    assert created_count() == 5
    for intervention in Intervention.objects.filter(name__startswith="Bulkindsats"):
        assert intervention.history.get().history_user == client.user


def test_one_bad_item_saves_nothing_and_reports_each_failing_index(demo, api):
    payload = items(demo, 5)
    payload[1]["name"] = ""
    payload[3]["responsible_partner"] = 987654321
    payload[4]["status"] = "maybe"
    response = api("demo-boligorg").post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [error["index"] for error in body["errors"]] == [1, 3, 4]
    assert set(body["errors"][0]) == {"index", "name"}
    assert set(body["errors"][1]) == {"index", "responsible_partner"}
    assert set(body["errors"][2]) == {"index", "status"}
    assert created_count() == 0


def test_model_validation_errors_in_a_list_roll_back_items_already_saved(demo, api):
    payload = items(demo, 4)
    payload[2] = {**payload[0]}  # same name in the same delaftale: the model's unique constraint
    payload[3] = {**payload[3], "start_date": "2025-06-01", "end_date": "2025-01-01"}  # model clean()
    before = list(Intervention.objects.order_by("pk").values_list())
    response = api("demo-boligorg").post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [error["index"] for error in errors] == [2, 3]
    assert "non_field_errors" in errors[0]
    assert "end_date" in errors[1]
    assert list(Intervention.objects.order_by("pk").values_list()) == before


def test_a_list_touching_a_delaftale_the_user_may_not_change_is_403_and_saves_nothing(demo, api):
    payload = items(demo, 3, PLAN_A1)
    own = items(demo, 1, PLAN_A1, prefix="Bulkindsats egen")
    response = api("demo-bestyrelse").post(URL, own + payload, format="json")
    assert response.status_code == 403
    assert created_count() == 0


def test_a_list_with_an_invisible_delaftale_is_400_at_its_index(demo, api):
    payload = items(demo, 2, PLAN_A1) + items(demo, 1, PLAN_B, prefix="Bulkindsats B")
    response = api("demo-boligorg").post(URL, payload, format="json")
    assert response.status_code == 400
    assert [error["index"] for error in response.json()["errors"]] == [2]
    assert created_count() == 0


def test_limit_is_enforced_before_any_work(demo, api, django_assert_max_num_queries, monkeypatch):
    client = api("demo-boligorg")
    too_many = [{"name": "x"}] * (BULK_MAX_ITEMS + 1)
    with django_assert_max_num_queries(3):
        response = client.post(URL, too_many, format="json")
    assert response.status_code == 400
    assert "5000" in response.json()["errors"]["non_field_errors"][0]
    monkeypatch.setattr(InterventionViewSet, "bulk_max_items", 3)
    assert client.post(URL, items(demo, 4), format="json").status_code == 400
    assert client.post(URL, items(demo, 3), format="json").status_code == 201
    assert created_count() == 3


@pytest.mark.parametrize("payload", [[], 42, "text", [1, 2], None])
def test_empty_or_odd_bodies_are_400(api, payload):
    response = api("demo-boligorg").post(URL, payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert created_count("") == Intervention.objects.count()


def test_bulk_validation_queries_do_not_grow_with_items(demo, api, django_assert_max_num_queries):
    """Related ids are checked against scoped sets loaded once, so validation is O(1) queries."""
    client = api("demo-boligorg")
    bad = items(demo, 300)
    for item in bad:
        item["status"] = "maybe"  # every item fails validation: no writes, only lookups
    with django_assert_max_num_queries(10):
        response = client.post(URL, bad, format="json")
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 300


def test_large_bulk_is_all_saved(demo, api):
    response = api("demo-boligorg").post(URL, items(demo, 1000), format="json")
    assert response.status_code == 201
    assert len(response.json()) == 1000
    assert created_count() == 1000


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_a_retried_request_with_the_same_key_creates_nothing_twice(demo, api):
    client = api("demo-boligorg")
    key = str(uuid.uuid4())
    payload = items(demo, 3)
    first = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    second = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert created_count() == 3
    assert IdempotencyKey.objects.filter(user=client.user, key=key).count() == 1


def test_the_same_key_with_a_different_body_is_422(demo, api):
    client = api("demo-boligorg")
    client.post(URL, items(demo, 1), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = client.post(URL, items(demo, 2), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}
    assert created_count() == 1


def test_keys_are_per_user(demo, api):
    first, second = api("demo-boligorg"), api("demo-sekretariatsleder")
    assert first.post(URL, items(demo, 1), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    payload = items(demo, 1, prefix="Bulkindsats anden")
    response = second.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert created_count() == 2


def test_a_failed_request_is_not_stored_so_the_fixed_retry_runs(demo, api):
    client = api("demo-boligorg")
    bad = items(demo, 2)
    bad[1]["name"] = ""
    assert client.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="retry-me").status_code == 400
    assert not IdempotencyKey.objects.filter(key="retry-me").exists()
    response = client.post(URL, items(demo, 2), format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert response.status_code == 201
    assert created_count() == 2


def test_updates_are_idempotent_too(demo, api):
    client = api("demo-boligorg")
    intervention = Intervention.objects.filter(sub_agreement__plan=demo.plan(PLAN_A1)).order_by("pk").first()
    url = f"{URL}{intervention.pk}/"
    first = client.patch(url, {"description": "første"}, format="json", HTTP_IDEMPOTENCY_KEY="patch-1")
    assert first.status_code == 200
    Intervention.objects.filter(pk=intervention.pk).update(description="ændret andetsteds")
    second = client.patch(url, {"description": "første"}, format="json", HTTP_IDEMPOTENCY_KEY="patch-1")
    assert second["Idempotent-Replayed"] == "true"
    intervention.refresh_from_db()
    assert intervention.description == "ændret andetsteds"


@pytest.mark.parametrize("key", ["", " ", "x" * 256])
def test_invalid_keys_are_400(demo, api, key):
    response = api("demo-boligorg").post(URL, items(demo, 1), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert created_count() == 0


@pytest.mark.parametrize(("method", "path"), [("put", URL), ("post", f"{URL}1/"), ("post", "/api/v1/nowhere/")])
def test_a_key_on_a_method_or_path_the_api_lacks_gets_the_405_or_404_not_a_key_error(api, method, path):
    response = getattr(api("demo-boligorg"), method)(path, {}, format="json", HTTP_IDEMPOTENCY_KEY=" ")
    assert response.status_code == (404 if "nowhere" in path else 405)
    assert not IdempotencyKey.objects.exists()


def test_unauthenticated_requests_with_a_key_are_401_and_not_stored(demo, client, db):
    response = client.post(
        URL,
        items(demo, 1),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="anon",
        HTTP_AUTHORIZATION="Token not-a-real-token",
    )
    assert response.status_code == 401
    assert not IdempotencyKey.objects.filter(key="anon").exists()


def test_a_stale_key_counts_as_new(demo, api):
    client = api("demo-boligorg")
    client.post(URL, items(demo, 1), format="json", HTTP_IDEMPOTENCY_KEY="old")
    record = IdempotencyKey.objects.get(key="old")
    record.created -= IdempotencyKey.RETENTION
    record.save()
    payload = items(demo, 1, prefix="Bulkindsats ny")
    assert client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    assert created_count() == 2


def test_a_concurrent_duplicate_is_rolled_back_and_answered_with_the_stored_result(demo, api, monkeypatch):
    """The race: two requests with one key both miss the lookup; the unique constraint lets one win."""
    client = api("demo-boligorg")
    payload = items(demo, 2)
    first = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="race")
    calls = []
    real = idempotency.stored_record

    def miss_first_lookup(user, key):
        calls.append(key)
        return None if len(calls) == 1 else real(user, key)

    monkeypatch.setattr(idempotency, "stored_record", miss_first_lookup)
    second = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="race")
    assert len(calls) == 2
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert created_count() == 2


def test_a_concurrent_duplicate_whose_own_writes_succeed_is_rolled_back(demo, api, monkeypatch):
    """The other side of the race: our writes went through, but storing the key hits the constraint."""
    client = api("demo-boligorg")
    payload = items(demo, 2)
    first = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="race-2")
    Intervention.objects.filter(name__startswith="Bulkindsats").delete()  # so the retry's writes succeed
    real = idempotency.stored_record
    calls = []

    def miss_first_lookup(user, key):
        calls.append(key)
        return None if len(calls) == 1 else real(user, key)

    monkeypatch.setattr(idempotency, "stored_record", miss_first_lookup)
    second = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="race-2")
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert created_count() == 0  # the duplicate's writes were rolled back with the failed key insert


def test_purge_idempotency_keys_deletes_only_stale_records(demo, api):
    import io

    from django.core.management import call_command

    client = api("demo-boligorg")
    client.post(URL, items(demo, 1), format="json", HTTP_IDEMPOTENCY_KEY="keep")
    client.post(URL, items(demo, 1, prefix="Bulkindsats gammel"), format="json", HTTP_IDEMPOTENCY_KEY="purge")
    IdempotencyKey.objects.filter(key="purge").update(
        created=IdempotencyKey.objects.get(key="purge").created - IdempotencyKey.RETENTION
    )
    call_command("purge_idempotency_keys", stdout=io.StringIO())
    assert set(IdempotencyKey.objects.filter(key__in=["keep", "purge"]).values_list("key", flat=True)) == {"keep"}


def test_a_body_over_the_upload_limit_is_a_json_400(demo, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api("demo-boligorg")
    response = client.post(URL, items(demo, 50), format="json", HTTP_IDEMPOTENCY_KEY="big")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert created_count() == 0


def test_bulk_create_queries_do_not_grow_with_items(demo, api, django_assert_max_num_queries):
    """The bulk service validates in memory and inserts in batches: a fixed number of queries."""
    client = api("demo-boligorg")
    # 21: the created rows are read back in one query and shown as the list shows them (plans.api_lean).
    with django_assert_max_num_queries(21):
        assert client.post(URL, items(demo, 20, prefix="Bulkindsats lille"), format="json").status_code == 201
    with django_assert_max_num_queries(21):
        assert client.post(URL, items(demo, 400, prefix="Bulkindsats stor"), format="json").status_code == 201
    assert created_count() == 420
    sample = Intervention.objects.filter(name__startswith="Bulkindsats stor").order_by("pk").last()
    assert sample.history.get().history_user == client.user
