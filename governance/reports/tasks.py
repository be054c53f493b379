"""Celery tasks for status reports: generate one report version, queue the quarter's reports."""

from datetime import date

from celery import Task, shared_task

from governance.reports.services import (
    GENERATE_STATUS_REPORT,
    TRANSIENT_REPORT_ERRORS,
    status_report_generate,
    status_report_mark_failed,
    status_reports_queue_quarterly,
)


class StatusReportTask(Task):
    """Records the failure on the report once the task gives up (retries exhausted or a non-retried error)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        report_id = args[0] if args else kwargs.get("report_id")
        if report_id is not None:
            status_report_mark_failed(report_id=report_id, error=f"{exc.__class__.__name__}: {exc}")
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(
    name=GENERATE_STATUS_REPORT,
    bind=True,
    base=StatusReportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_REPORT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def generate_status_report(self, report_id: int) -> str | None:
    """Generate one queued report. Missing, done or someone else's running report: nothing happens."""
    report = status_report_generate(report_id=report_id, task_id=self.request.id)
    return report.state if report else None


@shared_task(name="governance.tasks.queue_quarterly_reports", acks_late=True)
def queue_quarterly_reports(today: str | None = None) -> list[int]:
    """Run daily by beat: from the configured working day after quarter end, queue the quarter's reports."""
    reports = status_reports_queue_quarterly(today=date.fromisoformat(today) if today else None)
    return [report.pk for report in reports]
