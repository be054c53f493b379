"""Celery tasks for meetings: the agenda send-out and the daily overdue-action reminders."""

from celery import shared_task

from governance.meetings import services
from governance.meetings.services import DELIVER_SEND_OUT


@shared_task(name=DELIVER_SEND_OUT)
def deliver_send_out(send_out_id: int) -> int | None:
    """Build the meeting pack and e-mail the invitees for one queued send-out (no-op otherwise).

    A failure marks the send-out failed with the error; the secretariat can then send again.
    """
    send_out = services.send_out_deliver(send_out_id=send_out_id)
    return send_out.recipients_count if send_out else None


@shared_task(name="governance.tasks.send_overdue_action_reminders")
def send_overdue_action_reminders() -> dict[str, int]:
    """Daily: one e-mail per person with their overdue actions, and a summary per sekretariatsleder."""
    return services.send_overdue_action_reminders()
