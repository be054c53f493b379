"""Organisation picks are limited to the plan's parties (``Plan.parties``), in the model and the API.

A plan's parties: its kommune and that kommune's forvaltninger, its boligorganisationer, and the
parties named in its delaftaler; funders (LBF) too for commitments and bodies. An organisation of
another kommune is never one: the API answers 400 with a clear message, and never names it.
"""

import pytest
from django.core.exceptions import ValidationError

from governance.bodies.models import Body, Membership
from governance.bodies.services import membership_create
from plans.models import Commitment, Intervention, Organisation, Person
from plans.services import intervention_update

from .conftest import PLAN_A1, PLAN_A2, PLAN_B

NOT_A_PARTY = "ikke part i helhedsplanen"


def _department(plan) -> Organisation:
    return Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT, parent=plan.municipality).order_by("pk")[0]


def _foreign_department(demo, plan_name=PLAN_A1) -> Organisation:
    """A forvaltning of another kommune than the plan's."""
    return _department(demo.plan(PLAN_B if plan_name != PLAN_B else PLAN_A1))


def _sub_agreement(demo, plan_name=PLAN_A1):
    return demo.plan(plan_name).sub_agreements.order_by("pk").first()


def test_parties_are_the_kommune_its_forvaltninger_housing_orgs_and_delaftale_parties(demo):
    plan = demo.plan(PLAN_A1)
    other = demo.plan(PLAN_B)
    parties = set(plan.parties())
    assert plan.municipality in parties
    assert set(Organisation.objects.filter(parent=plan.municipality)) <= parties
    assert set(plan.housing_organisations.all()) <= parties
    partner = Organisation.objects.filter(kind=Organisation.Kind.PARTNER, sub_agreements__plan=plan).first()
    assert partner is not None and partner in parties
    assert other.municipality not in parties
    assert not parties & set(Organisation.objects.filter(parent=other.municipality))
    assert not parties & (set(other.housing_organisations.all()) - set(plan.housing_organisations.all()))
    funders = set(Organisation.objects.filter(kind=Organisation.Kind.FUNDER))
    assert funders and not parties & funders
    assert funders <= set(plan.parties(include_funders=True))


def test_the_demo_world_keeps_the_rule(demo):
    """Every indsats, commitment and membership the demo seeds names a party of its plan."""
    for intervention in Intervention.objects.select_related("sub_agreement__plan"):
        assert intervention.responsible_partner_id in intervention.sub_agreement.plan.party_ids(), intervention
    for commitment in Commitment.objects.select_related("plan"):
        assert commitment.party_id in commitment.plan.party_ids(include_funders=True), commitment
    for membership in Membership.objects.select_related("body__plan"):
        assert membership.organisation_id in membership.body.plan.party_ids(include_funders=True), membership


def test_model_refuses_an_intervention_partner_from_another_kommune(demo):
    intervention = Intervention.objects.filter(sub_agreement__plan__name=PLAN_A1).first()
    before = intervention.responsible_partner_id
    with pytest.raises(ValidationError) as caught:
        intervention_update(intervention=intervention, responsible_partner=_foreign_department(demo))
    assert NOT_A_PARTY in str(caught.value.message_dict["responsible_partner"])
    intervention.refresh_from_db()
    assert intervention.responsible_partner_id == before


def test_membership_must_represent_a_party(demo):
    body = Body.objects.filter(plan__name=PLAN_A1, kind=Body.Kind.BOARD).first()
    person = Person.objects.create(name="Gæst Udefra")
    with pytest.raises(ValidationError) as caught:
        membership_create(
            body=body,
            person=person,
            role="member",
            organisation=_foreign_department(demo),
            start_date=body.plan.start_date,
        )
    assert NOT_A_PARTY in str(caught.value.message_dict["organisation"])
    lbf = Organisation.objects.get(kind=Organisation.Kind.FUNDER)
    membership = membership_create(
        body=body, person=person, role="observer", organisation=lbf, start_date=body.plan.start_date
    )
    assert membership.pk


# --- the API ------------------------------------------------------------------------------------


def _intervention(demo, partner, plan_name=PLAN_A1, name="Indsats med partner") -> dict:
    return {"sub_agreement": _sub_agreement(demo, plan_name).pk, "name": name, "responsible_partner": partner.pk}


def test_api_intervention_partner_of_another_kommune_is_400_and_not_named(demo, api):
    foreign = _foreign_department(demo)
    before = Intervention.objects.count()
    response = api("demo-sekretariatsleder").post("/api/v1/interventions/", _intervention(demo, foreign), format="json")
    assert response.status_code == 400, response.content
    message = str(response.json()["errors"]["responsible_partner"])
    assert "ikke part i en helhedsplan, du har adgang til" in message
    assert foreign.name not in response.content.decode()
    assert Intervention.objects.count() == before


