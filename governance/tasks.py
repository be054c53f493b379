"""Celery tasks for governance: thin, idempotent wrappers around services."""

from datetime import date

from celery import Task, shared_task

from . import services
from .services import (
    TRANSIENT_REPORT_ERRORS,
    status_report_generate,
    status_report_mark_failed,
    status_reports_queue_quarterly,
)


@shared_task
def deliver_send_out(send_out_id: int) -> int | None:
    """Build the meeting pack and e-mail the invitees for one queued send-out (no-op otherwise).

    A failure marks the send-out failed with the error; the secretariat can then send again.
    """
    send_out = services.send_out_deliver(send_out_id=send_out_id)
    return send_out.recipients_count if send_out else None


@shared_task
def send_overdue_action_reminders() -> dict[str, int]:
    """Daily: one e-mail per person with their overdue actions, and a summary per sekretariatsleder."""
    return services.send_overdue_action_reminders()


# --- Status reports (pixi and full) ------------------------------------------------------------


class StatusReportTask(Task):
    """Records the failure on the report once the task gives up (retries exhausted or a non-retried error)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        report_id = args[0] if args else kwargs.get("report_id")
        if report_id is not None:
            status_report_mark_failed(report_id=report_id, error=f"{exc.__class__.__name__}: {exc}")
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(
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


@shared_task(acks_late=True)
def queue_quarterly_reports(today: str | None = None) -> list[int]:
    """Run daily by beat: from the configured working day after quarter end, queue the quarter's reports."""
    reports = status_reports_queue_quarterly(today=date.fromisoformat(today) if today else None)
    return [report.pk for report in reports]
