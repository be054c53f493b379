"""The app's model registry: Django loads ``governance.models``; the models live in the sub-packages.

- ``governance.bodies.models``: bestyrelser, styregrupper and their memberships.
- ``governance.meetings.models``: meetings, agendas, bilag, minutes, decisions, action items,
  send-outs, reminders and calendar tokens.
- ``governance.meetings.attendance.models``: invitees' answers (deltager / afbud) and attendance.
- ``governance.reports.models``: pixi and full status reports.
- ``governance.agenda.models``: what the secretariat did with the agenda builder's proposals.
- ``governance.agreements.models``: versions of the samarbejdsaftale and the delaftaler.

Import a model from its sub-package, not from here.
"""

from governance.agenda.models import ProposalResponse  # noqa: F401
from governance.agreements.models import AgreementVersion, InterventionAdjustment  # noqa: F401
from governance.bodies.models import Board, Body, Membership, SteeringGroup  # noqa: F401
from governance.meetings.attendance.models import Attendance  # noqa: F401
from governance.meetings.models import (  # noqa: F401
    ActionItem,
    AgendaItem,
    Attachment,
    CalendarToken,
    Decision,
    Guest,
    Meeting,
    Minutes,
    MinutesItem,
    ReminderLog,
    SendOut,
)
from governance.reports.models import StatusReport  # noqa: F401
