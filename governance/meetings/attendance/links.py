"""The signed answer link in the agenda e-mail: one per invitee and meeting, no login needed.

``answer_url(meeting=..., person=...)`` is what the agenda e-mail's template context calls for each
recipient; the link opens a page where the invitee answers deltager or afbud. The token is a
``django.core.signing`` signature of (meeting id, person id) with a timestamp: it expires after
``ATTENDANCE_LINK_MAX_AGE`` seconds (default 60 days, longer than the 10–14 working days an agenda
goes out before the meeting), and answers are closed once the meeting has started anyway.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "governance.meetings.attendance.answer"
DEFAULT_MAX_AGE = 60 * 24 * 60 * 60


def max_age() -> int:
    return int(getattr(settings, "ATTENDANCE_LINK_MAX_AGE", DEFAULT_MAX_AGE))


def answer_token(*, meeting, person) -> str:
    return signing.dumps([meeting.pk, person.pk], salt=SALT)


def answer_url(*, meeting, person) -> str:
    """The absolute address of ``person``'s answer page for ``meeting`` (for the agenda e-mail)."""
    return settings.PORTAL_BASE_URL + reverse(
        "governance:attendance-link", args=[answer_token(meeting=meeting, person=person)]
    )


def read_token(token: str) -> tuple[int, int]:
    """(meeting id, person id); raises ``signing.BadSignature`` (or ``SignatureExpired``) otherwise."""
    value = signing.loads(token, salt=SALT, max_age=max_age())
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise signing.BadSignature("Unexpected payload")
    return value[0], value[1]
