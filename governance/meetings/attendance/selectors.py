"""Reads for attendance: the meeting's attendance sheet with the quorum, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.utils import timezone

from governance.bodies.models import Membership
from governance.meetings.attendance.models import Attendance
from governance.meetings.models import Meeting
from governance.meetings.selectors import meeting_invitees
from plans.models import Person


@dataclass
class Row:
    person: Person
    role: str
    voting: bool
    attendance: Attendance | None

    @property
    def answer(self) -> str:
        return self.attendance.answer if self.attendance else ""

    @property
    def presence(self) -> str:
        return self.attendance.presence if self.attendance else ""


@dataclass
class Sheet:
    """Who is invited, what they answered, who was present and whether the body was quorate."""

    meeting: Meeting
    rows: list[Row] = field(default_factory=list)

    @property
    def voting(self) -> list[Row]:
        return [row for row in self.rows if row.voting]

    @property
    def required(self) -> int:
        """Voting members that must be present (``Body.quorum``, else a majority)."""
        return self.meeting.body.quorum_for(len(self.voting))

    @property
    def recorded(self) -> bool:
        return any(row.presence for row in self.rows)

    @property
    def present(self) -> list[Row]:
        return [row for row in self.rows if row.presence == Attendance.Presence.PRESENT]

    @property
    def absent(self) -> list[Row]:
        """Not present: recorded absent, or (once attendance is recorded) not recorded at all."""
        return [row for row in self.rows if row.presence != Attendance.Presence.PRESENT] if self.recorded else []

    @property
    def present_voting(self) -> int:
        return sum(1 for row in self.voting if row.presence == Attendance.Presence.PRESENT)

    @property
    def quorate(self) -> bool | None:
        """None until attendance is recorded."""
        return self.present_voting >= self.required if self.recorded else None

    @property
    def attending(self) -> list[Row]:
        return [row for row in self.rows if row.answer == Attendance.Answer.ATTENDING]

    @property
    def declined(self) -> list[Row]:
        return [row for row in self.rows if row.answer == Attendance.Answer.ABSENT]

    @property
    def unanswered(self) -> list[Row]:
        return [row for row in self.rows if not row.answer]

    def row_for(self, person_id: int) -> Row | None:
        return next((row for row in self.rows if row.person.pk == person_id), None)


def attendance_sheet(*, meeting: Meeting) -> Sheet:
    """The invitees (``meeting_invitees``) with their attendance; voting = chair, vice-chair and members
    of the meeting's own body on the meeting day. Four queries whatever the number of invitees."""
    voting_ids = set(
        Membership.objects.current(meeting.meeting_day)
        .filter(body_id=meeting.body_id, role__in=Membership.VOTING_ROLES)
        .values_list("person_id", flat=True)
    )
    attendances = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    rows = [
        Row(person=person, role=role, voting=person.pk in voting_ids, attendance=attendances.get(person.pk))
        for person, role in meeting_invitees(meeting=meeting)
    ]
    return Sheet(meeting=meeting, rows=rows)


def has_started(meeting: Meeting, now=None) -> bool:
    return meeting.starts_at <= (now or timezone.now())


def person_of(user) -> Person | None:
    """The person record of a signed-in user (their seat in bodies and their invitations)."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user_id=user.pk).first()
