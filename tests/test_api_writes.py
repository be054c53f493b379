"""REST API writes: who may create and change interventions and commitments; 403 vs 404; history."""

from decimal import Decimal

import pytest

from plans.models import Commitment, Intervention, Organisation

from .conftest import PLAN_A1, PLAN_A2, PLAN_B


def sub_agreement(demo, plan_name: str, title: str | None = None):
    rows = demo.plan(plan_name).sub_agreements.order_by("pk")
    return rows.get(title=title) if title else rows.first()


def intervention_payload(demo, plan_name=PLAN_A1, title=None, **extra) -> dict:
    sa = sub_agreement(demo, plan_name, title)
    partner = demo.plan(plan_name).housing_organisations.order_by("pk").first()
    return {"sub_agreement": sa.pk, "name": "Ny indsats via API", "responsible_partner": partner.pk, **extra}


def an_intervention(demo, plan_name: str, title: str | None = None) -> Intervention:
    return Intervention.objects.filter(sub_agreement=sub_agreement(demo, plan_name, title)).order_by("pk").first()


def snapshot(model) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list())


# --- interventions ------------------------------------------------------------------------------

# username -> (plan whose delaftale is targeted, expected status on create)
INTERVENTION_CREATE = [
    ("demo-boligorg", PLAN_A1, 201),
    ("demo-boligorg", PLAN_A2, 201),
    ("demo-sekretariatsleder", PLAN_A2, 201),
    ("demo-admin", PLAN_B, 201),
    ("demo-boligorg-2", PLAN_B, 201),
    ("demo-bestyrelse", PLAN_A1, 403),  # visible, may not change
    ("demo-koordinator", PLAN_A1, 403),
    ("demo-boligorg", PLAN_B, 400),  # invisible delaftale: "does not exist", nothing revealed
    ("demo-boligorg-2", PLAN_A1, 400),
    ("demo-koordinator-2", PLAN_A1, 400),
]


@pytest.mark.parametrize(("username", "plan_name", "expected"), INTERVENTION_CREATE)
def test_intervention_create_by_role(demo, api, username, plan_name, expected):
    client = api(username)
    before = Intervention.objects.count()
    response = client.post("/api/v1/interventions/", intervention_payload(demo, plan_name), format="json")
    assert response.status_code == expected, response.content
    body = response.json()
    if expected == 201:
        assert Intervention.objects.count() == before + 1
        created = Intervention.objects.get(pk=body["id"])
        assert created.name == "Ny indsats via API"
        assert body["plan"] == demo.plan(plan_name).pk
    else:
        assert Intervention.objects.count() == before
        assert set(body) == {"detail", "errors"}
    if expected == 400:
        assert "sub_agreement" in body["errors"]


def test_steering_group_member_writes_only_their_own_delaftaler(demo, api):
    client = api("demo-styregruppe")
    own = intervention_payload(demo, PLAN_A1, "Delaftale: Beskæftigelse")
    assert client.post("/api/v1/interventions/", own, format="json").status_code == 201
    other_title = (
        demo.plan(PLAN_A1)
        .sub_agreements.exclude(title__in=["Delaftale: Beskæftigelse", "Delaftale: Uddannelse og livschancer"])
        .first()
        .title
    )
    other = intervention_payload(demo, PLAN_A1, other_title)
    # not visible to a steering-group member at all: the id "does not exist" for them
    assert client.post("/api/v1/interventions/", other, format="json").status_code == 400


# username -> (plan of the intervention, expected status on PATCH)
INTERVENTION_UPDATE = [
    ("demo-boligorg", PLAN_A1, 200),
    ("demo-sekretariatsleder", PLAN_A1, 200),
    ("demo-boligorg-2", PLAN_B, 200),
    ("demo-bestyrelse", PLAN_A1, 403),
    ("demo-koordinator", PLAN_A2, 403),
    ("demo-boligorg", PLAN_B, 404),
    ("demo-boligorg-2", PLAN_A1, 404),
    ("demo-koordinator-2", PLAN_A2, 404),
    ("demo-bestyrelse", PLAN_A2, 404),
]


@pytest.mark.parametrize(("username", "plan_name", "expected"), INTERVENTION_UPDATE)
def test_intervention_update_by_role(demo, api, username, plan_name, expected):
    intervention = an_intervention(demo, plan_name)
    new_status = "stopped" if intervention.status != "stopped" else "running"
    response = api(username).patch(f"/api/v1/interventions/{intervention.pk}/", {"status": new_status})
    assert response.status_code == expected, response.content
    intervention.refresh_from_db()
    assert (intervention.status == new_status) is (expected == 200)


