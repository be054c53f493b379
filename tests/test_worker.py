"""A real Celery worker on the real broker (CI: Redis at REDIS_URL), and the health check's broker status."""

import pytest
from django.conf import settings

from portal.tasks import ping

pytestmark = pytest.mark.worker


def test_a_real_worker_consumes_the_queue(celery_worker_process):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    assert ping.delay().get(timeout=30) == "pong"


def test_healthz_sees_the_real_broker(celery_worker_process, client, db):
    body = client.get("/healthz").json()
    assert body["broker"] == "ok"
    assert body["database"] == "ok"
