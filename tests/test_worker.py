"""A real Celery worker on the real broker (CI: Redis at REDIS_URL), and the health check's view of it.

No result backend is configured (the job's database row is its state), so the worker proves itself the
way it does in production: the recover_jobs round stamps the heartbeat row that /healthz reads."""

import time

import pytest
from django.conf import settings

from portal.models import Heartbeat
from portal.tasks import recover_jobs

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_consumes_the_queue_and_stamps_the_heartbeat(celery_worker_process, client):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    recover_jobs.delay()
    deadline = time.monotonic() + 30
    while not Heartbeat.objects.filter(name=Heartbeat.RECOVER_JOBS).exists():
        assert time.monotonic() < deadline, "the worker did not run recover_jobs within 30 s"
        time.sleep(0.2)
    assert Heartbeat.objects.get().worker.startswith("portal-tests-")
    body = client.get("/healthz").json()
    assert body["status"] == "ok", body
    assert body["broker"] == "ok" and body["database"] == "ok" and body["workers"]["status"] == "ok"