def test_intervention_cannot_be_moved_into_a_delaftale_the_user_may_not_change(demo, api):
    intervention = an_intervention(demo, PLAN_A1, "Delaftale: Beskæftigelse")
    client = api("demo-styregruppe")
    target = sub_agreement(demo, PLAN_A1, "Delaftale: Uddannelse og livschancer")
    response = client.patch(f"/api/v1/interventions/{intervention.pk}/", {"sub_agreement": target.pk})
    assert response.status_code == 200
    invisible = sub_agreement(demo, PLAN_B)
    response = client.patch(f"/api/v1/interventions/{intervention.pk}/", {"sub_agreement": invisible.pk})
    assert response.status_code == 400
    intervention.refresh_from_db()
    assert intervention.sub_agreement == target


def test_intervention_put_replaces_all_fields(demo, api):
    intervention = an_intervention(demo, PLAN_A1)
    payload = intervention_payload(demo, PLAN_A1, name="Omdøbt indsats", status="completed")
    payload["sub_agreement"] = intervention.sub_agreement_id
    response = api("demo-boligorg").put(f"/api/v1/interventions/{intervention.pk}/", payload, format="json")
    assert response.status_code == 200, response.content
    intervention.refresh_from_db()
    assert (intervention.name, intervention.status) == ("Omdøbt indsats", "completed")


BAD_INTERVENTIONS = [
    ({"end_date": "2024-01-01", "start_date": "2025-01-01"}, "end_date"),  # model clean()
    ({"status": "maybe"}, "status"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"responsible_partner": 99999999}, "responsible_partner"),
    ({"responsible_partner": "abc"}, "responsible_partner"),
    ({"sub_agreement": None}, "sub_agreement"),
    ({"start_date": "31-12-2024"}, "start_date"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INTERVENTIONS)
def test_bad_intervention_input_is_400_with_field_errors_and_changes_nothing(demo, api, change, field):
    before = snapshot(Intervention)
    payload = {**intervention_payload(demo), **change}
    response = api("demo-boligorg").post("/api/v1/interventions/", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert list(body["errors"]) == [field]
    assert all(isinstance(message, str) for message in body["errors"][field])
    assert snapshot(Intervention) == before


def test_duplicate_intervention_name_is_400_from_the_model_constraint(demo, api):
    existing = an_intervention(demo, PLAN_A1)
    payload = intervention_payload(demo, PLAN_A1, name=existing.name)
    payload["sub_agreement"] = existing.sub_agreement_id
    before = snapshot(Intervention)
    response = api("demo-boligorg").post("/api/v1/interventions/", payload, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
    assert snapshot(Intervention) == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("42", "application/json"),
        ('"text"', "application/json"),
        ("<xml/>", "application/xml"),
    ],
)
def test_malformed_bodies_are_4xx_never_500(api, body, content_type):
    response = api("demo-boligorg").generic("POST", "/api/v1/interventions/", body, content_type=content_type)
    assert response.status_code in {400, 415}
    assert set(response.json()) == {"detail", "errors"}


def test_delete_is_not_offered(demo, api):
    intervention = an_intervention(demo, PLAN_A1)
    assert api("demo-admin").delete(f"/api/v1/interventions/{intervention.pk}/").status_code == 405
    assert Intervention.objects.filter(pk=intervention.pk).exists()


@pytest.mark.parametrize("resource", ["plans", "sub-agreements", "bodies", "memberships"])
def test_read_only_resources_refuse_writes(api, resource):
    client = api("demo-admin")
    assert client.post(f"/api/v1/{resource}/", {}, format="json").status_code == 405


# --- commitments --------------------------------------------------------------------------------


def commitment_payload(demo, plan_name: str, party: Organisation, **extra) -> dict:
    return {
        "plan": demo.plan(plan_name).pk,
        "party": party.pk,
        "year": 2025,
        "form": "cash",
        "amount": "125000.00",
        "note": "via API",
        **extra,
    }


def municipal_department(demo, plan_name: str) -> Organisation:
    municipality = demo.plan(plan_name).municipality
    return Organisation.objects.filter(parent=municipality).order_by("pk").last()


def housing_org(demo, plan_name: str) -> Organisation:
    return demo.plan(plan_name).housing_organisations.order_by("pk").first()


COMMITMENT_CREATE = [
    ("demo-koordinator", PLAN_A1, "department", 201),
    ("demo-koordinator", PLAN_A2, "kommune", 201),
    ("demo-koordinator", PLAN_A1, "housing_org", 403),  # a koordinator commits only for the kommune
    ("demo-koordinator-2", PLAN_B, "department", 201),
    ("demo-sekretariatsleder", PLAN_A1, "housing_org", 201),
    ("demo-admin", PLAN_B, "housing_org", 201),
    ("demo-boligorg", PLAN_A1, "housing_org", 201),  # a boligorganisation keeps its own co-financing
    ("demo-boligorg", PLAN_A1, "department", 403),  # but not the kommune's
    ("demo-bestyrelse", PLAN_A1, "department", 403),
    ("demo-koordinator", PLAN_B, "department", 400),  # invisible plan
    ("demo-koordinator-2", PLAN_A1, "department", 400),
]