def test_api_intervention_partner_of_a_visible_but_other_plan_is_400(demo, api):
    """The admin sees every plan, so the organisation exists for them; it is still no party of A1."""
    foreign = _foreign_department(demo)
    response = api("demo-admin").post("/api/v1/interventions/", _intervention(demo, foreign), format="json")
    assert response.status_code == 400, response.content
    assert NOT_A_PARTY in str(response.json()["errors"]["responsible_partner"])


def test_api_intervention_with_a_party_is_created(demo, api):
    plan = demo.plan(PLAN_A1)
    for name, partner in (
        ("Med forvaltning", _department(plan)),
        ("Med kommunen", plan.municipality),
        ("Med delaftalepart", _sub_agreement(demo).parties.order_by("pk").last()),
    ):
        response = api("demo-sekretariatsleder").post(
            "/api/v1/interventions/", _intervention(demo, partner, name=name), format="json"
        )
        assert response.status_code == 201, (name, response.content)
        assert response.json()["responsible_partner"] == partner.pk


def test_api_intervention_patch_to_another_kommune_is_400(demo, api):
    intervention = Intervention.objects.filter(sub_agreement__plan__name=PLAN_A1).order_by("pk").first()
    before = intervention.responsible_partner_id
    response = api("demo-admin").patch(
        f"/api/v1/interventions/{intervention.pk}/",
        {"responsible_partner": _foreign_department(demo).pk},
        format="json",
    )
    assert response.status_code == 400, response.content
    intervention.refresh_from_db()
    assert intervention.responsible_partner_id == before


def test_api_bulk_refuses_the_item_with_a_foreign_partner_and_saves_none(demo, api):
    plan = demo.plan(PLAN_A1)
    items = [
        _intervention(demo, _department(plan), name="Bulk 1"),
        _intervention(demo, _foreign_department(demo), name="Bulk 2"),
    ]
    before = Intervention.objects.count()
    response = api("demo-admin").post("/api/v1/interventions/", items, format="json")
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert error["index"] == 1 and NOT_A_PARTY in str(error["responsible_partner"])
    assert Intervention.objects.count() == before


@pytest.mark.parametrize("username", ["demo-sekretariatsleder", "demo-admin"])
def test_api_commitment_party_of_another_kommune_is_400(demo, api, username):
    payload = {
        "plan": demo.plan(PLAN_A2).pk,
        "party": _foreign_department(demo, PLAN_A2).pk,
        "year": 2025,
        "form": "cash",
        "amount": "1000.00",
    }
    before = Commitment.objects.count()
    response = api(username).post("/api/v1/commitments/", payload, format="json")
    assert response.status_code == 400, response.content
    assert "party" in response.json()["errors"]
    assert Commitment.objects.count() == before


def test_api_commitment_by_the_funder_is_accepted(demo, api):
    plan = demo.plan(PLAN_A2)
    lbf = Organisation.objects.get(kind=Organisation.Kind.FUNDER)
    Commitment.objects.filter(plan=plan, party=lbf, year=2025, form="cash").delete()
    payload = {"plan": plan.pk, "party": lbf.pk, "year": 2025, "form": "cash", "amount": "1000.00"}
    response = api("demo-sekretariatsleder").post("/api/v1/commitments/", payload, format="json")
    assert response.status_code == 201, response.content


def test_api_memberships_name_only_parties_of_the_readers_plans(demo, api):
    response = api("demo-koordinator").get("/api/v1/memberships/", {"page_size": 500})
    assert response.status_code == 200
    names = {row["organisation_name"] for row in response.json()["results"]}
    foreign = {org.name for org in Organisation.objects.filter(parent=demo.plan(PLAN_B).municipality)}
    foreign.add(demo.plan(PLAN_B).municipality.name)
    assert names and not names & foreign


def test_admin_change_forms_offer_only_the_plans_parties(demo, login):
    import re

    from django.urls import reverse

    client = login("demo-admin")
    foreign = _foreign_department(demo)
    intervention = Intervention.objects.filter(sub_agreement__plan__name=PLAN_A1).order_by("pk").first()
    commitment = Commitment.objects.filter(plan__name=PLAN_A1).order_by("pk").first()
    board = Body.objects.get(plan__name=PLAN_A1, kind=Body.Kind.BOARD)
    membership = Membership.objects.filter(body=board).order_by("pk").first()
    pages = [
        (reverse("admin:plans_intervention_change", args=[intervention.pk]), "responsible_partner"),
        (reverse("admin:plans_commitment_change", args=[commitment.pk]), "party"),
        (reverse("admin:governance_board_change", args=[board.pk]), "memberships-0-organisation"),
        (reverse("admin:governance_membership_change", args=[membership.pk]), "organisation"),
    ]
    own = _department(demo.plan(PLAN_A1))
    for url, field in pages:
        text = client.get(url).content.decode()
        select = re.search(rf'<select name="{field}".*?</select>', text, re.S)
        assert select, (url, field)
        assert f'<option value="{own.pk}"' in select.group(0), url
        assert f'<option value="{foreign.pk}"' not in select.group(0), url
