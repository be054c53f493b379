"""What the pixi and full reports say: goals with status and trend, key indicators, decisions, actions
and the questions for the board, which the agenda builder offers for the next board meeting."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from governance.agenda.selectors import meeting_proposals
from governance.bodies.models import Body
from governance.meetings.models import ActionItem, AgendaItem, Meeting
from governance.reports.content import build_report_snapshot, snapshot_sha256
from governance.reports.selectors import board_questions
from monitoring.models import Goal, Measurement
from monitoring.selectors import plan_goal_tree
from monitoring.status import Status
from plans.models import Commitment

from .conftest import DEMO_PLANS, PLAN_A1, PLAN_A2, PLAN_B
from .factories import ActionItemFactory, DecisionFactory, MeasurementFactory, StatusReportFactory
from .test_reports_pdf import _generate, pdfinfo, pdftotext

PERIOD = "2026-Q3"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- The pixi PDF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("plan_name", DEMO_PLANS)
def test_a_crowded_pixi_stays_on_two_pages_in_one_layout(demo, plan_name, django_capture_on_commit_callbacks):
    """The running quarter has more open questions and decisions; the pixi still fits two pages, and
    every strategic goal within the layout budget is named."""
    from common.periods import Quarter
    from governance.reports.content import pixi_layout

    plan = demo.plan(plan_name)
    period = Quarter.containing(timezone.localdate()).code
    report = _generate(plan, "pixi", period=period, capture=django_capture_on_commit_callbacks)
    assert report.state == "done"
    assert int(pdfinfo(report.pdf.path)["Pages"]) <= 2
    for goal in pixi_layout(report.snapshot)["goals"]["goals"]:
        assert goal["title"] in pdftotext(report.pdf.path)


@pytest.mark.parametrize("plan_name", DEMO_PLANS)
def test_the_pixi_names_every_strategic_goal_with_its_status_word_on_two_pages(
    demo, plan_name, django_capture_on_commit_callbacks
):
    plan = demo.plan(plan_name)
    report = _generate(plan, "pixi", period=PERIOD, capture=django_capture_on_commit_callbacks)
    text = pdftotext(report.pdf.path)
    assert int(pdfinfo(report.pdf.path)["Pages"]) <= 2
    assert plan.name in text and "3. kvartal 2026" in text and PERIOD in text
    goals = report.snapshot["goals"]["goals"]
    assert len(goals) == plan.goals.filter(level=Goal.Level.STRATEGIC).count() > 0
    for goal in goals:
        assert goal["title"] in text
        assert f"{goal['status_symbol']} {goal['status_label']}" in text
    assert "Spørgsmål til bestyrelsen" in text and "Beslutninger i kvartalet" in text
    for question in report.snapshot["questions"]:
        assert question["title"] in text


def test_the_status_words_are_the_web_pages_words(demo):
    """The report's status per strategic goal is the goal page's (the demo's data end before the quarter does)."""
    plan = demo.plan(PLAN_B)
    lead = demo.user("demo-admin")
    snapshot = build_report_snapshot(plan=plan, period=PERIOD, kind="pixi")
    tree = {node.goal.pk: node.status for node in plan_goal_tree(user=lead, plan=plan).strategic}
    for goal in snapshot["goals"]["goals"]:
        status = tree[goal["id"]]
        assert (goal["status"], goal["status_label"], goal["status_symbol"]) == (
            status.value,
            status.label,
            status.symbol,
        )
        assert goal["status_label"] in {str(s.label) for s in Status}
    assert {g["status"] for g in snapshot["goals"]["goals"]} >= {"off_track", "on_track"}


def test_the_pixi_snapshot_has_small_charts_key_indicators_and_is_json(demo):
    snapshot = build_report_snapshot(plan=demo.plan(PLAN_A1), period=PERIOD, kind="pixi")
    assert json.loads(json.dumps(snapshot)) == snapshot
    goal = snapshot["goals"]["goals"][0]
    # The chart is stored as data (drawn, escaped, when the HTML is rendered), never as markup.
    assert goal["chart"]["width"] == 150 and goal["chart"]["compact"] is True
    assert "<" not in json.dumps(goal["chart"])
    indicator = goal["indicators"][0]
    assert {"latest", "previous", "change", "target", "status_label", "chart"} <= set(indicator)
    assert "measurements" not in indicator  # the measurement tables are in the full report only


def test_the_change_since_last_quarter_is_the_difference_of_the_two_latest_values(demo):
    plan = demo.plan(PLAN_A1)
    goal = plan.goals.filter(level=Goal.Level.STRATEGIC).first()
    indicator = goal.indicators.create(
        name="Testindikator",
        unit="antal",
        direction="higher",
        data_source="other",
        frequency="quarterly",
        baseline_value=Decimal("10"),
        baseline_date=date(2025, 1, 1),
    )
    indicator.targets.create(value=Decimal("30"), due_date=date(2027, 12, 31))
    MeasurementFactory(indicator=indicator, period="2026-Q2", value=Decimal("14"))
    MeasurementFactory(indicator=indicator, period="2026-Q3", value=Decimal("17.5"))
    MeasurementFactory(indicator=indicator, period="2026-Q4", value=Decimal("99"))  # after the quarter: ignored
    MeasurementFactory(indicator=indicator, period="2026-Q1", value=Decimal("1"), status="draft")
    snapshot = build_report_snapshot(plan=plan, period=PERIOD, kind="pixi")
    content = next(i for g in snapshot["goals"]["goals"] for i in g["indicators"] if i["id"] == indicator.pk)
    assert content["latest"] == {"period": "2026-Q3", "value": "17.5000"}
    assert content["previous"] == {"period": "2026-Q2", "value": "14.0000"}
    assert Decimal(content["change"]) == Decimal("3.5")
    assert content["target"] == {"value": "30.0000", "due_date": "2027-12-31"}


def test_changing_a_measurement_changes_the_hash_and_nothing_else_does(demo):
    plan = demo.plan(PLAN_A2)
    for kind in ("pixi", "full"):
        digest = snapshot_sha256(build_report_snapshot(plan=plan, period=PERIOD, kind=kind))
        assert snapshot_sha256(build_report_snapshot(plan=plan, period=PERIOD, kind=kind)) == digest
    measurement = (
        Measurement.objects.approved()
        .totals()
        .filter(indicator__goal__plan=plan, indicator__goal__level="strategic", period_end__lte=date(2026, 9, 30))
        .order_by("-period_end")
        .first()
    )
    before = {
        kind: snapshot_sha256(build_report_snapshot(plan=plan, period=PERIOD, kind=kind)) for kind in ("pixi", "full")
    }
    measurement.value += Decimal("1")
    measurement.save()
    for kind in ("pixi", "full"):
        assert snapshot_sha256(build_report_snapshot(plan=plan, period=PERIOD, kind=kind)) != before[kind]


def test_building_a_snapshot_takes_the_same_queries_for_few_and_many_measurements(demo, django_assert_max_num_queries):
    plan = demo.plan(PLAN_A1)
    goal = plan.goals.filter(level=Goal.Level.SUB).first()
    indicator = goal.indicators.create(
        name="Mange målinger",
        unit="%",
        direction="lower",
        data_source="other",
        frequency="quarterly",
        baseline_value=Decimal("40"),
        baseline_date=date(2019, 12, 31),
    )
    indicator.targets.create(value=Decimal("20"), due_date=date(2027, 12, 31))
    counts = {}
    for label, years in (("few", [2026]), ("many", range(2020, 2027))):
        Measurement.objects.filter(indicator=indicator).delete()
        for year in years:
            for quarter in (1, 2, 3):
                MeasurementFactory(indicator=indicator, period=f"{year}-Q{quarter}", value=Decimal("35"))
        for kind in ("pixi", "full"):
            with django_assert_max_num_queries(40) as captured:
                build_report_snapshot(plan=plan, period=PERIOD, kind=kind)
            counts[label, kind] = len(captured)
    assert counts["few", "pixi"] == counts["many", "pixi"]
    assert counts["few", "full"] == counts["many", "full"]


# --- The full report -----------------------------------------------------------------------------------------


def test_the_full_report_has_delmaal_indicators_with_tables_meetings_and_decisions(
    demo, django_capture_on_commit_callbacks
):
    plan = demo.plan(PLAN_A1)
    report = _generate(plan, "full", period=PERIOD, capture=django_capture_on_commit_callbacks)
    snapshot = report.snapshot
    text = pdftotext(report.pdf.path)
    with_goals = [sa for sa in snapshot["sub_agreements"] if sa["goals"]]
    assert with_goals
    indicator = with_goals[0]["goals"][0]["indicators"][0]
    assert indicator["measurements"] and indicator["chart"]["points"] and indicator["chart"]["width"] == 520
    assert with_goals[0]["goals"][0]["title"] in text and indicator["name"] in text
    assert "Godkendte målinger" in text
    assert "Møder i kvartalet" in text and "Beslutninger i kvartalet" in text and "Handlingspunkter" in text
    assert snapshot["meetings"] and snapshot["decisions"]
    assert snapshot["meetings"][0]["title"] in text
    assert "Lokal medfinansiering 2026" in text


# --- Questions for the board ------------------------------------------------------------------------------


def _questions(plan):
    return {q["key"]: q for q in build_report_snapshot(plan=plan, period=PERIOD, kind="pixi")["questions"]}


def test_an_off_track_goal_is_a_question_until_a_board_meeting_decides_about_it(demo):
    plan = demo.plan(PLAN_B)
    questions = _questions(plan)
    off_track = [q for q in questions.values() if q["reason"] == "off_track_goal"]
    assert off_track
    question = off_track[0]
    goal = Goal.objects.get(pk=int(question["key"].split("-")[1]), plan=plan)
    assert question["kind"] == "decision" and goal.title in question["title"] and question["recommendation"]
    assert goal.pk in question["goal_ids"]
    # A decision about the goal at one of the board's last two meetings answers the question.
    meeting = Meeting.objects.filter(body__plan=plan, body__kind="board", starts_at__lte=timezone.now()).order_by(
        "-starts_at"
    )[1]
    assert meeting.starts_at.date() <= date(2026, 9, 30)
    decision = DecisionFactory(agenda_item__meeting=meeting, agenda_item__position=80)
    decision.agenda_item.goals.add(goal)
    assert question["key"] not in _questions(plan)


def test_a_steering_group_decision_does_not_answer_the_board_question(demo):
    plan = demo.plan(PLAN_B)
    question = next(q for q in _questions(plan).values() if q["reason"] == "off_track_goal")
    goal = Goal.objects.get(pk=int(question["key"].split("-")[1]))
    group = Body.objects.filter(plan=plan, kind="steering_group").first()
    start = timezone.make_aware(timezone.datetime(2026, 9, 1, 15))
    meeting = Meeting.objects.create(
        body=group, title="Styregruppe", starts_at=start, ends_at=start + timedelta(hours=1), location="X"
    )
    DecisionFactory(agenda_item__meeting=meeting).agenda_item.goals.add(goal)
    assert question["key"] in _questions(plan)


def test_overdue_actions_and_unpaid_commitments_are_questions(demo):
    plan = demo.plan(PLAN_A2)
    meeting = Meeting.objects.filter(body__plan=plan, body__kind="board").order_by("starts_at").first()
    decision = DecisionFactory(agenda_item__meeting=meeting, agenda_item__position=81)
    goal = plan.goals.first()
    decision.agenda_item.goals.add(goal)
    action = ActionItemFactory(decision=decision, title="Send budgettet", due_date=date(2026, 9, 1))
    ActionItemFactory(decision=decision, title="Ikke forfalden", due_date=date(2026, 10, 15))
    ActionItemFactory(decision=decision, title="Udført", due_date=date(2026, 8, 1), status=ActionItem.Status.DONE)
    commitment = Commitment.objects.filter(plan=plan, year=2025).exclude(party__kind="funder").first()
    Commitment.objects.filter(pk=commitment.pk).update(delivered_amount=commitment.amount - Decimal("1000"))
    snapshot = build_report_snapshot(plan=plan, period=PERIOD, kind="pixi")
    overdue_titles = [a["title"] for a in snapshot["actions"]["overdue"]]
    assert (
        "Send budgettet" in overdue_titles and "Ikke forfalden" not in overdue_titles and "Udført" not in overdue_titles
    )
    questions = {q["key"]: q for q in snapshot["questions"]}
    assert questions["overdue-actions"]["kind"] == "discussion"
    assert action.title in questions["overdue-actions"]["recommendation"]
    assert goal.pk in questions["overdue-actions"]["goal_ids"]
    unpaid = questions[f"commitment-{commitment.party_id}"]
    assert commitment.party.name in unpaid["title"] and "2025" in unpaid["recommendation"]


def test_a_years_commitments_are_judged_once_the_year_is_over(demo):
    plan = demo.plan(PLAN_A2)
    Commitment.objects.filter(plan=plan, year__lt=2026).update(delivered_amount=F("amount"))
    Commitment.objects.filter(plan=plan, year__gte=2026).update(delivered_amount=Decimal("0"))
    assert not [q for q in _questions(plan).values() if q["reason"] == "commitment_not_honoured"]
    q4 = build_report_snapshot(plan=plan, period="2026-Q4", kind="pixi")["questions"]
    unpaid = [q for q in q4 if q["reason"] == "commitment_not_honoured"]
    assert unpaid and all("2026" in q["recommendation"] for q in unpaid)


# --- The questions onto the next board meeting, through the agenda builder ---------------------------------


def _pixi_with_questions(plan, period=PERIOD, version=1):
    snapshot = build_report_snapshot(plan=plan, period=period, kind="pixi")
    assert snapshot["questions"]
    return StatusReportFactory(plan=plan, period=period, kind="pixi", version=version, snapshot=snapshot)


def test_board_questions_come_from_the_latest_done_pixi(demo):
    plan = demo.plan(PLAN_A1)
    assert board_questions(plan=plan).questions == []
    old = StatusReportFactory(
        plan=plan, period="2026-Q2", kind="pixi", version=1, snapshot={"questions": [{"key": "x"}]}
    )
    assert board_questions(plan=plan).report == old
    report = _pixi_with_questions(plan)
    StatusReportFactory(plan=plan, period="2026-Q3", kind="pixi", version=2, state="running", snapshot=None)
    StatusReportFactory(plan=plan, period="2026-Q3", kind="full", version=1, snapshot={"questions": []})
    found = board_questions(plan=plan)
    assert found.report == report and found.questions == report.snapshot["questions"]


def test_the_archive_sends_each_question_to_the_agenda_builder_of_the_next_board_meeting(demo, login):
    """The report's questions go onto an agenda one way only: the agenda builder (governance.agenda)."""
    plan = demo.plan(PLAN_B)
    report = _pixi_with_questions(plan)
    question = next(q for q in report.snapshot["questions"] if q["reason"] == "off_track_goal")
    next_meeting = (
        Meeting.objects.filter(body__plan=plan, body__kind="board", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    client = login("demo-admin")
    page = client.get(reverse("governance:report-archive", args=[plan.pk]))
    assert "Spørgsmål til bestyrelsen" in page.text and question["title"] in page.text
    builder = reverse("governance:agenda-builder", args=[next_meeting.pk])
    assert f'href="{builder}#forslag-{question["key"]}"' in page.text
    assert "board-question-add" not in page.text
    proposal = next(p for p in meeting_proposals(meeting=next_meeting).open if p.key == question["key"])
    assert proposal.report == report
    response = client.post(
        reverse("governance:proposal-accept", args=[next_meeting.pk]),
        {"key": proposal.key, "fingerprint": proposal.fingerprint},
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=next_meeting, question_key=question["key"])
    assert sorted(item.goals.values_list("pk", flat=True)) == question["goal_ids"]
    assert "3. kvartal 2026" in item.description
    page = client.get(reverse("governance:report-archive", args=[plan.pk]))
    assert "På dagsordenen" in page.text


def test_without_an_upcoming_board_meeting_the_archive_says_so(demo, login):
    plan = demo.plan(PLAN_B)
    _pixi_with_questions(plan)
    Meeting.objects.filter(body__plan=plan, body__kind="board", starts_at__gt=timezone.now()).update(
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=400) + timedelta(hours=1),
    )
    page = login("demo-admin").get(reverse("governance:report-archive", args=[plan.pk]))
    assert "Bestyrelsen har intet kommende møde" in page.text
    assert "Behandl forslaget" not in page.text


def test_readers_see_the_questions_without_buttons(demo, login):
    plan = demo.plan(PLAN_A1)
    report = _pixi_with_questions(plan)
    page = login("demo-bestyrelse").get(reverse("governance:report-archive", args=[plan.pk]))
    assert page.status_code == 200 and report.snapshot["questions"][0]["title"] in page.text
    assert "Behandl forslaget" not in page.text
