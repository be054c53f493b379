"""Status reports: versions, idempotent jobs, failures, the quarterly schedule, distribution, the command."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import OperationalError

from governance.bodies.models import Body, Membership
from governance.reports import content as report_content
from governance.reports.content import build_report_snapshot, snapshot_sha256
from governance.reports.models import StatusReport
from governance.reports.services import status_report_generate, status_report_request, status_reports_queue_quarterly
from governance.reports.tasks import generate_status_report, queue_quarterly_reports
from plans.models import Intervention

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import StatusReportFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _request(plan, kind="pixi", period="2026-Q3", **kwargs):
    kwargs.setdefault("via", StatusReport.Via.COMMAND)
    return status_report_request(plan=plan, period=period, kind=kind, **kwargs)


# --- Requesting and versions --------------------------------------------------------------------


def test_a_request_queues_version_1_and_sends_the_job_on_commit(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = _request(plan, requested_by=demo.user("demo-sekretariatsleder"), via="user")
    assert (report.version, report.state, report.requested_via) == (1, "queued", "user")
    assert report.requested_by.username == "demo-sekretariatsleder"
    assert report.task_id
    assert len(callbacks) == 1


def test_requesting_twice_while_queued_gives_one_report(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = _request(plan)
        second = _request(plan)
    assert first.pk == second.pk
    assert StatusReport.objects.filter(plan=plan).count() == 1
    assert len(callbacks) == 1, "the second request must not queue a second job"


def test_requesting_while_running_gives_the_running_report(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=False):
        first = _request(plan)
    StatusReport.objects.filter(pk=first.pk).update(state="running")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = _request(plan)
    assert again.pk == first.pk and callbacks == []


def test_the_database_allows_only_one_active_report_per_plan_period_and_kind(demo):
    from django.db import IntegrityError, transaction

    plan = demo.plan(PLAN_A1)
    StatusReportFactory(plan=plan, period="2026-Q3", kind="pixi", version=1, state="queued")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(plan=plan, period="2026-Q3", kind="pixi", version=2, state="running")


def test_regenerating_makes_a_new_version_and_keeps_the_old_file(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=True):
        first = _request(plan)
    with django_capture_on_commit_callbacks(execute=True):
        second = _request(plan)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.state == second.state == "done"
    assert first.pdf.name != second.pdf.name
    assert first.pdf.storage.exists(first.pdf.name) and second.pdf.storage.exists(second.pdf.name)
    # Same data, same snapshot: the hash says so.
    assert first.snapshot_sha256 == second.snapshot_sha256
    # Other kinds and periods count their own versions.
    with django_capture_on_commit_callbacks(execute=False):
        assert _request(plan, kind="full").version == 1
        assert _request(plan, period="2026-Q2").version == 1


@pytest.mark.parametrize(
    ("period", "kind", "via"),
    [("2026-Q5", "pixi", "user"), ("2026-Q3", "weekly", "user"), ("2026-Q3", "pixi", "telepathy")],
)
def test_bad_requests_change_nothing(demo, period, kind, via, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises((ValidationError, ValueError)):
        status_report_request(plan=plan, period=period, kind=kind, via=via)
    assert not StatusReport.objects.exists()
    assert callbacks == []


# --- The job ---------------------------------------------------------------------------------------


def test_the_job_is_a_no_op_for_a_missing_report(db):
    assert generate_status_report.apply(args=[987654]).get() is None


@pytest.mark.parametrize("state", ["done", "failed", "running"])
def test_the_job_is_a_no_op_for_a_report_that_is_not_queued(demo, state):
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), state=state, task_id="someone-else")
    assert generate_status_report.apply(args=[report.pk]).get() is None
    report.refresh_from_db()
    assert report.state == state and not report.pdf


def test_a_redelivered_job_finishes_the_report_it_had_claimed(demo):
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), state="running", task_id="job-1", period="2026-Q3")
    assert generate_status_report.apply(args=[report.pk], task_id="job-1").get() == "done"
    report.refresh_from_db()
    assert report.state == "done" and report.page_count >= 1
    # ...and a second delivery after that does nothing.
    assert generate_status_report.apply(args=[report.pk], task_id="job-1").get() is None


def test_a_failure_is_recorded_on_the_report(demo, monkeypatch, django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("skabelonen mangler")

    monkeypatch.setattr("governance.reports.services.build_report_snapshot", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = _request(demo.plan(PLAN_A1))
    report.refresh_from_db()
    assert report.state == "failed"
    assert "RuntimeError: skabelonen mangler" in report.last_error
    assert report.finished_at and not report.pdf
    # A failed report frees the slot: the next request makes version 2.
    with django_capture_on_commit_callbacks(execute=False):
        assert _request(demo.plan(PLAN_A1)).version == 2


def test_transient_errors_are_retried_and_then_recorded(demo, monkeypatch):
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("governance.reports.services.build_report_snapshot", flaky)
    monkeypatch.setattr(generate_status_report, "max_retries", 2)
    # In-process, let the retries run as a worker would run them (not propagate the first Retry).
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued", period="2026-Q3", version=1)
    conf = generate_status_report.app.conf
    conf.task_eager_propagates = False
    try:
        with pytest.raises(OperationalError):
            generate_status_report.apply(args=[report.pk]).get()
    finally:
        conf.task_eager_propagates = True
    assert len(calls) == 3, "first try plus two retries"
    report.refresh_from_db()
    assert report.state == "failed"
    assert "OperationalError" in report.last_error


def test_a_transient_error_leaves_the_report_to_the_same_jobs_retry(demo, monkeypatch):
    """The database blinked: the report stays running for the retry of the same message (the row may
    not even be writable); another message, or a second delivery that is not a retry, does nothing."""
    attempts = []
    real = report_content.build_report_snapshot

    def flaky_once(**kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("deadlock detected")
        return real(**kwargs)

    monkeypatch.setattr("governance.reports.services.build_report_snapshot", flaky_once)
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued", period="2026-Q3", version=1, task_id="j-1")
    with pytest.raises(OperationalError):
        status_report_generate(report_id=report.pk, task_id="j-1")
    report.refresh_from_db()
    assert report.state == "running" and report.attempts == 1
    assert status_report_generate(report_id=report.pk, task_id="j-2", retried=True) is None
    assert status_report_generate(report_id=report.pk, task_id="j-1") is None, "a duplicate, not a retry"
    assert status_report_generate(report_id=report.pk, task_id="j-1", retried=True).state == "done"
    report.refresh_from_db()
    assert report.attempts == 1 and report.last_error == ""


def test_in_process_a_job_that_cannot_finish_fails_the_report_instead_of_blocking(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    def flaky(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("governance.reports.services.build_report_snapshot", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        report = _request(demo.plan(PLAN_A1))
    report.refresh_from_db()
    assert report.state == "failed" and "database is locked" in report.last_error


# --- The snapshot -------------------------------------------------------------------------------------


def test_the_snapshot_is_json_and_its_hash_follows_the_data(demo):
    plan = demo.plan(PLAN_A1)
    snapshot = build_report_snapshot(plan=plan, period="2026-Q3", kind="full")
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["sections"] == [
        "goals",
        "sub_agreements",
        "commitments",
        "meetings",
        "decisions",
        "actions",
        "bodies",
    ]
    assert snapshot["header"]["plan"]["name"] == PLAN_A1
    assert snapshot["header"]["period"] == {
        "code": "2026-Q3",
        "label": "3. kvartal 2026",
        "start": "2026-07-01",
        "end": "2026-09-30",
    }
    assert snapshot["commitments"]["year"] == 2026
    assert snapshot["commitments"]["meets_requirement"] is True
    boards = [body for body in snapshot["bodies"] if body["is_board"]]
    assert boards and boards[0]["members"]
    digest = snapshot_sha256(snapshot)
    assert snapshot_sha256(build_report_snapshot(plan=plan, period="2026-Q3", kind="full")) == digest
    intervention = Intervention.objects.filter(sub_agreement__plan=plan).first()
    intervention.status = Intervention.Status.COMPLETED
    intervention.save()
    assert snapshot_sha256(build_report_snapshot(plan=plan, period="2026-Q3", kind="full")) != digest


def test_the_pixi_snapshot_has_no_member_lists(demo):
    snapshot = build_report_snapshot(plan=demo.plan(PLAN_A1), period="2026-Q3", kind="pixi")
    assert snapshot["sections"] == ["goals", "sub_agreements", "commitments", "actions", "decisions", "questions"]
    assert "bodies" not in snapshot and "meetings" not in snapshot


def test_a_section_without_content_is_left_out(demo, monkeypatch):
    monkeypatch.setattr(
        report_content, "PIXI_SECTIONS", [("goals", lambda **kw: None), *report_content.PIXI_SECTIONS[1:]]
    )
    monkeypatch.setitem(report_content.SECTIONS, "pixi", report_content.PIXI_SECTIONS)
    snapshot = build_report_snapshot(plan=demo.plan(PLAN_A1), period="2026-Q3", kind="pixi")
    assert snapshot["sections"] == ["sub_agreements", "commitments", "actions", "decisions", "questions"]
    assert "goals" not in snapshot


def test_the_snapshot_building_takes_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    # Both plans take the same paths: the demo's one co-financing shortfall is in A1; give A2 one too.
    from django.db.models import F

    from plans.models import Commitment

    Commitment.objects.filter(
        plan=demo.plan(PLAN_A2), year=2025, party__kind="department", form="outposted_service"
    ).update(delivered_amount=F("amount") - 1000)
    for kind in ("pixi", "full"):
        with django_assert_max_num_queries(40) as a1:
            build_report_snapshot(plan=demo.plan(PLAN_A1), period="2026-Q3", kind=kind)
        with django_assert_max_num_queries(40) as a2:
            build_report_snapshot(plan=demo.plan(PLAN_A2), period="2026-Q3", kind=kind)
        assert len(a1.captured_queries) == len(a2.captured_queries)


# --- The quarterly schedule -----------------------------------------------------------------------------


def test_nothing_is_queued_before_the_fifth_working_day(demo, settings, django_capture_on_commit_callbacks):
    settings.REPORTS_WORKDAY_AFTER_QUARTER = 5
    with django_capture_on_commit_callbacks(execute=False):
        assert status_reports_queue_quarterly(today=date(2026, 1, 7)) == []
    assert not StatusReport.objects.exists()


def test_on_the_fifth_working_day_every_active_plan_gets_both_reports(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_WORKDAY_AFTER_QUARTER = 5
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = queue_quarterly_reports.apply(kwargs={"today": "2026-01-08"}).get()
    reports = StatusReport.objects.filter(pk__in=queued)
    assert {(r.plan.name, r.kind) for r in reports} == {
        (plan, kind) for plan in (PLAN_A1, PLAN_A2, PLAN_B) for kind in ("pixi", "full")
    }
    assert {r.period for r in reports} == {"2025-Q4"}
    assert {r.requested_via for r in reports} == {"beat"}
    assert len(callbacks) == 6
    # Running again (the next day, or twice the same day) queues nothing new.
    with django_capture_on_commit_callbacks(execute=False):
        assert status_reports_queue_quarterly(today=date(2026, 1, 8)) == []
        assert status_reports_queue_quarterly(today=date(2026, 1, 9)) == []
    assert StatusReport.objects.count() == 6


def test_the_schedule_skips_done_reports_and_closed_plans(demo, settings, django_capture_on_commit_callbacks):
    settings.REPORTS_WORKDAY_AFTER_QUARTER = 5
    a1, b = demo.plan(PLAN_A1), demo.plan(PLAN_B)
    StatusReportFactory(plan=a1, period="2026-Q1", kind="pixi", version=1, state="done")
    StatusReportFactory(plan=a1, period="2026-Q1", kind="full", version=1, state="failed")
    b.phase = b.Phase.CLOSED
    b.save()
    with django_capture_on_commit_callbacks(execute=False):
        assert status_reports_queue_quarterly(today=date(2026, 4, 9)) == []  # Easter: only the 4th working day
        queued = status_reports_queue_quarterly(today=date(2026, 4, 10))
    assert {(r.plan.name, r.kind, r.version) for r in queued} == {
        (PLAN_A1, "full", 2),
        (PLAN_A2, "full", 1),
        (PLAN_A2, "pixi", 1),
    }


def test_the_working_day_is_configurable(demo, settings, django_capture_on_commit_callbacks):
    settings.REPORTS_WORKDAY_AFTER_QUARTER = 1
    with django_capture_on_commit_callbacks(execute=False):
        assert len(status_reports_queue_quarterly(today=date(2026, 1, 2))) == 6


def test_beat_runs_the_scheduler_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["queue-quarterly-reports"]
    assert entry["task"] == "governance.tasks.queue_quarterly_reports"


# --- Distribution ---------------------------------------------------------------------------------------


def _give_board_emails(plan):
    people = []
    for membership in Membership.objects.current().filter(body__plan=plan, body__kind=Body.Kind.BOARD):
        person = membership.person
        if not person.email:
            person.email = f"person{person.pk}@example.invalid"
            person.save()
        people.append(person)
    return people


def test_a_quarterly_pixi_is_mailed_as_a_link_to_each_board_member_once(
    demo, settings, django_capture_on_commit_callbacks
):
    plan = demo.plan(PLAN_A1)
    people = _give_board_emails(plan)
    # One person sits twice (e.g. a new term): still one e-mail.
    twice = people[0]
    board = Body.objects.get(plan=plan, kind=Body.Kind.BOARD)
    Membership.objects.create(
        body=board, person=twice, role="observer", organisation=plan.municipality, start_date=date(2024, 1, 1)
    )
    # A former member gets nothing.
    former = Membership.objects.filter(body=board).exclude(person=twice).first()
    former.end_date = date(2023, 12, 31)
    former.start_date = date(2021, 1, 1)
    former.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = _request(plan, via="beat")
    report.refresh_from_db()
    assert report.state == "done" and report.distributed_at
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted({p.email for p in people if p.pk != former.person_id})
    assert recipients == expected
    message = mail.outbox[0]
    assert PLAN_A1 in message.subject and "3. kvartal 2026" in message.subject
    assert f"/planer/{plan.pk}/rapporter/{report.pk}/pdf/" in message.body
    assert message.attachments == []
    # The job running again sends nothing more.
    StatusReport.objects.filter(pk=report.pk).update(state="queued")
    generate_status_report.apply(args=[report.pk])
    assert len(mail.outbox) == len(expected)


def test_the_pdf_can_be_attached_instead(demo, settings, django_capture_on_commit_callbacks):
    settings.REPORTS_ATTACH_PDF = True
    plan = demo.plan(PLAN_A1)
    _give_board_emails(plan)
    with django_capture_on_commit_callbacks(execute=True):
        _request(plan, via="beat")
    assert mail.outbox
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and filename.endswith(".pdf")


@pytest.mark.parametrize(("kind", "via"), [("pixi", "user"), ("pixi", "command"), ("full", "beat")])
def test_only_the_quarterly_pixi_is_mailed(demo, kind, via, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    _give_board_emails(plan)
    with django_capture_on_commit_callbacks(execute=True):
        report = _request(plan, kind=kind, via=via)
    report.refresh_from_db()
    assert report.state == "done"
    assert mail.outbox == [] and report.distributed_at is None


# --- The command ----------------------------------------------------------------------------------------


def test_the_command_generates_and_waits(demo):
    out = StringIO()
    call_command("generate_reports", "--period", "2026-Q3", "--wait", stdout=out)
    output = out.getvalue()
    reports = StatusReport.objects.filter(period="2026-Q3")
    assert reports.count() == 6
    assert set(reports.values_list("state", flat=True)) == {"done"}
    assert set(reports.values_list("requested_via", flat=True)) == {"command"}
    for report in reports:
        assert report.audience == "board"
        expected = f"{report.plan} 2026-Q3 {report.kind} Til bestyrelsen v1: done pages={report.page_count}"
        assert f"{expected} {report.pdf.path}" in output


def test_the_command_can_select_plan_and_kind(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_B)
    with django_capture_on_commit_callbacks(execute=False):
        call_command(
            "generate_reports", "--period", "2026-Q2", "--plan", str(plan.pk), "--kind", "full", stdout=StringIO()
        )
    assert list(StatusReport.objects.values_list("plan__name", "kind", "state")) == [(PLAN_B, "full", "queued")]


@pytest.mark.parametrize("args", [["--period", "2026-Q9"], ["--period", "2026-Q3", "--plan", "987654"]])
def test_the_command_refuses_bad_input(demo, args):
    with pytest.raises(CommandError):
        call_command("generate_reports", *args, stdout=StringIO())
    assert not StatusReport.objects.exists()
