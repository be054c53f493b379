"""The pixi is laid out once and fits two pages by its layout budget (issue 13, item 2), and a report
can be made for a meeting, counting only data approved by the meeting's data cut-off (issue 14, item 4)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bench.pixi import make_realistic_plan
from common.workdays import send_out_deadline
from governance.bodies.models import Body
from governance.reports import content
from governance.reports.content import PIXI_BUDGET, build_report_snapshot, render_report_html
from governance.reports.models import StatusReport
from governance.reports.services import status_report_request
from monitoring.models import Goal, Measurement

from .conftest import PLAN_A1, PLAN_A2
from .factories import GoalFactory, IndicatorFactory, MeasurementFactory, MeetingFactory, TargetFactory
from .test_reports_pdf import pdfinfo, pdftotext


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _order(capture, **kwargs) -> StatusReport:
    with capture(execute=True):
        report = status_report_request(kind="pixi", via="command", **{"period": "2026-Q3", **kwargs})
    report.refresh_from_db()
    assert report.state == "done", report.error
    return report


# --- One layout, two pages ------------------------------------------------------------------------------


def test_one_pixi_calls_weasyprints_layout_once(db, weasyprint_calls, django_capture_on_commit_callbacks):
    """The report job renders the HTML once and writes that layout: no render-and-retry."""
    plan = make_realistic_plan(strategic_goals=30, indicators_per_goal=3)
    calls = weasyprint_calls
    report = _order(django_capture_on_commit_callbacks, plan=plan)
    assert calls == {"render": 1, "write_pdf": 1}
    assert report.page_count <= 2


@pytest.mark.parametrize(
    "size",
    [
        {},  # 10 strategic goals + 20 delmål, 2 indicators each
        {"strategic_goals": 30, "indicators_per_goal": 3},  # 30 strategic goals + 20 delmål, 3 indicators each
    ],
)
def test_the_largest_realistic_plan_fits_two_pages_and_says_what_is_left_out(
    db, size, django_capture_on_commit_callbacks
):
    plan = make_realistic_plan(**size)
    report = _order(django_capture_on_commit_callbacks, plan=plan)
    info, text = pdfinfo(report.pdf.path), pdftotext(report.pdf.path)
    assert int(info["Pages"]) <= 2 and report.page_count == int(info["Pages"])
    assert info["Tagged"] == "yes"
    goals = report.snapshot["goals"]["goals"]
    questions = report.snapshot["questions"]
    assert len(goals) > PIXI_BUDGET.goals and len(questions) > PIXI_BUDGET.questions  # the budget bites
    assert f"+ {len(goals) - PIXI_BUDGET.goals} flere mål" in text
    assert f"+ {len(questions) - PIXI_BUDGET.questions} flere spørgsmål" in text
    assert "flere overskredne handlingspunkter" in text
    assert "se den fulde statusrapport" in text
    assert reverse("governance:report-archive", args=[plan.pk]) in text
    # Left out are the goals doing best: every off-track goal beyond the budget is counted, not shown.
    shown = content.pixi_layout(report.snapshot)["goals"]["goals"]
    worst_hidden = max(
        (g for g in goals if g["id"] not in {s["id"] for s in shown}), key=lambda g: content._SEVERITY[g["status"]]
    )
    assert all(content._SEVERITY[g["status"]] >= content._SEVERITY[worst_hidden["status"]] for g in shown)
    # Each kind of question keeps a place: overdue actions and co-financing shortfalls are on the page.
    assert "Overskredne handlingspunkter" in text and "Medfinansiering ikke leveret" in text


def test_every_status_has_a_colour_a_symbol_and_a_word(demo):
    plan = demo.plan(PLAN_A1)
    snapshot = build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi")
    html = render_report_html(
        report=StatusReport(plan=plan, period="2026-Q3", kind="pixi", version=1), snapshot=snapshot
    )
    css = content.REPORT_CSS.read_text()
    for css_class in ("status--ok", "status--warn", "status--bad", "status--none"):
        rule = css.split(f".{css_class} {{", 1)[1].split("}", 1)[0]
        assert "background:" in rule and "border:" in rule  # colour, and a border pattern for greyscale
    for goal in snapshot["goals"]["goals"]:
        badge = f'<span class="status {goal["status_css"]}"><span aria-hidden="true">{goal["status_symbol"]}</span> '
        assert f"{badge}{goal['status_label']}</span>" in html


def test_delmaal_are_shown_under_their_strategic_goal(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    report = _order(django_capture_on_commit_callbacks, plan=plan)
    text = pdftotext(report.pdf.path)
    sub_goals = Goal.objects.filter(plan=plan, level=Goal.Level.SUB, contributes_to__isnull=False)
    assert sub_goals.exists()
    by_goal = {g["id"]: {s["id"] for s in g["sub_goals"]} for g in report.snapshot["goals"]["goals"]}
    for sub in sub_goals:
        assert sub.pk in by_goal[sub.contributes_to_id]
    shown = content.pixi_layout(report.snapshot)["goals"]["goals"]
    for goal in shown:
        for sub in goal["sub_goals"]:
            assert f"Delmål: {sub['title'][:30]}" in text


# --- A report for a meeting ------------------------------------------------------------------------------


def _aware(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def meeting_world(demo):
    """A plan with a board meeting on 16 November 2026 (send-out deadline 2 November) and one indicator."""
    plan = demo.plan(PLAN_A2)
    board = Body.objects.get(plan=plan, kind=Body.Kind.BOARD)
    meeting = MeetingFactory(body=board, starts_at=_aware(date(2026, 11, 16), 16))
    goal = GoalFactory(plan=plan, title="Flere i job efter skæringsdatoen")
    indicator = IndicatorFactory(goal=goal, baseline_value=Decimal("50"), baseline_date=date(2025, 1, 1))
    TargetFactory(indicator=indicator, value=Decimal("70"), due_date=date(2026, 12, 31))
    return plan, meeting, goal, indicator


def _indicator(snapshot, goal, indicator) -> dict:
    goal_content = next(g for g in snapshot["goals"]["goals"] if g["id"] == goal.pk)
    return next(i for i in goal_content["indicators"] if i["id"] == indicator.pk)


def test_the_cutoff_excludes_a_measurement_approved_after_it(meeting_world):
    plan, meeting, goal, indicator = meeting_world
    cutoff = send_out_deadline(date(2026, 11, 16))
    assert cutoff == date(2026, 11, 2)
    MeasurementFactory(
        indicator=indicator, period="2026-Q2", value=Decimal("55"), approved_at=_aware(date(2026, 7, 20))
    )
    late = MeasurementFactory(
        indicator=indicator, period="2026-Q3", value=Decimal("60"), approved_at=_aware(cutoff + timedelta(days=1), 9)
    )
    on_the_day = {"period": "2026-Q3", "value": "60.0000"}

    for_meeting = build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi", meeting=meeting, data_cutoff=cutoff)
    assert _indicator(for_meeting, goal, indicator)["latest"] == {"period": "2026-Q2", "value": "55.0000"}
    assert for_meeting["header"]["cutoff"] == {
        "as_of": "2026-11-02",
        "rule": "approved_by_cutoff",
        "meeting": {"id": meeting.pk, "title": meeting.title, "body": meeting.body.name, "date": "2026-11-16"},
    }
    # The quarterly report (no meeting) counts every measurement approved when it is built.
    quarterly = build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi")
    assert _indicator(quarterly, goal, indicator)["latest"] == on_the_day
    # Approved by the end of the cut-off day: counted.
    late.approved_at = _aware(cutoff, 23)
    late.save()
    for_meeting = build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi", meeting=meeting, data_cutoff=cutoff)
    assert _indicator(for_meeting, goal, indicator)["latest"] == on_the_day


def test_a_report_for_a_meeting_defaults_to_its_send_out_deadline(meeting_world, django_capture_on_commit_callbacks):
    plan, meeting, _goal, indicator = meeting_world
    MeasurementFactory(
        indicator=indicator, period="2026-Q3", value=Decimal("60"), approved_at=_aware(date(2026, 10, 20))
    )
    report = _order(django_capture_on_commit_callbacks, plan=plan, period="ignored", meeting=meeting)
    assert report.meeting == meeting and report.audience == "board"
    assert report.data_cutoff == date(2026, 11, 2) and report.period == "2026-Q3"
    text = pdftotext(report.pdf.path)
    assert f"Til mødet {meeting.title} den 16. nov. 2026" in text
    assert "Data godkendt til og med 2. nov. 2026" in text
    # The quarter's own report is still made by the schedule: a meeting's report is not the quarterly one.
    from governance.reports.services import status_reports_queue_quarterly

    with django_capture_on_commit_callbacks(execute=False):
        queued = status_reports_queue_quarterly(today=date(2026, 10, 20))
    assert any(r.plan_id == plan.pk and r.kind == "pixi" and r.meeting_id is None for r in queued)


def test_a_steering_groups_meeting_gets_the_groups_report(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    group = Body.objects.filter(plan=plan, kind__in=Body.GROUP_KINDS).first()
    meeting = MeetingFactory(body=group, starts_at=_aware(date(2026, 11, 20), 10))
    report = _order(django_capture_on_commit_callbacks, plan=plan, meeting=meeting, data_cutoff=date(2026, 11, 1))
    assert (report.audience, report.audience_body, report.period) == ("steering_group", group, "2026-Q3")
    assert report.snapshot["header"]["audience"]["body_id"] == group.pk


def test_the_lead_orders_a_pixi_for_a_meeting_from_the_archive(
    meeting_world, login, django_capture_on_commit_callbacks
):
    plan, meeting, _goal, _indicator = meeting_world
    client = login("demo-sekretariatsleder")
    archive = client.get(reverse("governance:report-archive", args=[plan.pk])).text
    assert f'<option value="{meeting.pk}">' in archive and 'name="data_cutoff"' in archive
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("governance:report-request", args=[plan.pk]),
            {"kind": "pixi", "meeting": meeting.pk, "data_cutoff": "2026-10-30"},
        )
    assert response.status_code == 302
    report = StatusReport.objects.get(plan=plan)
    assert (report.meeting, report.data_cutoff, report.period, report.state) == (
        meeting,
        date(2026, 10, 30),
        "2026-Q3",
        "done",
    )
    archive = client.get(reverse("governance:report-archive", args=[plan.pk])).text
    assert f"Til mødet {meeting.title}, data til og med 30. okt. 2026" in archive


def test_the_meeting_page_orders_the_meetings_pixi(demo, login):
    plan = demo.plan(PLAN_A1)
    meeting = MeetingFactory(body=Body.objects.get(plan=plan, kind=Body.Kind.BOARD))
    url = reverse("governance:meeting-detail", args=[meeting.pk])
    page = login("demo-sekretariatsleder").get(url).text
    assert "Bestil pixi-rapport til mødet" in page
    assert f'<input type="hidden" name="meeting" value="{meeting.pk}">' in page
    assert reverse("governance:report-request", args=[plan.pk]) in page
    # Board members read the meeting but do not order reports.
    page = login("demo-bestyrelse").get(url)
    assert page.status_code == 200 and "Bestil pixi-rapport til mødet" not in page.text


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "pixi", "meeting": "other-plan"},
        {"kind": "pixi", "meeting": "999999"},
        {"kind": "pixi", "meeting": "this", "data_cutoff": "2026-11-17"},  # after the meeting
        {"kind": "pixi", "data_cutoff": "2026-10-01"},  # a cut-off needs a meeting
    ],
)
def test_bad_meeting_orders_change_nothing(meeting_world, demo, login, data, django_capture_on_commit_callbacks):
    plan, meeting, _goal, _indicator = meeting_world
    other = MeetingFactory(body=Body.objects.get(plan=demo.plan(PLAN_A1), kind=Body.Kind.BOARD))
    data = {**data}
    if data.get("meeting") == "other-plan":
        data["meeting"] = other.pk
    elif data.get("meeting") == "this":
        data["meeting"] = meeting.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login("demo-sekretariatsleder").post(reverse("governance:report-request", args=[plan.pk]), data)
    assert response.status_code == 400
    assert not StatusReport.objects.filter(plan=plan).exists() and callbacks == []


def test_an_approved_measurement_always_knows_when(demo):
    indicator = IndicatorFactory(goal=GoalFactory(plan=demo.plan(PLAN_A1)))
    measurement = MeasurementFactory(indicator=indicator, period="2026-Q1")
    assert measurement.approved_at is not None
    assert not Measurement.objects.filter(status="approved", approved_at__isnull=True).exists()


def test_a_new_kind_of_question_is_one_source_in_one_list(demo, monkeypatch):
    """Where the board's questions come from is one list; another source (e.g. overdue LBF obligations)
    appears in the snapshot, and so in the pixi and the archive, by being added there."""

    def overdue_obligations(*, plan, quarter, audience, cutoff):
        return [
            {
                "key": "obligation-1",
                "reason": "obligation_overdue",
                "kind": "discussion",
                "kind_label": "Drøftelse",
                "title": f"Selvevaluering overskredet pr. {cutoff.day}",
                "why": "",
                "recommendation": "",
                "goal_ids": [],
            }
        ]

    monkeypatch.setattr(content, "QUESTION_SOURCES", [*content.QUESTION_SOURCES, overdue_obligations])
    questions = build_report_snapshot(plan=demo.plan(PLAN_A1), period="2026-Q3", kind="pixi")["questions"]
    assert questions[-1]["title"] == "Selvevaluering overskredet pr. 2026-09-30"


def test_overdue_lbf_obligations_are_a_question_for_the_board_as_of_the_cutoff(demo):
    """The demo's one overdue obligation (last year's regnskab in Vestparken) is asked in the board's
    report; an obligation submitted by the cut-off is not, and a steering group's report never asks it."""
    from monitoring.models import Obligation

    plan = demo.plan(PLAN_A1)
    today = timezone.localdate()
    period = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    overdue = Obligation.objects.get(plan=plan, kind="accounts", year=today.year - 1)
    questions = build_report_snapshot(plan=plan, period=period, kind="pixi")["questions"]
    (question,) = [q for q in questions if q["key"] == "obligations-overdue"]
    assert "Reguleringskontoopgørelse" in question["recommendation"]
    Obligation.objects.filter(pk=overdue.pk).update(state=Obligation.State.SUBMITTED, submitted_on=overdue.due_date)
    questions = build_report_snapshot(plan=plan, period=period, kind="pixi")["questions"]
    assert "obligations-overdue" not in [q["key"] for q in questions]
    Obligation.objects.filter(pk=overdue.pk).update(state=Obligation.State.NOT_STARTED, submitted_on=None)
    group = Body.objects.filter(plan=plan, kind=Body.Kind.STEERING_GROUP).first()
    questions = build_report_snapshot(
        plan=plan, period=period, kind="pixi", audience="steering_group", audience_body=group
    )["questions"]
    assert "obligations-overdue" not in [q["key"] for q in questions]
