"""Celery tasks for status reports: generate one report version (a job, see common/jobs.py), queue the
quarter's reports."""

from datetime import date

from celery import shared_task

from common import jobs
from governance.reports.models import StatusReport
from governance.reports.services import (
    GENERATE_STATUS_REPORT,
    status_report_generate,
    status_reports_queue_quarterly,
)

# A full report of a large plan renders in well under a minute; the limits leave room for a busy
# machine. The broker's visibility_timeout (settings) must stay above the hard limit.
REPORT_JOB = jobs.register(
    jobs.JobKind(
        model=StatusReport, task_name=GENERATE_STATUS_REPORT, soft_time_limit=540, time_limit=600, label="report"
    )
)


@shared_task(base=jobs.JobTask, bind=True, **REPORT_JOB.task_options())
def generate_status_report(self, report_id: int) -> str | None:
    """Generate the report this message is for. Missing, done, failed or someone else's: nothing happens."""
    report = status_report_generate(report_id=report_id, task_id=self.request.id, retried=jobs.is_retry(self.request))
    return report.state if report else None


@shared_task(name="governance.tasks.queue_quarterly_reports", acks_late=True)
def queue_quarterly_reports(today: str | None = None) -> list[int]:
    """Run daily by beat: from the configured working day after quarter end, queue the quarter's reports."""
    reports = status_reports_queue_quarterly(today=date.fromisoformat(today) if today else None)
    return [report.pk for report in reports]
