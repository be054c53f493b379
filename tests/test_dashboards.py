"""Role dashboards: Overblik (goal status, reports, meetings, actions), Bybarometer, Projektbank's goal
filter, Mit sekretariat and Læsesal. Constant query counts, scoping per role, allowed/forbidden."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.bodies.models import Body
from governance.meetings.models import SendOut
from governance.reports.models import StatusReport
from monitoring.models import AreaStatistic, Goal, Indicator
from plans.models import Commitment, HousingArea, Intervention, Plan, Role, RoleAssignment

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import (
    ActionItemFactory,
    AgendaItemFactory,
    BodyFactory,
    CommitmentFactory,
    DecisionFactory,
    GoalFactory,
    IndicatorFactory,
    InterventionFactory,
    MeasurementFactory,
    MeetingFactory,
    PlanFactory,
    StatusReportFactory,
    SubAgreementFactory,
    TargetFactory,
)
from .test_pages import plan_names_in

DASHBOARDS = ["overview", "cofinancing", "area-barometer", "project-bank", "my-secretariat", "reading-room"]


def grow(demo, count: int, *, per_plan: int = 2) -> list[Plan]:
    """``count`` more plans in the first kommune's secretariat, each with goals, measurements, a board
    with past and upcoming meetings, decisions, open and overdue actions, reports, areas with LBF
    statistics and interventions followed by indicators; demo-bestyrelse sits on every board."""
    secretariat = demo.plan(PLAN_A1).secretariat
    board_member = demo.user("demo-bestyrelse")
    now = timezone.now()
    plans = []
    for _ in range(count):
        plan = PlanFactory(secretariat=secretariat)
        plans.append(plan)
        CommitmentFactory(plan=plan, year=timezone.localdate().year)
        RoleAssignment.objects.create(user=board_member, role=Role.BOARD_MEMBER, plan=plan)
        sub_agreement = SubAgreementFactory(plan=plan)
        board = BodyFactory(plan=plan, kind=Body.Kind.BOARD, name=f"Bestyrelsen {plan.pk}")
        area = plan.areas.get()
        for period in ("2023-H1", "2023-H2", "2024-H1"):
            AreaStatistic.objects.create(
                scope=AreaStatistic.Scope.AREA, area=area, indicator_code="BESKAEFTIGELSE", period=period, value=40
            )
        for g in range(per_plan):
            goal = GoalFactory(plan=plan)
            intervention = InterventionFactory(sub_agreement=sub_agreement)
            for _i in range(per_plan):
                indicator = IndicatorFactory(goal=goal)
                indicator.interventions.add(intervention)
                TargetFactory(indicator=indicator)
                for period in ("2024-Q1", "2024-Q2", "2024-Q3")[: g + 2]:
                    MeasurementFactory(indicator=indicator, period=period, value=Decimal(50 + g * 5))
        for when in (now - timedelta(days=20), now + timedelta(days=5), now + timedelta(days=40)):
            meeting = MeetingFactory(body=board, starts_at=when)
            SendOut.objects.create(meeting=meeting, state=SendOut.State.DONE, sent_at=now, pack="moedepakker/x.pdf")
            for _i in range(per_plan):
                decision = DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting))
                ActionItemFactory(decision=decision)
                ActionItemFactory(decision=decision, due_date=timezone.localdate() - timedelta(days=3))
        for kind in StatusReport.Kind.values:
            StatusReportFactory(plan=plan, kind=kind, pdf=f"reports/plan-{plan.pk}/x.pdf")
        StatusReportFactory(plan=plan, state=StatusReport.State.QUEUED)
    return plans


# --- constant SQL queries ------------------------------------------------------------------------

QUERY_PAGES = [
    ("demo-koordinator", "overview", {}),
    ("demo-koordinator", "overview", {"format": "xlsx"}),
    ("demo-koordinator", "overview", {"status": "on_track", "sort": "-status"}),
    ("demo-koordinator", "cofinancing", {}),
    ("demo-koordinator", "area-barometer", {}),
    ("demo-koordinator", "project-bank", {}),
    ("demo-sekretariatsleder", "my-secretariat", {}),
    ("demo-bestyrelse", "reading-room", {}),
    ("demo-admin", "overview", {}),
    ("demo-admin", "my-secretariat", {}),
    ("demo-admin", "reading-room", {}),
]


@pytest.mark.parametrize(("username", "url_name", "params"), QUERY_PAGES)
def test_dashboards_use_a_constant_number_of_queries(
    login, demo, django_assert_max_num_queries, username, url_name, params
):
    client = login(username)
    grow(demo, 1, per_plan=1)
    with django_assert_max_num_queries(25) as small:
        assert client.get(reverse(url_name), params).status_code == 200
    grow(demo, 6, per_plan=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(url_name), params)
    assert response.status_code == 200


def test_large_data_shows_up_on_every_dashboard(login, demo):
    plans = grow(demo, 3)
    names = {plan.name for plan in plans}
    client = login("demo-koordinator")
    assert names <= plan_names_in(client.get(reverse("overview")).content.decode())
    html = login("demo-sekretariatsleder").get(reverse("my-secretariat")).content.decode()
    assert all(name in html for name in names)
    html = login("demo-bestyrelse").get(reverse("reading-room")).content.decode()
    assert all(name in html for name in names)


# --- Overblik ------------------------------------------------------------------------------------


def test_overview_shows_goal_status_report_meeting_and_actions(login, demo):
    (plan,) = grow(demo, 1)
    html = login("demo-koordinator").get(reverse("overview"), {"sort": "name"}).content.decode()
    row = html[html.index(plan.name) :]
    row = row[: row.index("</tr>")]
    assert "status--" in row and "aria-hidden" in row  # status has a symbol and a word
    assert any(label in row for label in ("På rette vej", "I risiko", "Ude af kurs", "Ingen data"))
    pixi = StatusReport.objects.filter(plan=plan, kind="pixi", state="done").get()
    assert reverse("governance:report-download", args=[plan.pk, pixi.pk]) in row
    assert "12 åbne" in row and "6 overskredet" in row  # 3 meetings × 2 decisions × (1 due later + 1 overdue)
    meeting = plan.bodies.get(kind=Body.Kind.BOARD).meetings.filter(starts_at__gte=timezone.now()).earliest("starts_at")
    assert reverse("governance:meeting-detail", args=[meeting.pk]) in row


def test_overview_filters_by_goal_status_and_exports_the_new_columns(login, demo):
    (plan,) = grow(demo, 1)
    client = login("demo-koordinator")
    on_track = plan_names_in(client.get(reverse("overview"), {"status": "on_track"}).content.decode())
    no_data = plan_names_in(client.get(reverse("overview"), {"status": "no_data"}).content.decode())
    everything = plan_names_in(client.get(reverse("overview"), {"status": "bogus"}).content.decode())
    assert everything == {PLAN_A1, PLAN_A2, plan.name}
    assert on_track | no_data <= everything
    Indicator.objects.filter(goal__plan=plan).delete()
    assert plan.name in plan_names_in(client.get(reverse("overview"), {"status": "no_data"}).content.decode())
    assert plan.name not in plan_names_in(client.get(reverse("overview"), {"status": "on_track"}).content.decode())
    book = load_workbook(BytesIO(client.get(reverse("overview"), {"format": "xlsx"}).content))
    sheet = book["Overblik"]
    header = [cell.value for cell in sheet[1]]
    for column in ("Samlet status", "Seneste pixi-rapport", "Næste bestyrelsesmøde", "Overskredne handlingspunkter"):
        assert column in header
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[plan.name]["Overskredne handlingspunkter"] == 6
    assert rows[plan.name]["Samlet status"] == "Ingen data"


# --- Projektbank goal filter ---------------------------------------------------------------------


def test_project_bank_filters_by_goal(login, demo):
    (plan,) = grow(demo, 1, per_plan=2)
    goal = Goal.objects.filter(plan=plan).order_by("pk").first()
    followed = set(Intervention.objects.filter(indicators__goal=goal).values_list("name", flat=True))
    other = InterventionFactory(sub_agreement=plan.sub_agreements.first(), name="Ikke fulgt indsats")
    client = login("demo-koordinator")
    html = client.get(reverse("project-bank"), {"goal": goal.pk}).content.decode()
    assert followed and all(name in html for name in followed)
    assert other.name not in html
    assert f'<option value="{goal.pk}"' in client.get(reverse("project-bank")).content.decode()
    # A goal of a plan the user may not see filters to nothing and is not offered.
    assert (
        "0 indsatser fundet"
        in login("demo-koordinator-2").get(reverse("project-bank"), {"goal": goal.pk}).content.decode()
    )


# --- Bybarometer ---------------------------------------------------------------------------------


def test_area_barometer_compares_areas_with_kommune_and_country(login, demo):
    client = login("demo-koordinator")
    response = client.get(reverse("area-barometer"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'role="img"' in html and "Hele landet" in html
    area = HousingArea.objects.filter(plans__name=PLAN_A1).first()
    assert area.name in html
    codes = response.context["barometer"].codes
    assert len(codes) >= 2
    html = client.get(reverse("area-barometer"), {"code": codes[1]}).content.decode()
    assert f'<option value="{codes[1]}" selected' in html
    assert client.get(reverse("area-barometer"), {"code": "<script>"}).status_code == 200


def test_area_barometer_without_areas(login, demo):
    from .factories import UserFactory

    client = login("demo-koordinator")
    client.force_login(UserFactory())
    html = client.get(reverse("area-barometer")).content.decode()
    assert "ingen boligområder" in html


# --- Scoping: demo-koordinator-2 sees nothing of the first kommune ---------------------------------


def kommune_names(plans) -> set[str]:
    """Plan, area, intervention, goal and municipal party names of these plans."""
    names = set(plans.values_list("name", flat=True))
    names |= set(HousingArea.objects.filter(plans__in=plans).values_list("name", flat=True))
    names |= set(Intervention.objects.filter(sub_agreement__plan__in=plans).values_list("name", flat=True))
    names |= set(Goal.objects.filter(plan__in=plans).values_list("title", flat=True))
    names |= set(
        Commitment.objects.filter(plan__in=plans).exclude(party__kind="funder").values_list("party__name", flat=True)
    )
    return names


def first_kommune_names(demo) -> set[str]:
    """Names only the first kommune's plans have (names shared with Åbæk Øst, like demo goal titles, prove nothing)."""
    first = Plan.objects.filter(secretariat=demo.plan(PLAN_A1).secretariat)
    return kommune_names(first) - kommune_names(Plan.objects.filter(name=PLAN_B))


