"""Writes for attendance: an invitee's answer (portal, e-mail link or via the secretariat) and the
secretariat's record of who was present. Validated, atomic, and only for the meeting's invitees."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.meetings.attendance.models import Attendance
from governance.meetings.attendance.selectors import attendance_sheet, has_started
from governance.meetings.models import Meeting
from plans.models import Person


def _check_invitee(meeting: Meeting, person: Person, sheet=None) -> None:
    sheet = sheet or attendance_sheet(meeting=meeting)
    if sheet.row_for(person.pk) is None:
        raise ValidationError(_("%(person)s er ikke inviteret til mødet.") % {"person": person})


@transaction.atomic
def attendance_answer(
    *, meeting: Meeting, person: Person, answer: str, via: str, note: str = "", now=None
) -> Attendance:
    """Record ``person``'s answer (deltager / afbud). Open until the meeting starts."""
    if answer not in Attendance.Answer.values:
        raise ValidationError({"answer": _("Svar deltager eller afbud.")})
    if meeting.is_minutes_approved or has_started(meeting, now):
        raise ValidationError(_("Mødet er begyndt; svaret kan ikke længere ændres. Kontakt sekretariatet."))
    _check_invitee(meeting, person)
    attendance = Attendance.objects.select_for_update().filter(meeting=meeting, person=person).first()
    attendance = attendance or Attendance(meeting=meeting, person=person)
    attendance.answer = answer
    attendance.answer_note = note.strip()[:500]
    attendance.answered_at = now or timezone.now()
    attendance.answered_via = via
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def attendance_record(*, meeting: Meeting, user, presence: dict[int, str], answers: dict[int, str] | None = None):
    """The secretariat's sheet: answers phoned in (until the meeting starts) and, from the meeting
    day, who was present. Unknown people, a presence before the meeting day or any change after the
    minutes are approved are refused, and nothing is saved."""
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    if meeting.is_minutes_approved:
        raise ValidationError(_("Referatet er godkendt; fremmødet kan ikke længere ændres."))
    sheet = attendance_sheet(meeting=meeting)
    now = timezone.now()
    answers = answers or {}
    for person_id in {*presence, *answers}:
        if sheet.row_for(person_id) is None:
            raise ValidationError(_("Kun mødets inviterede kan registreres."))
    if any(presence.values()) and timezone.localdate() < meeting.meeting_day:
        raise ValidationError(_("Fremmøde registreres på mødedagen eller senere."))
    changed_answers = {
        pid: value for pid, value in answers.items() if value != sheet.row_for(pid).answer and value is not None
    }
    if changed_answers and has_started(meeting, now):
        raise ValidationError(_("Mødet er begyndt; registrér fremmødet i stedet for svar."))
    saved = []
    for row in sheet.rows:
        pid = row.person.pk
        if pid not in presence and pid not in changed_answers:
            continue
        attendance = row.attendance or Attendance(meeting=meeting, person=row.person)
        if pid in changed_answers:
            attendance.answer = changed_answers[pid]
            attendance.answered_at = now if attendance.answer else None
            attendance.answered_via = Attendance.Via.SECRETARIAT if attendance.answer else ""
            if not attendance.answer:
                attendance.answer_note = ""
        if pid in presence and presence[pid] != attendance.presence:
            if presence[pid] not in {"", *Attendance.Presence.values}:
                raise ValidationError(_("Ukendt fremmøde."))
            attendance.presence = presence[pid]
            attendance.recorded_at = now if attendance.presence else None
            attendance.recorded_by = user if attendance.presence else None
        attendance.full_clean()
        attendance.save()
        saved.append(attendance)
    return saved
