"""A pixi and a full report made by a real Celery worker on the real broker (CI: Redis at REDIS_URL)."""

import subprocess
import time
import uuid

import pytest

from governance.reports.content import FULL_SECTIONS
from governance.reports.models import StatusReport
from governance.reports.services import status_report_request
from plans.models import Plan

from .conftest import PLAN_A1

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_until_finished(report_ids, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reports = list(StatusReport.objects.filter(pk__in=report_ids))
        if all(not r.is_active for r in reports):
            return reports
        time.sleep(0.5)
    pytest.fail(f"reports {report_ids} not finished within {timeout} s; see var/celery-test-worker-*.log")


def test_a_real_worker_makes_the_pixi_and_full_report(celery_worker_process, settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    plan = Plan.objects.get(name=PLAN_A1)
    pixi = status_report_request(plan=plan, period="2026-Q3", kind="pixi", via="command")
    again = status_report_request(plan=plan, period="2026-Q3", kind="pixi", via="command")
    full = status_report_request(plan=plan, period="2026-Q3", kind="full", via="command")
    assert again.pk == pixi.pk, "a second request while one is queued or running makes no second version"
    reports = {r.kind: r for r in _wait_until_finished([pixi.pk, full.pk])}
    assert {kind: r.state for kind, r in reports.items()} == {"pixi": "done", "full": "done"}, [
        r.last_error for r in reports.values()
    ]
    assert StatusReport.objects.filter(plan=plan, period="2026-Q3", kind="pixi").count() == 1
    text = subprocess.run(["pdftotext", reports["pixi"].pdf.path, "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert PLAN_A1 in text and "3. kvartal 2026" in text and "2026-Q3" in text
    info = subprocess.run(["pdfinfo", reports["pixi"].pdf.path], capture_output=True, text=True).stdout
    assert "Tagged: yes" in " ".join(info.split())
    assert "Title:" in info and reports["pixi"].page_count <= 2
    assert int(" ".join(info.split()).split("Pages: ")[1].split()[0]) <= 2
    for goal in reports["pixi"].snapshot["goals"]["goals"]:
        assert goal["title"] in text and f"{goal['status_symbol']} {goal['status_label']}" in text
    assert reports["full"].snapshot["sections"] == [name for name, _builder in FULL_SECTIONS]
    full_text = subprocess.run(["pdftotext", reports["full"].pdf.path, "-"], capture_output=True, text=True).stdout
    assert PLAN_A1 in " ".join(full_text.split())


def test_a_redelivered_job_completes_the_report_once(celery_worker_process):
    """A job whose worker died after claiming the row (state running, same job id) is delivered again:
    the redelivery finishes the report, and any later delivery does nothing. No result backend: the
    row is watched, and a heartbeat round queued behind the later delivery shows it was processed."""
    from governance.reports.tasks import generate_status_report
    from portal.models import Heartbeat
    from portal.tasks import recover_jobs

    plan = Plan.objects.get(name=PLAN_A1)
    job_id = f"killed-job-{uuid.uuid4()}"
    report = StatusReport.objects.create(
        plan=plan, period="2026-Q2", kind="pixi", version=1, state="running", task_id=job_id
    )
    generate_status_report.apply_async(args=[report.pk], task_id=job_id)
    (report,) = _wait_until_finished([report.pk])
    assert report.state == "done", report.last_error
    finished_at = report.finished_at
    # Any later delivery finds the report done and does nothing.
    generate_status_report.apply_async(args=[report.pk])
    recover_jobs.delay()
    deadline = time.monotonic() + 60
    while not Heartbeat.objects.filter(name=Heartbeat.RECOVER_JOBS).exists():
        assert time.monotonic() < deadline, "the worker did not get to the heartbeat round"
        time.sleep(0.2)
    report.refresh_from_db()
    assert report.state == "done" and report.page_count >= 1 and report.finished_at == finished_at
    assert StatusReport.objects.filter(plan=plan, period="2026-Q2").count() == 1