def test_koordinator_2_sees_nothing_of_the_first_kommune(login, demo):
    grow(demo, 1)
    forbidden = first_kommune_names(demo) | {
        p.name for p in Plan.objects.filter(secretariat=demo.plan(PLAN_A1).secretariat)
    }
    client = login("demo-koordinator-2")
    pages = [
        client.get(reverse(name), params)
        for name, params in [
            ("overview", {}),
            ("overview", {"status": "no_data"}),
            ("cofinancing", {}),
            ("area-barometer", {}),
            ("project-bank", {}),
            ("project-bank", {"q": "a"}),
        ]
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        leaked = {name for name in forbidden if name and name in html}
        assert not leaked, (response.request["PATH_INFO"], leaked)
    assert PLAN_B in pages[0].content.decode()
    for name in ("overview", "cofinancing"):
        book = load_workbook(BytesIO(client.get(reverse(name), {"format": "xlsx"}).content))
        cells = {str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
        assert not {name for name in forbidden if name in cells}
    # Foreign kommune in the bybarometer's select: ignored, falls back to the user's own.
    a1_municipality = demo.plan(PLAN_A1).municipality_id
    html = client.get(reverse("area-barometer"), {"municipality": a1_municipality}).content.decode()
    assert not {name for name in forbidden if name in html}
    # The role dashboards are not theirs.
    assert client.get(reverse("my-secretariat")).status_code == 403
    assert client.get(reverse("reading-room")).status_code == 403


# --- Mit sekretariat -----------------------------------------------------------------------------


def test_my_secretariat_lists_plans_meetings_actions_missing_measurements_and_reports(login, demo):
    (plan,) = grow(demo, 1)
    html = login("demo-sekretariatsleder").get(reverse("my-secretariat")).content.decode()
    for heading in (
        "Sekretariatets helhedsplaner",
        "Kommende møder",
        "Åbne handlingspunkter",
        "mangler en måling",
        "Rapportjob",
    ):
        assert heading in html
    assert plan.name in html and PLAN_A1 in html
    assert PLAN_B not in html
    assert "Overskredet" in html
    assert "I kø" in html  # the queued report job
    indicator = Indicator.objects.filter(goal__plan=plan).first()
    assert reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk]) in html  # no 2026 measurement


