"""Thin views for attendance: the invitee's own answer (signed in, or by the signed e-mail link) and
the secretariat's attendance sheet.

The meeting is resolved through ``plans.access`` (404 outside the reader's scope). Answering for
oneself needs no action right beyond seeing the meeting: the reader must be one of its invitees
(their own ``Person``); the e-mail link's signature is its only credential (like the calendar feed).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import flash_error
from governance.meetings.attendance import links, selectors, services
from governance.meetings.attendance.models import Attendance
from governance.meetings.models import Meeting
from governance.meetings.selectors import get_meeting_or_404
from plans import access
from plans.models import Person


def _answer_message(attendance: Attendance) -> str:
    if attendance.answer == Attendance.Answer.ABSENT:
        return _("Dit afbud til %(meeting)s er registreret.") % {"meeting": attendance.meeting}
    return _("Du er registreret som deltager i %(meeting)s.") % {"meeting": attendance.meeting}


@login_required
@require_POST
def respond(request, meeting_id: int):
    """An invitee answers for themself on the meeting page."""
    meeting = get_meeting_or_404(request.user, meeting_id)
    person = selectors.person_of(request.user)
    sheet = selectors.attendance_sheet(meeting=meeting)
    if person is None or sheet.row_for(person.pk) is None:
        raise PermissionDenied("Not invited")
    try:
        attendance = services.attendance_answer(
            meeting=meeting,
            person=person,
            answer=request.POST.get("answer", ""),
            note=request.POST.get("note", ""),
            via=Attendance.Via.PORTAL,
        )
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, _answer_message(attendance))
    return redirect(reverse("governance:meeting-detail", args=[meeting.pk]) + "#attendance-heading")


def respond_by_link(request, token: str):
    """The page behind the signed link in the agenda e-mail: GET shows the question, POST answers."""
    try:
        meeting_id, person_id = links.read_token(token)
    except signing.SignatureExpired:
        return render(request, "governance/attendance/link_expired.html", status=410)
    except signing.BadSignature:
        raise Http404("Unknown link") from None
    meeting = Meeting.objects.select_related("body__plan").filter(pk=meeting_id).first()
    person = Person.objects.filter(pk=person_id).first()
    if meeting is None or person is None:
        raise Http404("Unknown link")
    sheet = selectors.attendance_sheet(meeting=meeting)
    row = sheet.row_for(person.pk)
    if row is None:
        raise Http404("No longer invited")
    error_messages: list[str] = []
    done = None
    if request.method == "POST":
        try:
            done = services.attendance_answer(
                meeting=meeting,
                person=person,
                answer=request.POST.get("answer", ""),
                note=request.POST.get("note", ""),
                via=Attendance.Via.LINK,
            )
        except ValidationError as error:
            error_messages = error.messages
    context = {
        "meeting": meeting,
        "person": person,
        "row": sheet.row_for(person.pk) if done is None else None,
        "done": done,
        "done_message": _answer_message(done) if done else "",
        "closed": meeting.is_minutes_approved or selectors.has_started(meeting),
        "error_messages": error_messages,
    }
    response = render(request, "governance/attendance/link.html", context, status=400 if error_messages else 200)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def record(request, meeting_id: int):
    """The secretariat's attendance sheet: answers phoned in, and from the meeting day, who was present."""
    meeting = get_meeting_or_404(request.user, meeting_id, access.CHANGE)
    sheet = selectors.attendance_sheet(meeting=meeting)
    error_messages: list[str] = []
    if request.method == "POST":
        presence, answers = {}, {}
        for row in sheet.rows:
            pid = row.person.pk
            if f"presence-{pid}" in request.POST:
                presence[pid] = request.POST.get(f"presence-{pid}", "")
            if f"answer-{pid}" in request.POST:
                answers[pid] = request.POST.get(f"answer-{pid}", "")
        try:
            services.attendance_record(meeting=meeting, user=request.user, presence=presence, answers=answers)
        except ValidationError as error:
            error_messages = error.messages
        else:
            messages.success(request, _("Fremmødet er gemt."))
            return redirect("governance:attendance-record", meeting.pk)
    context = {
        "meeting": meeting,
        "plan": meeting.body.plan,
        "sheet": sheet,
        "started": selectors.has_started(meeting),
        "may_record_presence": not meeting.is_minutes_approved and meeting.meeting_day <= timezone.localdate(),
        "answers": Attendance.Answer.choices,
        "presences": Attendance.Presence.choices,
        "error_messages": error_messages,
    }
    return render(request, "governance/attendance/record.html", context, status=400 if error_messages else 200)
