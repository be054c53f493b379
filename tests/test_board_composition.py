"""The board composition rule (issue #14, item 3): leaders (the flag on the membership) from the kommune
and each boligorganisation, a chair, terms that are current; the warnings with what to do on the plan
page, the koordinator's Overblik and in the pixi."""

from datetime import date, timedelta
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.bodies.composition import Party, Seat, board_composition_warnings
from governance.bodies.models import Body, Membership
from governance.bodies.selectors import board_composition
from governance.bodies.services import membership_create
from governance.reports.content import build_report_snapshot, render_report_html
from governance.reports.services import status_report_request
from plans.models import Plan

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
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
    assert "Dea" in warnings[0].message and "31. marts 2026" in warnings[0].message and "Dea" in warnings[0].what_to_do
    renewed = seat(org=10, start=date(2026, 4, 1), person="Dea")
    assert codes([*seats, renewed]) == []
    long_ago = seat(org=10, end=date(2025, 3, 31), person="Dea")  # more than a year: history, not a vacancy
    assert codes([seat("chair", org=1), seat(org=10, person="Eik"), long_ago]) == []


# --- The flag on the membership drives the rule (services, plan page, API) -------------------------------


def _plan_with_board(names=("Boligselskabet Hjem", "Boligforeningen Sol"), **plan_fields):
    """A plan of a new kommune with a forvaltning and two boligorganisationer, and a board that meets the
    rule: the forvaltning's director in the chair and a leader from each boligorganisation."""
    home, sun = (HousingOrgFactory(name=name) if name else HousingOrgFactory() for name in names)
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


# --- The koordinator's Overblik ----------------------------------------------------------------------------

KOMMUNE_LEADER_MISSING = "Bestyrelsen mangler et medlem på ledelsesniveau fra Fjordby Kommune."


def test_overview_shows_each_plans_warnings_with_what_to_do(login, demo):
    html = login("demo-koordinator").get(reverse("overview")).content.decode()
    section = html.split('id="board-composition"', 1)[1]
    assert KOMMUNE_LEADER_MISSING in section and "Bed Fjordby Kommune udpege en direktør" in section
    assert f'id="bestyrelse-{demo.plan(PLAN_A2).pk}"' in section
    assert f'id="bestyrelse-{demo.plan(PLAN_A1).pk}"' not in section  # Vestparken's board meets the rule
    assert f'href="#bestyrelse-{demo.plan(PLAN_A2).pk}"' in html and "1 mangel" in html
    assert "Opfylder reglerne" in html
    xlsx = login("demo-koordinator").get(reverse("overview"), {"format": "xlsx"}).content
    rows = {row[0]: row[-1] for row in load_workbook(BytesIO(xlsx))["Overblik"].iter_rows(values_only=True)}
    assert KOMMUNE_LEADER_MISSING in rows[PLAN_A2] and rows[PLAN_A1] == "Opfylder reglerne"


def test_overview_shows_no_warnings_about_plans_the_koordinator_cannot_see(login, demo):
    other = PlanFactory(secretariat=demo.plan(PLAN_B).secretariat, name="Helhedsplan uden bestyrelse")
    html = login("demo-koordinator").get(reverse("overview")).content.decode()
    assert "Helhedsplan uden bestyrelse" not in html and "Planen har ingen bestyrelse." not in html
    html = login("demo-koordinator-2").get(reverse("overview")).content.decode()
    assert f'id="bestyrelse-{other.pk}"' in html and "Planen har ingen bestyrelse." in html
    assert KOMMUNE_LEADER_MISSING not in html and PLAN_A2 not in html


def _grow_boards(demo, count):
    """``count`` more plans in the koordinator's kommune, each with a board of leaders whose kommune seat is
    not at leadership level (so every new board misses a kommune leader, and only that), and a term that
    ended long ago."""
    secretariat = demo.plan(PLAN_A1).secretariat
    for _ in range(count):
        plan, board, seats = _plan_with_board(names=(None, None), secretariat=secretariat)
        Membership.objects.filter(pk=seats["kommune"].pk).update(leadership_level=False)
        long_ago = timezone.localdate() - timedelta(days=800)
        _sit(board, plan.municipality, start=long_ago, end=long_ago + timedelta(days=365))


