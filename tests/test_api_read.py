"""REST API reads: every resource × every demo role sees exactly its scope; everything else is 404."""

import pytest

from governance.bodies.models import Body, Membership
from plans.models import Commitment, Intervention, Plan, SubAgreement

from .conftest import PLAN_A1, PLAN_B
from .test_access import EXPECTED

STEERING_GROUP_SUB_AGREEMENTS = {"Delaftale: Uddannelse og livschancer", "Delaftale: Beskæftigelse"}

# resource path -> (model, how to reach the row's plan name, how to reach its delaftale title or None)
RESOURCES = {
    "plans": (Plan, "name", None),
    "sub-agreements": (SubAgreement, "plan__name", "title"),
    "interventions": (Intervention, "sub_agreement__plan__name", "sub_agreement__title"),
    # A steering group sees only the commitments tied to its own delaftaler, not the plan's others.
    "commitments": (Commitment, "plan__name", "sub_agreement__title"),
    "bodies": (Body, "plan__name", None),
    "memberships": (Membership, "body__plan__name", None),
}


def expected_ids(username: str, resource: str) -> set[int]:
    model, plan_path, sub_agreement_path = RESOURCES[resource]
    rows = model.objects.filter(**{f"{plan_path}__in": EXPECTED[username]["view"]})
    if username == "demo-styregruppe" and sub_agreement_path:
        rows = rows.filter(**{f"{sub_agreement_path}__in": STEERING_GROUP_SUB_AGREEMENTS})
    return set(rows.values_list("pk", flat=True))


def all_ids(client, url: str) -> list[int]:
    ids, page = [], url + ("&" if "?" in url else "?") + "page_size=500"
    while page:
        response = client.get(page)
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        page = body["next"]
    return ids


@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize("username", list(EXPECTED))
def test_list_shows_exactly_the_users_scope(demo, api, username, resource):
    ids = all_ids(api(username), f"/api/v1/{resource}/")
    assert len(ids) == len(set(ids))
    expected = expected_ids(username, resource)
    assert set(ids) == expected
    assert expected or username not in {"demo-admin", "demo-sekretariatsleder"}


@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize("username", list(EXPECTED))
def test_retrieve_is_200_inside_and_404_outside_scope(demo, api, username, resource):
    client = api(username)
    model, plan_path, _sub = RESOURCES[resource]
    visible = expected_ids(username, resource)
    for plan_name in (PLAN_A1, PLAN_B):
        row = model.objects.filter(**{plan_path: plan_name}).order_by("pk").last()
        response = client.get(f"/api/v1/{resource}/{row.pk}/")
        assert response.status_code == (200 if row.pk in visible else 404), (plan_name, response.content)
        if response.status_code == 404:
            assert response.json() == {"detail": response.json()["detail"], "errors": {}}


@pytest.mark.parametrize("username", ["demo-boligorg-2", "demo-koordinator-2"])
def test_second_kommune_sees_nothing_of_the_first(demo, api, username):
    client = api(username)
    first_kommune = demo.plan(PLAN_A1).municipality
    plan_ids = set(Plan.objects.filter(municipality=first_kommune).values_list("pk", flat=True))
    for resource in RESOURCES:
        for row in client.get(f"/api/v1/{resource}/?page_size=500").json()["results"]:
            assert row.get("plan", row["id"] if resource == "plans" else None) not in plan_ids
    for plan_id in plan_ids:
        assert client.get(f"/api/v1/plans/{plan_id}/").status_code == 404
        assert client.get(f"/api/v1/interventions/?plan={plan_id}").json()["count"] == 0
        assert client.get(f"/api/v1/commitments/?plan={plan_id}").json()["count"] == 0


def test_unknown_and_malformed_ids_are_404(api):
    client = api("demo-admin")
    assert client.get("/api/v1/plans/999999/").status_code == 404
    assert client.get("/api/v1/plans/abc/").status_code == 404
    assert client.get("/api/v1/interventions/99999999999999999999999/").status_code == 404


def test_filters(demo, api):
    client = api("demo-admin")
    plan = demo.plan(PLAN_A1)
    body = client.get(f"/api/v1/interventions/?plan={plan.pk}&status=running&page_size=500").json()
    expected = Intervention.objects.filter(sub_agreement__plan=plan, status="running")
    assert {row["id"] for row in body["results"]} == set(expected.values_list("pk", flat=True))
    sub_agreement = plan.sub_agreements.order_by("pk").first()
    body = client.get(f"/api/v1/interventions/?sub_agreement={sub_agreement.pk}").json()
    assert {row["sub_agreement"] for row in body["results"]} == {sub_agreement.pk}
    commitment = Commitment.objects.filter(plan=plan).order_by("pk").first()
    url = f"/api/v1/commitments/?plan={plan.pk}&year={commitment.year}&form={commitment.form}&page_size=500"
    body = client.get(url).json()
    expected = Commitment.objects.filter(plan=plan, year=commitment.year, form=commitment.form)
    assert {row["id"] for row in body["results"]} == set(expected.values_list("pk", flat=True))
    assert body["count"] == expected.count() > 0


@pytest.mark.parametrize(
    "query", ["plan=abc", "year=1e99", "year=99999999999999999999", "status=nonsense", "form=gift"]
)
def test_bad_filters_are_400_in_the_error_shape(api, query):
    resource = "interventions" if query.startswith("status") else "commitments"
    response = api("demo-admin").get(f"/api/v1/{resource}/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["errors"][query.split("=")[0]]


def test_pagination_and_stable_order(api):
    client = api("demo-admin")
    first = client.get("/api/v1/commitments/?page_size=7").json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 7
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}
    assert client.get("/api/v1/commitments/?page_size=7").json() == first
    assert client.get("/api/v1/commitments/?page=9999").status_code == 404


def test_no_credentials_is_401_with_the_token_challenge(client, db):
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_session_login_works_for_the_browsable_api(login, clear_api_throttle, resource):
    client = login("demo-boligorg")
    response = client.get(f"/api/v1/{resource}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    first = client.get(f"/api/v1/{resource}/").json()["results"][0]
    assert client.get(f"/api/v1/{resource}/{first['id']}/", HTTP_ACCEPT="text/html").status_code == 200


def test_api_root_lists_every_resource(login, clear_api_throttle):
    body = login("demo-boligorg").get("/api/v1/").json()
    later = {
        "goals",
        "indicators",
        "measurements",
        "area-statistics",
        "meetings",
        "decisions",
        "action-items",
        "reports",
        "commitment-deliveries",
    }
    assert set(body) == set(RESOURCES) | later


# --- query counts: constant in the number of rows -------------------------------------------------


def _grow(demo, extra: int) -> None:
    from .factories import CommitmentFactory, InterventionFactory

    plan = demo.plan(PLAN_A1)
    sub_agreement = plan.sub_agreements.order_by("pk").first()
    InterventionFactory.create_batch(extra, sub_agreement=sub_agreement)
    for year in range(2021, 2021 + min(extra, 6)):
        CommitmentFactory.create_batch(extra // 6 + 1, plan=plan, year=year)


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_list_query_count_does_not_grow_with_rows(demo, api, django_assert_max_num_queries, resource):
    client = api("demo-boligorg")
    url = f"/api/v1/{resource}/?page_size=200"
    with django_assert_max_num_queries(6):
        small = client.get(url)
    _grow(demo, 60)
    with django_assert_max_num_queries(6):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    if resource in {"interventions", "commitments"}:
        assert large.json()["count"] > small.json()["count"]
