"""Jobs are records first (common/jobs.py): a broker that is down does not fail the request, recover_jobs
sends again what no worker took and re-runs what a lost worker left (at most 3 attempts, then failed
with a reason and «Prøv igen»), marking failed waits out a short database outage, and the Celery
settings deliver without loss. Runs in-process (no Redis needed); tests/test_jobs_faults.py does the
same against a real Redis, worker and PostgreSQL."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from common import jobs
from governance.meetings.models import SendOut
from governance.reports.models import StatusReport
from portal.models import Heartbeat
from portal.services import jobs_recover

from .conftest import PLAN_A1
from .factories import StatusReportFactory
from .governance_helpers import demo_meeting
from .job_helpers import broker_at, down_broker_url


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the dispatch), as a request outside a test transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- The request path with the broker down -----------------------------------------------------------


def test_send_out_with_the_broker_down_stays_queued_and_the_page_says_so(demo, login, commit):
    """Was: 500 after ~19 s, the send-out queued forever, and the page said the agenda was sent."""
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    with broker_at(down_broker_url()), commit():
        response = client.post(reverse("governance:meeting-send", args=[meeting.pk]))
    assert response.status_code == 302
    send_out = SendOut.objects.get(meeting=meeting)
    assert send_out.state == SendOut.State.QUEUED and send_out.is_waiting_for_job_system
    assert mail.outbox == []
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert "jobsystemet svarer ikke lige nu" in page
    assert "Den går automatisk ud, så snart jobsystemet er tilbage" in page
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is None and meeting.send_out_state() == "late"
    # A second click does not queue a second send-out, and says why.
    with broker_at(down_broker_url()), commit():
        again = client.post(reverse("governance:meeting-send", args=[meeting.pk]), follow=True)
    assert "allerede i kø" in again.content.decode()
    assert SendOut.objects.filter(meeting=meeting).count() == 1
    # The job system is back: recover_jobs sends it (in-process here), to every recipient once.
    out = StringIO()
    call_command("recover_jobs", "--all-queued", stdout=out)
    assert "Sendt igen: 1" in out.getvalue()
    send_out.refresh_from_db()
    assert send_out.state == SendOut.State.DONE and send_out.last_error == ""
    assert len(mail.outbox) == send_out.recipients_count == send_out.deliveries.filter(status="sent").count()
    call_command("recover_jobs", "--all-queued", stdout=StringIO())
    assert len(mail.outbox) == send_out.recipients_count


def test_report_ordered_with_the_broker_down_is_not_reported_as_ordered_and_waits(demo, login, commit):
    """Was: the page said "bestilt" while nothing was queued."""
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    url = reverse("governance:report-request", args=[plan.pk])
    with broker_at(down_broker_url()), commit():
        response = client.post(url, {"period": "2026-Q3", "kind": "pixi", "audience": "board"})
    assert response.status_code == 302
    page = client.get(reverse("governance:report-archive", args=[plan.pk])).content.decode()
    assert "Venter på jobsystemet" in page and "dannes automatisk, så snart jobsystemet er tilbage" in page
    report = StatusReport.objects.get(plan=plan, period="2026-Q3", kind="pixi")
    assert report.state == "queued" and report.is_waiting_for_job_system
    jobs_recover(queued_grace=timedelta(0))
    report.refresh_from_db()
    assert report.state == "done" and report.attempts == 1 and report.version == 1
    assert StatusReport.objects.filter(plan=plan, period="2026-Q3", kind="pixi").count() == 1


def test_dispatch_uses_no_result_backend_and_no_publish_retry(demo, monkeypatch):
    """The 19 s were the Redis result backend subscribing for the result: no backend, no subscription."""
    from portal.celery import app

    assert app.conf.task_ignore_result is True
    assert not django_settings.CELERY_RESULT_BACKEND
    sent = {}

    def fake_apply_async(*args, **kwargs):
        sent.update(kwargs)

    task = app.tasks["governance.tasks.generate_status_report"]
    monkeypatch.setattr(task, "apply_async", fake_apply_async)
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued", task_id="t-1")
    assert jobs.publish(report) is True
    assert sent == {"args": [report.pk], "task_id": "t-1", "retry": False, "ignore_result": True}


# --- recover_jobs -------------------------------------------------------------------------------------


def _running(report: StatusReport, *, attempts: int, minutes_ago: int = 60) -> StatusReport:
    StatusReport.objects.filter(pk=report.pk).update(
        state="running", attempts=attempts, started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    report.refresh_from_db()
    return report


def test_a_job_running_past_its_time_limit_is_run_again_with_a_new_message(demo, commit):
    report = _running(StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued", task_id="lost"), attempts=1)
    with commit():
        result = jobs_recover()
    assert result.rerun == 1
    report.refresh_from_db()
    assert report.state == "done" and report.attempts == 2 and report.task_id != "lost"
    assert report.history.filter(history_change_reason="job: queued again").exists()


def test_a_running_job_within_its_time_limit_is_left_alone(demo):
    report = _running(
        StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued", task_id="busy"), attempts=1, minutes_ago=2
    )
    assert jobs_recover().rerun == 0
    report.refresh_from_db()
    assert report.state == "running" and report.task_id == "busy"


def test_after_three_attempts_the_job_fails_with_a_reason_and_a_retry_button(demo, login, commit):
    plan = demo.plan(PLAN_A1)
    report = _running(StatusReportFactory(plan=plan, period="2026-Q3", state="queued"), attempts=3)
    version = report.version
    result = jobs_recover()
    assert result.failed == 1 and result.rerun == 0
    report.refresh_from_db()
    assert report.state == "failed" and "afbrudt 3 gange" in report.last_error and "Prøv igen" in report.last_error
    client = login("demo-sekretariatsleder")
    archive = client.get(reverse("governance:report-archive", args=[plan.pk])).content.decode()
    retry_url = reverse("governance:report-retry", args=[plan.pk, report.pk])
    assert retry_url in archive and "Prøv igen" in archive
    # A reader sees the reason but no button, and may not press it.
    reader = login("demo-bestyrelse")
    assert retry_url not in reader.get(reverse("governance:report-archive", args=[plan.pk])).content.decode()
    assert reader.post(retry_url).status_code == 403
    assert login("demo-koordinator-2").post(retry_url).status_code == 404
    with commit():
        response = login("demo-sekretariatsleder").post(retry_url)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "done" and report.attempts == 1 and report.version == version
    assert StatusReport.objects.filter(plan=plan, period="2026-Q3", kind="pixi").count() == 1
    assert report.history.filter(history_change_reason="job: tried again by a person").exists()


def test_retry_is_refused_for_a_report_that_did_not_fail(demo, login):
    plan = demo.plan(PLAN_A1)
    report = StatusReportFactory(plan=plan, period="2026-Q3", state="done")
    client = login("demo-sekretariatsleder")
    page = client.post(reverse("governance:report-retry", args=[plan.pk, report.pk]), follow=True)
    assert "Kun en fejlet rapport kan prøves igen" in page.content.decode()
    report.refresh_from_db()
    assert report.state == "done"


def test_the_command_stamps_no_heartbeat_but_a_worker_round_does(db):
    call_command("recover_jobs", stdout=StringIO())
    assert not Heartbeat.objects.exists()
    from portal.tasks import recover_jobs

    recover_jobs.apply()
    assert not Heartbeat.objects.exists(), "in-process there is no worker hostname"
    jobs_recover(worker="celery@host")
    assert Heartbeat.objects.get(name=Heartbeat.RECOVER_JOBS).worker == "celery@host"


# --- Marking failed while the database is away -------------------------------------------------------


def test_marking_failed_waits_out_a_short_database_outage(demo, monkeypatch):
    """Was: the retries were spent in ~3 s, on_failure could not write, the report stayed running forever."""
    report = _running(StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued"), attempts=1, minutes_ago=1)
    slept = []
    monkeypatch.setattr(jobs.time, "sleep", slept.append)
    real_filter = StatusReport.objects.filter
    outages = iter([True, True, False])

    def flaky_filter(*args, **kwargs):
        if next(outages, False):
            raise OperationalError("the database system is starting up")
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(StatusReport.objects, "filter", flaky_filter)
    assert jobs.mark_failed(StatusReport, report.pk, error="x") is True
    monkeypatch.undo()
    assert slept == [5, 10]
    report.refresh_from_db()
    assert report.state == "failed"


def test_marking_failed_gives_up_after_about_a_minute_and_leaves_it_to_recover_jobs(demo, monkeypatch, commit):
    report = _running(StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued"), attempts=1)
    slept = []
    monkeypatch.setattr(jobs.time, "sleep", slept.append)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(StatusReport.objects, "filter", down)
    assert jobs.mark_failed(StatusReport, report.pk, error="x") is False
    monkeypatch.undo()
    assert sum(slept) >= 60
    report.refresh_from_db()
    assert report.state == "running"
    with commit():
        assert jobs_recover().rerun == 1  # the next round finds it past its time limit
    report.refresh_from_db()
    assert report.state == "done"


def test_a_task_that_gives_up_records_a_danish_reason(demo, monkeypatch):
    from governance.reports.tasks import generate_status_report

    def broken(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("governance.reports.services.build_report_snapshot", broken)
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued", task_id="t-disk")
    generate_status_report.apply(args=[report.pk], task_id="t-disk")
    report.refresh_from_db()
    assert report.state == "failed" and report.attempts == 1
    assert "fuld disk" in report.last_error and "No space left on device" in report.last_error


# --- Settings for loss-free delivery ------------------------------------------------------------------


def test_celery_is_configured_for_loss_free_delivery():
    from portal.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_ignore_result is True
    options = conf.broker_transport_options
    assert options["socket_connect_timeout"] <= 2
    assert jobs.visibility_timeout_is_safe(), "visibility_timeout must be above the longest hard time limit"
    assert set(jobs.REGISTRY) == {"governance.sendout", "governance.statusreport", "monitoring.importjob"}
    for kind in jobs.REGISTRY.values():
        task = app.tasks[kind.task_name]
        assert (task.soft_time_limit, task.time_limit) == (kind.soft_time_limit, kind.time_limit)
        assert task.acks_late and task.reject_on_worker_lost
    beat = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert beat["portal.tasks.recover_jobs"] == 300
    assert "governance.tasks.send_out_deadline_reminders" in beat


def test_a_job_kind_needs_a_hard_limit_above_the_soft_one():
    before = dict(jobs.REGISTRY)
    with pytest.raises(ValueError, match="hard time limit"):
        jobs.register(jobs.JobKind(model=SendOut, task_name="x", soft_time_limit=60, time_limit=60))
    assert before == jobs.REGISTRY


# --- /healthz and the sekretariatsleder's page ------------------------------------------------------------


def test_healthz_reports_database_broker_workers_and_the_oldest_queued_job(demo, client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"] == "eager"
    assert body["workers"] == {"status": "eager"} and body["jobs"]["status"] == "ok"
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), state="queued")
    StatusReport.objects.filter(pk=report.pk).update(queued_at=timezone.now() - timedelta(minutes=30))
    with broker_at(down_broker_url()):
        response = client.get("/healthz")
        body = response.json()
        assert response.status_code == 200, "the site works; jobs wait safely"
        assert body["status"] == "degraded" and body["broker"].startswith("error")
        assert body["workers"] == {"status": "never"}
        assert body["jobs"]["status"] == "waiting" and body["jobs"]["oldest_queued_age_seconds"] >= 1800
        Heartbeat.objects.create(name=Heartbeat.RECOVER_JOBS, beat_at=timezone.now() - timedelta(minutes=16))
        assert client.get("/healthz").json()["workers"]["status"] == "stale"
        Heartbeat.objects.filter(name=Heartbeat.RECOVER_JOBS).update(beat_at=timezone.now())
        workers = client.get("/healthz").json()["workers"]
        assert workers["status"] == "ok" and workers["age_seconds"] < 60


def test_my_secretariat_warns_when_jobs_wait_for_the_job_system(demo, login, commit):
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    page = client.get(reverse("my-secretariat")).content.decode()
    assert 'id="jobs-waiting"' not in page
    with broker_at(down_broker_url()), commit():
        client.post(reverse("governance:meeting-send", args=[meeting.pk]))
    page = client.get(reverse("my-secretariat")).content.decode()
    assert 'id="jobs-waiting"' in page and "Jobsystemet svarer ikke: 1 udsendelse eller rapport venter" in page


def test_my_secretariat_warns_about_late_send_outs(demo, login):
    meeting = demo_meeting(PLAN_A1)
    assert meeting.send_out_state() == "late"
    page = login("demo-sekretariatsleder").get(reverse("my-secretariat")).content.decode()
    assert 'id="send-out-late"' in page and meeting.title in page.split('id="send-out-late"')[1].split("</div>")[0]
