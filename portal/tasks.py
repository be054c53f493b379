"""The portal's own tasks: the job system's recovery round (with its heartbeat) and a ping."""

from celery import shared_task

from .services import jobs_recover


@shared_task(name="portal.tasks.recover_jobs", ignore_result=True)
def recover_jobs() -> str:
    """Beat, every 5 minutes: stamp the heartbeat, send again what no worker took, re-run what a lost
    worker left (``common.jobs.recover``)."""
    return str(jobs_recover(worker=getattr(recover_jobs.request, "hostname", "") or ""))


@shared_task
def ping() -> str:
    """Answers 'pong' (a worker consuming the queue; ``celery -A portal call portal.tasks.ping``)."""
    return "pong"
