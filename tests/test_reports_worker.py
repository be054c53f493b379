"""A pixi and a full report made by a real Celery worker on the real broker (CI: Redis at REDIS_URL)."""

import subprocess
import time

import pytest
from django.core.management import call_command

from governance.models import StatusReport
from governance.services import status_report_request
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
    pytest.fail(f"reports {report_ids} not finished within {timeout} s; see var/celery-test-worker.log")


def test_a_real_worker_makes_the_pixi_and_full_report(celery_worker_process, settings):
    # Transactional tests flush the database: build the demo world again, committed, so the worker sees it.
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    plan = Plan.objects.get(name=PLAN_A1)
    pixi = status_report_request(plan=plan, period="2026-Q3", kind="pixi", via="command")
    again = status_report_request(plan=plan, period="2026-Q3", kind="pixi", via="command")
    full = status_report_request(plan=plan, period="2026-Q3", kind="full", via="command")
    assert again.pk == pixi.pk, "a second request while one is queued or running makes no second version"
    reports = {r.kind: r for r in _wait_until_finished([pixi.pk, full.pk])}
    assert {kind: r.state for kind, r in reports.items()} == {"pixi": "done", "full": "done"}, [
        r.error for r in reports.values()
    ]
    assert StatusReport.objects.filter(plan=plan, period="2026-Q3", kind="pixi").count() == 1
    text = subprocess.run(["pdftotext", reports["pixi"].pdf.path, "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert PLAN_A1 in text and "3. kvartal 2026" in text and "2026-Q3" in text
    info = subprocess.run(["pdfinfo", reports["pixi"].pdf.path], capture_output=True, text=True).stdout
    assert "Tagged: yes" in " ".join(info.split())
    assert reports["pixi"].page_count <= 2
    assert reports["full"].snapshot["sections"] == ["sub_agreements", "commitments", "bodies"]