def test_my_secretariat_puts_late_send_outs_first(login, demo):
    (plan,) = grow(demo, 1)
    board = plan.bodies.get(kind=Body.Kind.BOARD)
    late = MeetingFactory(body=board, title="Sent møde", starts_at=timezone.now() + timedelta(days=60))
    late.starts_at = timezone.now() + timedelta(days=2)
    late.save()
    html = login("demo-sekretariatsleder").get(reverse("my-secretariat")).content.decode()
    section = html[html.index("Kommende møder og udsendelsesfrister") :]
    body = section[section.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert "Sent møde" in first_row and "overskredet" in first_row


def test_latest_completed_periods():
    from datetime import date

    from portal.selectors import latest_completed_periods

    assert latest_completed_periods(date(2026, 7, 15)) == {
        "quarterly": "2026-Q2",
        "half_yearly": "2026-H1",
        "yearly": "2025",
    }
    assert latest_completed_periods(date(2026, 2, 1)) == {
        "quarterly": "2025-Q4",
        "half_yearly": "2025-H2",
        "yearly": "2025",
    }


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("demo-sekretariatsleder", 200),
        ("demo-admin", 200),
        ("demo-koordinator", 403),
        ("demo-bestyrelse", 403),
        ("demo-styregruppe", 403),
        ("demo-boligorg", 403),
    ],
)
def test_my_secretariat_access(login, username, status):
    assert login(username).get(reverse("my-secretariat")).status_code == status


