"""Celery tasks for monitoring: thin, idempotent wrappers around services."""

from datetime import date

from celery import shared_task

from common import jobs

from .imports import IMPORT_JOB_TASK, import_job_run
from .models import ImportJob
from .obligations import obligation_reminders_send


@shared_task(acks_late=True)
def send_obligation_reminders(today: str | None = None) -> dict[str, int]:
    """Daily (beat): e-mail the LBF deadlines 30 and 7 days ahead, once per person and stage."""
    return obligation_reminders_send(today=date.fromisoformat(today) if today else None)


# A 100,000-row file is read, validated and saved in well under two minutes on a small machine; the
# limits leave room for a busy one. The broker's visibility_timeout (settings) must stay above them.
IMPORT_JOB = jobs.register(
    jobs.JobKind(model=ImportJob, task_name=IMPORT_JOB_TASK, soft_time_limit=540, time_limit=600, label="import")
)


@shared_task(base=jobs.JobTask, bind=True, **IMPORT_JOB.task_options())
def run_import(self, job_id: int) -> str | None:
    """Save the file of one confirmed import. Missing, done, failed or someone else's: nothing happens."""
    job = import_job_run(job_id=job_id, task_id=self.request.id, retried=jobs.is_retry(self.request))
    return job.state if job else None
