"""Two requests for the same report at the same moment make one version (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection, connections

from governance.reports.models import StatusReport
from governance.reports.services import status_report_request

from .factories import PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_requests_make_one_report(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises the whole database, there is no race to test")
    monkeypatch.setattr("governance.reports.services.jobs.dispatch_on_commit", lambda job: None)
    plan = PlanFactory()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def request():
        try:
            barrier.wait(timeout=10)
            results.append(status_report_request(plan=plan, period="2026-Q3", kind="pixi", via="user").pk)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 4
    assert StatusReport.objects.filter(plan=plan).count() == 1