@pytest.mark.parametrize(("username", "plan_name", "party_kind", "expected"), COMMITMENT_CREATE)
def test_commitment_create_by_role(demo, api, username, plan_name, party_kind, expected):
    party = {
        "department": municipal_department(demo, plan_name),
        "kommune": demo.plan(plan_name).municipality,
        "housing_org": housing_org(demo, plan_name),
    }[party_kind]
    Commitment.objects.filter(plan=demo.plan(plan_name), party=party, year=2025, form="cash").delete()
    before = Commitment.objects.count()
    response = api(username).post("/api/v1/commitments/", commitment_payload(demo, plan_name, party), format="json")
    assert response.status_code == expected, response.content
    assert Commitment.objects.count() == before + (1 if expected == 201 else 0)
    if expected == 201:
        assert Decimal(response.json()["amount"]) == Decimal("125000")


COMMITMENT_UPDATE = [
    ("demo-koordinator", PLAN_A1, 200),
    ("demo-sekretariatsleder", PLAN_A2, 403),  # kept by the kommune; the secretariat proposes
    ("demo-boligorg", PLAN_A1, 403),
    ("demo-bestyrelse", PLAN_A1, 403),
    ("demo-koordinator-2", PLAN_A1, 404),
    ("demo-boligorg-2", PLAN_A2, 404),
    ("demo-koordinator", PLAN_B, 404),
]


@pytest.mark.parametrize(("username", "plan_name", "expected"), COMMITMENT_UPDATE)
def test_commitment_update_by_role(demo, api, username, plan_name, expected):
    commitment = (
        Commitment.objects.filter(plan=demo.plan(plan_name), party__parent=demo.plan(plan_name).municipality)
        .order_by("pk")
        .first()
    )
    response = api(username).patch(f"/api/v1/commitments/{commitment.pk}/", {"note": "Leveret som aftalt"})
    assert response.status_code == expected, response.content
    commitment.refresh_from_db()
    assert (commitment.note == "Leveret som aftalt") is (expected == 200)


def test_koordinator_may_not_change_another_partys_commitment(demo, api):
    commitment = Commitment.objects.filter(plan=demo.plan(PLAN_A1), party__kind=Organisation.Kind.FUNDER).first()
    response = api("demo-koordinator").patch(f"/api/v1/commitments/{commitment.pk}/", {"note": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 1990}, "year"),  # outside the plan's period: model clean()
        ({"amount": "0", "hours": None}, "non_field_errors"),  # neither amount nor hours
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"form": "gift"}, "form"),
        ({"year": None}, "year"),
    ],
)
def test_bad_commitment_input_is_400_and_changes_nothing(demo, api, change, field):
    party = municipal_department(demo, PLAN_A1)
    Commitment.objects.filter(party=party, plan=demo.plan(PLAN_A1), year=2022, form="outposted_service").delete()
    before = snapshot(Commitment)
    payload = {**commitment_payload(demo, PLAN_A1, party, year=2022, form="outposted_service"), **change}
    response = api("demo-koordinator").post("/api/v1/commitments/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert snapshot(Commitment) == before


def test_commitment_sub_agreement_of_another_plan_is_400(demo, api):
    payload = commitment_payload(
        demo, PLAN_A1, municipal_department(demo, PLAN_A1), sub_agreement=sub_agreement(demo, PLAN_A2).pk
    )
    response = api("demo-koordinator").post("/api/v1/commitments/", payload, format="json")
    assert response.status_code == 400
    assert "sub_agreement" in response.json()["errors"]


# --- audit: API writes are attributed to the token's user ----------------------------------------


def test_history_records_the_tokens_user_on_create_and_update(demo, api):
    client = api("demo-boligorg")
    response = client.post("/api/v1/interventions/", intervention_payload(demo), format="json")
    intervention = Intervention.objects.get(pk=response.json()["id"])
    assert intervention.history.get().history_user == client.user
    client.patch(f"/api/v1/interventions/{intervention.pk}/", {"status": "running"})
    latest = intervention.history.order_by("-history_date", "-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user == client.user


def test_history_records_the_tokens_user_on_commitments(demo, api):
    client = api("demo-koordinator")
    payload = commitment_payload(demo, PLAN_A1, municipal_department(demo, PLAN_A1), year=2026, form="meeting_hours")
    Commitment.objects.filter(
        plan_id=payload["plan"], party_id=payload["party"], year=2026, form="meeting_hours"
    ).delete()
    response = client.post("/api/v1/commitments/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Commitment.objects.get(pk=response.json()["id"]).history.get().history_user == client.user


def test_intervention_update_runs_the_services_model_validation(demo, api):
    """PATCH goes through intervention_update (full_clean), not a bare serializer.save()."""
    intervention = an_intervention(demo, PLAN_A1)
    before = snapshot(Intervention)
    response = api("demo-boligorg").patch(
        f"/api/v1/interventions/{intervention.pk}/", {"start_date": "2025-06-01", "end_date": "2025-01-01"}
    )
    assert response.status_code == 400, response.content
    assert "end_date" in response.json()["errors"]
    assert snapshot(Intervention) == before
