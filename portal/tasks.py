"""The portal's own tasks: the job system's recovery round (with its heartbeat) and a ping."""

from celery import shared_task

from .services import jobs_recover


@shared_task(name="portal.tasks.recover_jobs", bind=True, ignore_result=True)
def recover_jobs(self) -> str:
    """Beat, every 5 minutes: stamp the heartbeat (on a worker, not in-process), send again what no
    worker took, re-run what a lost worker left (``common.jobs.recover``)."""
    worker = "" if self.request.is_eager else (self.request.hostname or "")
    return str(jobs_recover(worker=worker))


@shared_task
def ping() -> str:
    """Answers 'pong' (a worker consuming the queue; ``celery -A portal call portal.tasks.ping``)."""
    return "pong"
