"""The Celery application. Tasks live in each app's tasks.py and are discovered automatically."""

import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def worker_command(queue: str, *, pool: str = "solo", concurrency: int | None = None, loglevel: str = "INFO"):
    """The command line of a worker that consumes only ``queue`` under the name ``<queue>@localhost``
    (the test suite's and the benchmark's own workers: a queue of their own, no gossip or mingle)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        f"--pool={pool}",
        *([f"--concurrency={concurrency}"] if concurrency else []),
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@localhost",
    ]
