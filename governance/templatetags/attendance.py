"""``{% attendance_panel meeting %}``: the meeting page's attendance box (the reader's own answer
buttons, the answers so far, and once recorded who was present and whether the body was quorate)."""

from django import template

from governance.meetings.attendance.selectors import attendance_sheet, has_started, person_of
from plans import access

register = template.Library()


@register.inclusion_tag("governance/attendance/_panel.html", takes_context=True)
def attendance_panel(context, meeting):
    user = context["request"].user
    sheet = attendance_sheet(meeting=meeting)
    person = person_of(user)
    return {
        "meeting": meeting,
        "sheet": sheet,
        "own_row": sheet.row_for(person.pk) if person else None,
        "started": has_started(meeting) or meeting.is_minutes_approved,
        "can_manage": access.can(user, access.CHANGE, meeting),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("governance/attendance/_summary.html")
def attendance_summary(meeting):
    return {"sheet": attendance_sheet(meeting=meeting)}