# --- Læsesal -------------------------------------------------------------------------------------


def test_reading_room_links_reports_packs_and_decisions(login, demo):
    (plan,) = grow(demo, 1)
    html = login("demo-bestyrelse").get(reverse("reading-room")).content.decode()
    for report in StatusReport.objects.filter(plan=plan, state="done"):
        assert reverse("governance:report-download", args=[plan.pk, report.pk]) in html
    upcoming = plan.bodies.get(kind=Body.Kind.BOARD).meetings.filter(starts_at__gte=timezone.now())
    for meeting in upcoming:
        assert reverse("governance:meeting-pack", args=[meeting.pk]) in html
    past = plan.bodies.get(kind=Body.Kind.BOARD).meetings.get(starts_at__lt=timezone.now())
    for item in past.agenda_items.all():
        assert item.decisions.get().text in html


def test_reading_room_shows_nothing_the_board_member_may_not_see(login, demo):
    grow(demo, 1)
    group = BodyFactory(plan=demo.plan(PLAN_A1), name="Hemmelig styregruppe")
    hidden = MeetingFactory(body=group, title="Styregruppens lukkede møde")
    DecisionFactory(agenda_item=AgendaItemFactory(meeting=hidden), text="Styregruppens hemmelige beslutning")
    past = MeetingFactory(body=group, title="Styregruppens gamle møde", starts_at=timezone.now() - timedelta(days=3))
    DecisionFactory(agenda_item=AgendaItemFactory(meeting=past), text="Gammel hemmelig beslutning")
    StatusReportFactory(plan=demo.plan(PLAN_B), pdf="reports/b.pdf")
    html = login("demo-bestyrelse").get(reverse("reading-room")).content.decode()
    for secret in (
        "Styregruppens lukkede møde",
        "Styregruppens hemmelige beslutning",
        "Gammel hemmelig beslutning",
        PLAN_B,
    ):
        assert secret not in html


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("demo-bestyrelse", 200),
        ("demo-sekretariatsleder", 200),  # the board's secretary is a board member too
        ("demo-admin", 200),
        ("demo-koordinator", 403),
        ("demo-styregruppe", 403),
        ("demo-boligorg", 403),
    ],
)
def test_reading_room_access(login, username, status):
    assert login(username).get(reverse("reading-room")).status_code == status


@pytest.mark.parametrize("url_name", DASHBOARDS)
def test_dashboards_need_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_navigation_fits_the_role(login, demo):
    html = login("demo-bestyrelse").get(reverse("plan-list")).content.decode()
    assert reverse("reading-room") in html and reverse("my-secretariat") not in html
    html = login("demo-sekretariatsleder").get(reverse("plan-list")).content.decode()
    assert reverse("my-secretariat") in html
    html = login("demo-koordinator").get(reverse("plan-list")).content.decode()
    assert reverse("overview") in html and reverse("area-barometer") in html
    assert reverse("my-secretariat") not in html and reverse("reading-room") not in html


def test_overview_goal_status_matches_the_goal_page(demo):
    """The Overblik reads only each indicator's latest measurement; the status must equal the goal page's."""
    from monitoring.selectors import plan_goal_tree
    from portal.selectors import strategic_goal_statuses

    grow(demo, 2, per_plan=3)
    user = demo.user("demo-koordinator")
    plans = list(Plan.objects.filter(secretariat=demo.plan(PLAN_A1).secretariat))
    statuses = strategic_goal_statuses(user=user, plan_ids=[plan.pk for plan in plans])
    compared = 0
    for plan in plans:
        tree = plan_goal_tree(user=user, plan=plan)
        expected = {node.goal.pk: node.status for node in tree.strategic}
        assert {item.goal.pk: item.status for item in statuses[plan.pk]} == expected
        compared += len(expected)
    assert compared >= 10
    assert {item.status for items in statuses.values() for item in items} - {"no_data"}
