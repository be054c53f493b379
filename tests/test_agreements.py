"""Versioned agreements (issue #15, item 5): the samarbejdsaftale and each delaftale as draft →
approved versions with a reason, the board's decision and a readable diff; the admin's versions
carried over; indsatser adjusted with history. Through services, views and the data migration."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.agreements.diff import DELETE, EQUAL, INSERT, list_diff, text_diff
from governance.agreements.models import AgreementVersion, InterventionAdjustment
from governance.agreements.services import (
    agreement_adopt,
    agreement_approve,
    agreement_draft_save,
    agreement_record_lbf_approval,
    intervention_adjust,
)
from governance.bodies.models import Body
from governance.meetings.models import Decision
from plans.models import CooperationAgreement, Intervention, Organisation, SubAgreement

from .conftest import PLAN_A1, PLAN_B
from .factories import AgendaItemFactory, BodyFactory, DecisionFactory, MeetingFactory, PlanFactory

pytestmark = pytest.mark.django_db


def board_decision(plan, *, days_ago: int = 3, kind=Body.Kind.BOARD) -> Decision:
    body = Body.objects.filter(plan=plan, kind=kind).first() or BodyFactory(plan=plan, kind=kind)
    meeting = MeetingFactory(body=body, starts_at=timezone.now() - timedelta(days=days_ago))
    return DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting, title="Ændring af delaftalen"))


def education(plan) -> SubAgreement:
    return plan.sub_agreements.get(thematic_area__name="Beskæftigelse")


# --- The diff --------------------------------------------------------------------------------------


def test_text_diff_marks_inserted_and_deleted_words():
    segments = text_diff("Lektiecaféen holder åbent mandag.", "Lektiecaféen holder åbent tirsdag og torsdag.")
    kinds = [(s.kind, s.text) for s in segments]
    assert (EQUAL, "Lektiecaféen holder åbent ") in kinds
    assert (DELETE, "mandag.") in kinds
    assert (INSERT, "tirsdag og torsdag.") in kinds
    assert "".join(s.text for s in segments if s.kind != DELETE) == "Lektiecaféen holder åbent tirsdag og torsdag."


def test_list_diff_names_added_and_removed_parties():
    segments = list_diff(["Boldklubben", "Kommunen"], ["Kommunen", "Frivilligcentret"])
    assert [(s.kind, s.text) for s in segments] == [
        (DELETE, "Boldklubben"),
        (INSERT, "Frivilligcentret"),
        (EQUAL, "Kommunen"),
    ]


# --- The data migration ------------------------------------------------------------------------------


def test_migration_carries_the_admins_versions_over_without_losing_data():
    migration = importlib.import_module("governance.migrations.0012_copy_cooperation_agreement_versions")
    plan = PlanFactory()
    approved = CooperationAgreement.objects.create(
        plan=plan,
        version=1,
        title="Aftale 2023",
        vision="Trygt og godt at bo.",
        status=CooperationAgreement.Status.APPROVED_BY_LBF,
        approved_by_board_on=date(2023, 2, 1),
        approved_by_lbf_on=date(2023, 3, 15),
    )
    draft = CooperationAgreement.objects.create(
        plan=plan, version=2, title="Aftale 2025", vision="Nye mål.", change_reason="Midtvejsevaluering"
    )
    migration.copy_versions(django_apps, None)
    migration.copy_versions(django_apps, None)  # idempotent
    versions = AgreementVersion.objects.filter(plan=plan).order_by("number")
    assert [(v.number, v.status, v.origin) for v in versions] == [(1, "approved", "admin"), (2, "draft", "admin")]
    first, second = versions
    assert (first.title, first.text, first.approved_on, first.lbf_approved_on) == (
        "Aftale 2023",
        "Trygt og godt at bo.",
        date(2023, 2, 1),
        date(2023, 3, 15),
    )
    assert first.cooperation_agreement == approved and second.cooperation_agreement == draft
    assert second.reason == "Midtvejsevaluering"
    assert first.drafted_at is not None  # from the row's first history entry
    migration.remove_copies(django_apps, None)
    assert not AgreementVersion.objects.filter(plan=plan).exists()
    assert CooperationAgreement.objects.filter(plan=plan).count() == 2


def test_demo_agreements_are_under_versioning(demo):
    plan = demo.plan(PLAN_A1)
    assert AgreementVersion.objects.filter(plan=plan, sub_agreement=None, origin="admin").exists()
    for sub_agreement in plan.sub_agreements.all():
        assert sub_agreement.versions.filter(number=1, origin="baseline").exists()
    changed = plan.sub_agreements.get(thematic_area__name="Uddannelse og livschancer").versions.get(number=2)
    assert changed.decision is not None and changed.status == "approved"


# --- Drafting and approving ----------------------------------------------------------------------------


def test_draft_needs_a_reason_and_a_change(demo):
    plan, lead = demo.plan(PLAN_A1), demo.user("demo-sekretariatsleder")
    sub_agreement = education(plan)
    parties = list(sub_agreement.parties.all())
    with pytest.raises(ValidationError) as excinfo:
        agreement_draft_save(
            plan=plan, sub_agreement=sub_agreement, user=lead, title=sub_agreement.title, text="Ny tekst", reason=" "
        )
    assert "reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError, match="magen til"):
        agreement_draft_save(
            plan=plan,
            sub_agreement=sub_agreement,
            user=lead,
            title=sub_agreement.title,
            text=sub_agreement.description,
            reason="Ingen ændring",
            parties=parties,
        )
    assert not sub_agreement.versions.filter(status="draft").exists()


def test_draft_parties_must_be_parties_of_the_plan(demo):
    plan, lead = demo.plan(PLAN_A1), demo.user("demo-sekretariatsleder")
    stranger = Organisation.objects.get(name="Boligforeningen Åhave")  # Åbæk's boligorganisation
    with pytest.raises(ValidationError) as excinfo:
        agreement_draft_save(
            plan=plan,
            sub_agreement=education(plan),
            user=lead,
            title="Delaftale: Beskæftigelse",
            text="Tekst",
            reason="Ny part",
            parties=[stranger],
        )
    assert "parties" in excinfo.value.message_dict


def test_approving_a_delaftale_version_applies_it_and_keeps_the_old_one(demo):
    plan, lead = demo.plan(PLAN_A1), demo.user("demo-sekretariatsleder")
    sub_agreement = education(plan)
    old_text = sub_agreement.description
    partner = Organisation.objects.get(name="Fjordby Boldklub")
    draft = agreement_draft_save(
        plan=plan,
        sub_agreement=sub_agreement,
        user=lead,
        title=sub_agreement.title,
        text=old_text + " Jobcaféen flytter til biblioteket.",
        reason="Jobcaféen får bedre lokaler",
        parties=[*sub_agreement.parties.all(), partner],
    )
    assert draft.number == 2 and draft.is_draft
    sub_agreement.refresh_from_db()
    assert sub_agreement.description == old_text  # a draft changes nothing yet
    decision = board_decision(plan)
    agreement_approve(version=draft, decision=decision, user=lead)
    draft.refresh_from_db()
    sub_agreement.refresh_from_db()
    assert draft.status == "approved" and draft.decision == decision
    assert draft.approved_on == decision.agenda_item.meeting.meeting_day
    assert sub_agreement.description.endswith("Jobcaféen flytter til biblioteket.")
    assert partner in sub_agreement.parties.all()
    assert sub_agreement.versions.get(number=1).text == old_text
    with pytest.raises(ValidationError, match="allerede godkendt"):
        agreement_approve(version=draft, decision=decision, user=lead)


def test_approval_needs_a_held_meeting_of_the_plans_board(demo):
    plan, lead = demo.plan(PLAN_A1), demo.user("demo-sekretariatsleder")
    draft = agreement_draft_save(
        plan=plan, user=lead, title="Strategisk samarbejdsaftale", text="Ny vision", reason="Ny vision"
    )
    refused = [
        board_decision(plan, days_ago=-5),  # not held yet
        board_decision(plan, kind=Body.Kind.STEERING_GROUP),  # a steering group's decision
        board_decision(demo.plan(PLAN_B)),  # another plan's board
    ]
    for decision in refused:
        with pytest.raises(ValidationError) as excinfo:
            agreement_approve(version=draft, decision=decision, user=lead)
        assert "decision" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        agreement_approve(version=draft, decision=None, user=lead)
    draft.refresh_from_db()
    assert draft.is_draft


def test_approving_the_samarbejdsaftale_writes_the_plans_version_and_lbf_follows(demo):
    plan, lead = demo.plan(PLAN_B), demo.user("demo-admin")
    draft = agreement_draft_save(plan=plan, user=lead, title="Samarbejdsaftale 2026", text="Ny", reason="Revision")
    version = agreement_approve(version=draft, decision=board_decision(plan), user=lead)
    row = version.cooperation_agreement
    assert (row.version, row.title, row.status) == (version.number, "Samarbejdsaftale 2026", "approved_by_board")
    with pytest.raises(ValidationError):
        agreement_record_lbf_approval(version=version, approved_on=version.approved_on - timedelta(days=1))
    agreement_record_lbf_approval(version=version, approved_on=timezone.localdate())
    row.refresh_from_db()
    assert row.status == "approved_by_lbf" and row.approved_by_lbf_on == timezone.localdate()


def test_adopt_is_idempotent(demo):
    plan = demo.plan(PLAN_A1)
    before = AgreementVersion.objects.count()
    agreement_adopt(plan=plan)
    for sub_agreement in plan.sub_agreements.all():
        agreement_adopt(plan=plan, sub_agreement=sub_agreement)
    assert AgreementVersion.objects.count() == before


# --- Pages, per role ---------------------------------------------------------------------------------


def test_version_page_shows_an_accessible_diff(login, demo):
    plan = demo.plan(PLAN_A1)
    changed = plan.sub_agreements.get(thematic_area__name="Uddannelse og livschancer").versions.get(number=2)
    html = login("demo-bestyrelse").get(reverse("governance:agreement-version", args=[changed.pk])).content.decode()
    assert "Ændringer fra version 1 til version 2" in html
    assert '<ins><span class="diff-label">Tilføjet:</span>' in html
    assert "Bestyrelsesmøde (sommer)" in html  # the approving decision, linked for the board
    assert "Godkend version" not in html  # a board member reads, the sekretariatsleder records


def test_steering_group_sees_its_delaftale_versions_but_not_the_boards_minutes(login, demo):
    plan = demo.plan(PLAN_A1)
    client = login("demo-styregruppe")
    own = plan.sub_agreements.get(thematic_area__name="Uddannelse og livschancer").versions.get(number=2)
    response = client.get(reverse("governance:agreement-version", args=[own.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bestyrelsesmøde (sommer)" not in html and "Lektiecaféen når ikke målgruppen" not in html
    hidden = plan.sub_agreements.get(thematic_area__name="Kriminalitetsforebyggelse").versions.get(number=1)
    assert client.get(reverse("governance:agreement-version", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("governance:agreement-detail", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("demo-sekretariatsleder", 200),
        ("demo-admin", 200),
        ("demo-bestyrelse", 403),
        ("demo-koordinator", 403),
        ("demo-boligorg", 403),
        ("demo-koordinator-2", 404),
    ],
)
def test_only_the_sekretariatsleder_drafts(login, demo, username, status):
    plan = demo.plan(PLAN_A1)
    client = login(username)
    assert client.get(reverse("governance:agreement-draft", args=[plan.pk])).status_code == status
    url = reverse("governance:sub-agreement-draft", args=[education(plan).pk])
    assert client.get(url).status_code == status


def test_draft_and_approve_through_the_pages(login, demo):
    plan = demo.plan(PLAN_A1)
    sub_agreement = education(plan)
    client = login("demo-sekretariatsleder")
    response = client.post(
        reverse("governance:sub-agreement-draft", args=[sub_agreement.pk]),
        {
            "title": sub_agreement.title,
            "text": sub_agreement.description + " Virksomhedspraktikken udvides.",
            "reason": "Flere praktikpladser",
            "parties": [p.pk for p in sub_agreement.parties.all()],
        },
    )
    draft = sub_agreement.versions.get(status="draft")
    assert response.status_code == 302 and response["Location"] == reverse(
        "governance:agreement-version", args=[draft.pk]
    )
    html = client.get(response["Location"]).content.decode()
    assert "Virksomhedspraktikken udvides." in html and "Godkend version" in html
    approve = reverse("governance:agreement-version-approve", args=[draft.pk])
    assert login("demo-bestyrelse").post(approve, {}).status_code == 403
    assert login("demo-koordinator-2").post(approve, {}).status_code == 404
    client = login("demo-sekretariatsleder")
    response = client.post(approve, {"decision": ""})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.is_draft
    decision = board_decision(plan)
    response = client.post(approve, {"decision": decision.pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.decision == decision


def test_a_steering_group_decision_is_not_offered_for_approval(login, demo):
    plan = demo.plan(PLAN_A1)
    lead = demo.user("demo-sekretariatsleder")
    draft = agreement_draft_save(plan=plan, user=lead, title="Samarbejdsaftale", text="Ny", reason="Test")
    group_decision = board_decision(plan, kind=Body.Kind.STEERING_GROUP)
    client = login("demo-sekretariatsleder")
    response = client.post(
        reverse("governance:agreement-version-approve", args=[draft.pk]), {"decision": group_decision.pk}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.is_draft


# --- Indsatser: adjusted freely, with history ---------------------------------------------------------


def test_adjusting_an_indsats_records_who_what_and_why(demo):
    plan, lead = demo.plan(PLAN_A1), demo.user("demo-sekretariatsleder")
    intervention = Intervention.objects.get(sub_agreement__plan=plan, name="Jobcafé i boligområdet")
    decision = board_decision(plan)
    adjustment = intervention_adjust(
        intervention=intervention,
        user=lead,
        reason="Åbent også torsdag",
        decision=decision,
        budget=Decimal("1300000"),
        status=Intervention.Status.RUNNING,
    )
    assert adjustment.changes == [
        {"field": "budget for perioden (kr.)", "old": "1.120.000 kr.", "new": "1.300.000 kr."}
    ]
    assert adjustment.decision == decision and adjustment.changed_by == lead
    assert intervention.history.first().history_change_reason == "Åbent også torsdag"
    with pytest.raises(ValidationError, match="Intet er ændret"):
        intervention_adjust(intervention=intervention, user=lead, reason="Igen", budget=Decimal("1300000"))
    with pytest.raises(ValidationError):
        intervention_adjust(intervention=intervention, user=lead, reason="", budget=Decimal("1"))
    other_plans = board_decision(demo.plan(PLAN_B))
    with pytest.raises(ValidationError):
        intervention_adjust(intervention=intervention, user=lead, reason="x", decision=other_plans, budget=Decimal("2"))
    assert InterventionAdjustment.objects.filter(intervention=intervention).count() == 1


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("demo-sekretariatsleder", 200),
        ("demo-boligorg", 200),
        ("demo-styregruppe", 200),  # their own delaftale's indsats
        ("demo-bestyrelse", 403),
        ("demo-koordinator", 403),
        ("demo-koordinator-2", 404),
    ],
)
def test_adjust_page_per_role(login, demo, username, status):
    intervention = Intervention.objects.get(sub_agreement__plan=demo.plan(PLAN_A1), name="Jobcafé i boligområdet")
    assert login(username).get(reverse("governance:intervention-adjust", args=[intervention.pk])).status_code == status


def test_adjust_through_the_page_and_see_the_history(login, demo):
    intervention = Intervention.objects.get(sub_agreement__plan=demo.plan(PLAN_A1), name="Jobcafé i boligområdet")
    client = login("demo-boligorg")
    url = reverse("governance:intervention-adjust", args=[intervention.pk])
    data = {
        "name": intervention.name,
        "description": intervention.description,
        "responsible_partner": intervention.responsible_partner_id,
        "partners": [p.pk for p in intervention.partners.all()],
        "status": "completed",
        "start_date": intervention.start_date.isoformat(),
        "end_date": intervention.end_date.isoformat(),
        "budget": "1120000",
        "reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert Intervention.objects.get(pk=intervention.pk).status == "running"
    response = client.post(url, {**data, "reason": "Jobcaféen er lukket efter aftale med jobcentret"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Jobcaféen er lukket efter aftale med jobcentret" in html
    assert "Afsluttet" in html and "I gang" in html  # before → now


def test_interventions_page_hides_the_boards_decision_from_a_steering_group(login, demo):
    plan = demo.plan(PLAN_A1)
    sub_agreement = plan.sub_agreements.get(thematic_area__name="Uddannelse og livschancer")
    url = reverse("governance:sub-agreement-interventions", args=[sub_agreement.pk])
    html = login("demo-styregruppe").get(url).content.decode()
    assert "150.000 kr. flyttet" in html and "Bestyrelsesmøde (sommer)" not in html
    html = login("demo-bestyrelse").get(url).content.decode()
    assert "Bestyrelsesmøde (sommer)" in html
    hidden = plan.sub_agreements.get(thematic_area__name="Kriminalitetsforebyggelse")
    url = reverse("governance:sub-agreement-interventions", args=[hidden.pk])
    assert login("demo-styregruppe").get(url).status_code == 404


def test_agreement_pages_keep_a_constant_number_of_queries(login, demo, django_assert_max_num_queries):
    plan, lead = demo.plan(PLAN_B), demo.user("demo-admin")
    client = login("demo-koordinator-2")
    url = reverse("governance:agreement-detail", args=[plan.pk])
    draft = agreement_draft_save(plan=plan, user=lead, title="Aftale", text="Første ændring", reason="Ændring")
    agreement_approve(version=draft, decision=board_decision(plan), user=lead)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for number in range(5):
        draft = agreement_draft_save(plan=plan, user=lead, title="Aftale", text=f"Tekst {number}", reason="Ændring")
        agreement_approve(version=draft, decision=board_decision(plan), user=lead)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
