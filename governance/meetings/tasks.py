"""Celery tasks for meetings: the agenda send-out (a job, see common/jobs.py), the daily overdue-action
reminders and the send-out deadline reminders."""

from celery import shared_task

from common import jobs
from governance.meetings import services
from governance.meetings.models import SendOut
from governance.meetings.services import DELIVER_SEND_OUT

# Building the pack and mailing a few dozen recipients takes seconds; the limits leave room for a
# slow mail server. The broker's visibility_timeout (settings) must stay above the hard limit.
SEND_OUT_JOB = jobs.register(
    jobs.JobKind(model=SendOut, task_name=DELIVER_SEND_OUT, soft_time_limit=840, time_limit=900, label="send-out")
)


@shared_task(base=jobs.JobTask, bind=True, **SEND_OUT_JOB.task_options())
def deliver_send_out(self, send_out_id: int) -> int | None:
    """Build the meeting pack and e-mail each recipient once, for the send-out this message is for
    (a no-op otherwise). A passing database error is retried; any other failure marks it failed."""
    send_out = services.send_out_deliver(
        send_out_id=send_out_id, task_id=self.request.id, retried=jobs.is_retry(self.request)
    )
    return send_out.recipients_count if send_out else None


@shared_task(name="governance.tasks.send_overdue_action_reminders")
def send_overdue_action_reminders() -> dict[str, int]:
    """Daily: one e-mail per person with their overdue actions, and a summary per sekretariatsleder."""
    return services.send_overdue_action_reminders()


@shared_task(name="governance.tasks.send_out_deadline_reminders")
def send_out_deadline_reminders() -> dict[str, int]:
    """Beat, hourly in office hours: remind the sekretariatsleder of agendas due within 3 working days
    and on the deadline day (each reminder once)."""
    return services.send_out_deadline_reminders()
