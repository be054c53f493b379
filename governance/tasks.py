"""The app's task registry: Celery discovers ``governance.tasks``; the tasks live in the sub-packages.

Task names keep the form ``governance.tasks.<name>`` (set explicitly on each task), because queued
messages and the beat schedule carry them.
"""

from governance.meetings.tasks import (  # noqa: F401
    deliver_send_out,
    send_out_deadline_reminders,
    send_overdue_action_reminders,
)
from governance.reports.tasks import generate_status_report, queue_quarterly_reports  # noqa: F401
