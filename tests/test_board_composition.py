"""The board composition rule (issue #14, item 3): leaders (the flag on the membership) from the kommune
and each boligorganisation, a chair, terms that are current; the warnings with what to do on the plan
page, the koordinator's Overblik and in the pixi."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from governance.bodies.composition import Party, Seat, board_composition_warnings
from governance.bodies.models import Body, Membership
from governance.bodies.selectors import board_composition
from governance.bodies.services import membership_create
from plans.models import Plan

from .conftest import PLAN_A1, PLAN_A2
from .factories import BodyFactory, DepartmentFactory, HousingOrgFactory, PersonFactory, PlanFactory, UserFactory

KOMMUNE = Party(1, "Fjordby Kommune")
FORVALTNING_PARENT = 1
HOME, SUN = Party(10, "Boligselskabet Fjordhjem"), Party(11, "Andelsboligforeningen Solgården")
TODAY = date(2026, 5, 1)


def seat(role="member", org=1, parent=None, leader=True, start=date(2025, 1, 1), end=None, person="A"):
    return Seat(person, role, org, parent, leader, start, end)


def codes(seats, housing_orgs=(HOME,)):
    return [
        w.code for w in board_composition_warnings(kommune=KOMMUNE, housing_orgs=housing_orgs, seats=seats, on=TODAY)
    ]


def test_a_board_that_meets_the_rule_has_no_warnings():
    seats = [seat("chair", org=5, parent=FORVALTNING_PARENT), seat(org=10)]  # a forvaltning speaks for its kommune
    assert codes(seats) == []


def test_missing_leaders_are_named_per_party():
    seats = [seat("chair", org=1, leader=False), seat(org=10), seat(org=11, leader=False)]
    warnings = board_composition_warnings(kommune=KOMMUNE, housing_orgs=[HOME, SUN], seats=seats, on=TODAY)
    assert [(w.code, w.party_id) for w in warnings] == [("kommune_leader", 1), ("housing_org_leader", 11)]
    assert "Andelsboligforeningen Solgården" in warnings[1].message
    assert warnings[1].what_to_do


def test_observers_secretaries_and_ended_terms_do_not_count():
    seats = [
        seat("chair", org=10),
        seat("observer", org=1),
        seat("secretary", org=1),
        seat(org=1, end=date(2026, 1, 1)),  # ended
        seat(org=1, start=date(2026, 9, 1)),  # not started
    ]
    assert codes(seats) == ["kommune_leader"]


def test_no_chair_and_terms_running_out():
    seats = [seat(org=1), seat(org=10, end=date(2026, 6, 1), person="Bo")]
    warnings = board_composition_warnings(kommune=KOMMUNE, housing_orgs=[HOME], seats=seats, on=TODAY)
    assert [w.code for w in warnings] == ["no_chair", "term_ending"]
    assert "Bo" in warnings[1].message
    successor = seat(org=10, start=date(2026, 6, 2), person="Cai")
    assert "term_ending" not in codes([*seats, successor])


def test_no_board():
    assert codes(None) == ["no_board"]


def test_plan_page_warns_about_the_board_without_a_kommune_leader(demo, login):
    client = login("demo-sekretariatsleder")
    html = client.get(reverse("plan-detail", args=[demo.plan(PLAN_A2).pk])).content.decode()
    assert "Bestyrelsen mangler et medlem på ledelsesniveau fra Fjordby Kommune." in html
    html = client.get(reverse("plan-detail", args=[demo.plan(PLAN_A1).pk])).content.decode()
    assert "ledelsesniveau fra Fjordby Kommune" not in html


def test_a_term_that_ran_out_without_a_successor_is_a_warning():
    ran_out = seat(org=10, end=date(2026, 3, 31), person="Dea")
    seats = [seat("chair", org=1), seat(org=10, person="Eik"), ran_out]
    warnings = board_composition_warnings(kommune=KOMMUNE, housing_orgs=[HOME], seats=seats, on=TODAY)
    assert [w.code for w in warnings] == ["term_expired"]
    assert "Dea" in warnings[0].message and "31-03-2026" in warnings[0].message and "Dea" in warnings[0].what_to_do
    renewed = seat(org=10, start=date(2026, 4, 1), person="Dea")
    assert codes([*seats, renewed]) == []
    long_ago = seat(org=10, end=date(2025, 3, 31), person="Dea")  # more than a year: history, not a vacancy
    assert codes([seat("chair", org=1), seat(org=10, person="Eik"), long_ago]) == []


# --- The flag on the membership drives the rule (services, plan page, API) -------------------------------


def _plan_with_board(**plan_fields):
    """A plan of a new kommune with a forvaltning and two boligorganisationer, and a board that meets the
    rule: the forvaltning's director in the chair and a leader from each boligorganisation."""
    home, sun = HousingOrgFactory(name="Boligselskabet Hjem"), HousingOrgFactory(name="Boligforeningen Sol")
    plan = PlanFactory(housing_organisations=[home, sun], **plan_fields)
    forvaltning = DepartmentFactory(parent=plan.municipality)
    board = BodyFactory(plan=plan, kind=Body.Kind.BOARD, name=f"Bestyrelsen for {plan.name}")
    start = timezone.localdate() - timedelta(days=400)
    seats = {
        "kommune": _sit(board, forvaltning, Membership.Role.CHAIR, start=start),
        "home": _sit(board, home, start=start),
        "sun": _sit(board, sun, start=start),
    }
    return plan, board, seats