def test_overview_computes_every_board_in_a_constant_number_of_queries(login, demo, django_assert_max_num_queries):
    client = login("demo-koordinator")
    _grow_boards(demo, 2)
    with django_assert_max_num_queries(14) as small:
        html = client.get(reverse("overview")).content.decode()
    assert html.count('id="bestyrelse-') == html.count("Det skal gøres:") == 3  # Søndermarken, two new boards
    _grow_boards(demo, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("overview"), {"alle": "1"}).content.decode()
    assert html.count('id="bestyrelse-') == html.count("Det skal gøres:") == 28


# --- The pixi: a question for the board, frozen in the report's snapshot -----------------------------------


def _composition_question(snapshot):
    return next((q for q in snapshot["questions"] if q["reason"] == "board_composition"), None)


def test_the_pixi_asks_the_board_to_fix_its_composition(demo):
    question = _composition_question(build_report_snapshot(plan=demo.plan(PLAN_A2), period="2026-Q3", kind="pixi"))
    assert question["key"] == "board-composition" and question["kind"] == "discussion"
    assert KOMMUNE_LEADER_MISSING.rstrip(".") in question["title"]
    assert "Bed Fjordby Kommune udpege en direktør" in question["recommendation"]
    assert [w["code"] for w in question["warnings"]] == ["kommune_leader"]
    assert question["warnings"][0]["what_to_do"] in question["recommendation"]
    assert _composition_question(build_report_snapshot(plan=demo.plan(PLAN_A1), period="2026-Q3", kind="pixi")) is None


def test_the_pixi_counts_the_seats_as_they_stood_on_the_cutoff(demo):
    plan = demo.plan(PLAN_A2)
    _sit(plan.bodies.get(kind=Body.Kind.BOARD), plan.municipality, start=date(2026, 10, 1))
    assert _composition_question(build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi"))
    assert _composition_question(build_report_snapshot(plan=plan, period="2026-Q4", kind="pixi")) is None


def test_a_steering_groups_pixi_does_not_ask_about_the_board(demo):
    plan = demo.plan(PLAN_A2)
    group = plan.bodies.filter(kind=Body.Kind.STEERING_GROUP).first()
    snapshot = build_report_snapshot(
        plan=plan, period="2026-Q3", kind="pixi", audience="steering_group", audience_body=group
    )
    assert _composition_question(snapshot) is None


def test_the_generated_pixi_keeps_the_warning_it_was_made_with(
    demo, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    plan = demo.plan(PLAN_A2)
    with django_capture_on_commit_callbacks(execute=True):
        report = status_report_request(plan=plan, period="2026-Q3", kind="pixi", via="command")
    report.refresh_from_db()
    assert report.state == "done", report.error
    question = _composition_question(report.snapshot)
    html = render_report_html(report=report, snapshot=report.snapshot)
    assert question["title"] in html and "Bed Fjordby Kommune udpege en direktør" in html
    # Fixing the board afterwards changes the next report, not this one.
    Membership.objects.filter(body__plan=plan, body__kind=Body.Kind.BOARD).update(leadership_level=True)
    report.refresh_from_db()
    assert _composition_question(report.snapshot) == question
    assert _composition_question(build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi")) is None


def test_the_agenda_builder_proposes_fixing_the_board_for_its_next_meeting(demo, settings, tmp_path):
    from governance.agenda.selectors import meeting_proposals
    from governance.meetings.services import meeting_create

    settings.MEDIA_ROOT = tmp_path
    board = Body.objects.get(plan=demo.plan(PLAN_A2), kind=Body.Kind.BOARD)
    starts = timezone.now() + timedelta(days=45)
    meeting = meeting_create(
        body=board, title="Ekstra", starts_at=starts, ends_at=starts + timedelta(hours=2), location="Beboerhuset"
    )
    proposal = {p.key: p for p in meeting_proposals(meeting=meeting).open}["board-composition"]
    assert proposal.source == "board_composition" and "Bed Fjordby Kommune udpege" in proposal.recommendation
    assert proposal.evidence[0].url.endswith("#board-composition")
