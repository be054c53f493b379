"""A minimal iCalendar (RFC 5545) writer for the meeting feed: escaping, folding and CRLF."""

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone


def escape_text(value: str) -> str:
    """TEXT escaping: backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with a space)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    limit = 75
    for char in line:
        char_size = len(char.encode("utf-8"))
        if size + char_size > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines carry a leading space
        current += char
        size += char_size
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meetings_calendar(meetings, *, name: str) -> str:
    """The feed as text with CRLF line endings."""
    now = _utc(timezone.now())
    host = settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "helhedsplan-portal"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Helhedsplan Portal//Møder//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for meeting in meetings:
        url = settings.PORTAL_BASE_URL + reverse("governance:meeting-detail", args=[meeting.pk])
        location = meeting.location or meeting.video_link
        description = f"{meeting.body} – {meeting.body.plan}\n{url}"
        if meeting.video_link:
            description += f"\nVideo: {meeting.video_link}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_utc(meeting.starts_at)}",
            f"DTEND:{_utc(meeting.ends_at)}",
            f"SUMMARY:{escape_text(meeting.title)}",
            f"LOCATION:{escape_text(location)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"URL:{url}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