def _sit(board, organisation, role=Membership.Role.MEMBER, *, leader=True, start=None, end=None):
    return membership_create(
        body=board,
        person=PersonFactory(),
        role=role,
        organisation=organisation,
        start_date=start or timezone.localdate() - timedelta(days=30),
        end_date=end,
        leadership_level=leader,
    )


def _warnings(plan):
    plan = Plan.objects.select_related("municipality").get(pk=plan.pk)
    return board_composition(plans=[plan], on=timezone.localdate())[plan.pk]


def test_the_membership_flag_decides_who_is_a_leader(db):
    plan, _board, seats = _plan_with_board()
    assert _warnings(plan) == []
    Membership.objects.filter(pk=seats["kommune"].pk).update(leadership_level=False)
    assert [(w.code, w.party_id) for w in _warnings(plan)] == [("kommune_leader", plan.municipality_id)]
    # A leader's seat in a steering group does not fill the board's.
    _sit(BodyFactory(plan=plan, kind=Body.Kind.STEERING_GROUP), seats["kommune"].organisation)
    assert [w.code for w in _warnings(plan)] == ["kommune_leader"]
    Membership.objects.filter(pk=seats["kommune"].pk).update(leadership_level=True)
    sun = seats["sun"]
    Membership.objects.filter(pk=sun.pk).update(leadership_level=False)
    (warning,) = _warnings(plan)
    assert (warning.code, warning.party_id) == ("housing_org_leader", sun.organisation_id)
    assert "Boligforeningen Sol" in warning.message and "på ledelsesniveau" in warning.what_to_do


def test_no_chair_and_an_expired_term_from_the_memberships(db):
    plan, board, seats = _plan_with_board()
    Membership.objects.filter(pk=seats["kommune"].pk).update(role=Membership.Role.MEMBER)
    assert [w.code for w in _warnings(plan)] == ["no_chair"]
    Membership.objects.filter(pk=seats["kommune"].pk).update(role=Membership.Role.CHAIR)
    home = seats["home"]
    ended = timezone.localdate() - timedelta(days=10)
    Membership.objects.filter(pk=home.pk).update(end_date=ended)
    codes_now = [w.code for w in _warnings(plan)]
    assert codes_now == ["housing_org_leader", "term_expired"]  # the seat is empty, and nobody followed
    _sit(board, home.organisation, start=ended + timedelta(days=1))
    assert _warnings(plan) == []


def test_a_plan_without_a_board_and_a_board_without_members(db):
    plan = PlanFactory()
    assert [w.code for w in _warnings(plan)] == ["no_board"]
    BodyFactory(plan=plan, kind=Body.Kind.BOARD, name="Tom bestyrelse")
    assert [w.code for w in _warnings(plan)] == ["kommune_leader", "housing_org_leader", "no_chair"]


def test_plan_page_warns_with_what_to_do(db, client):
    plan, _board, seats = _plan_with_board()
    Membership.objects.filter(pk=seats["sun"].pk).update(leadership_level=False)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Bestyrelsen mangler et medlem på ledelsesniveau fra Boligforeningen Sol." in html
    assert "Det skal gøres:" in html and "Bed Boligforeningen Sol udpege en direktør" in html


def test_the_api_reports_the_flag_on_each_membership(api, demo):
    plan = demo.plan(PLAN_A2)
    board = plan.bodies.get(kind=Body.Kind.BOARD)
    rows = api("demo-sekretariatsleder").get("/api/v1/memberships/", {"body": board.pk}).json()["results"]
    kommune = {plan.municipality_id, *plan.municipality.departments.values_list("pk", flat=True)}
    voting = [row for row in rows if row["role"] in ("chair", "vice_chair", "member")]
    assert voting and all(isinstance(row["leadership_level"], bool) for row in rows)
    # The demo's board missing a kommune leader: none of the kommune's seats is flagged, others are.
    assert not any(row["leadership_level"] for row in voting if row["organisation"] in kommune)
    assert any(row["leadership_level"] for row in voting if row["organisation"] not in kommune)
