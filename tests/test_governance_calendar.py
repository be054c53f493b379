"""The iCal feed at a secret, revocable URL."""

import pytest
from django.urls import reverse

from governance.ical import escape_text, fold, meetings_calendar
from governance.models import CalendarToken, Meeting
from governance.selectors import calendar_meetings

from .conftest import PLAN_A1, PLAN_B


def _create_token(client) -> CalendarToken:
    client.post(reverse("governance:calendar-settings"), {"op": "create"})
    return CalendarToken.objects.filter(revoked_at__isnull=True).latest("created_at")


def test_feed_lists_the_meetings_the_user_is_invited_to(demo, login, client):
    client = login("demo-bestyrelse")
    token = _create_token(client)
    assert token.user.username == "demo-bestyrelse"
    client.logout()
    response = client.get(reverse("governance:calendar-feed", args=[token.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    board_meetings = Meeting.objects.filter(body__plan__name=PLAN_A1, body__kind="board")
    assert text.count("BEGIN:VEVENT") == board_meetings.count()
    for meeting in board_meetings:
        assert f"UID:meeting-{meeting.pk}@" in text
    assert "Styregruppemøde" not in text
    assert not set(calendar_meetings(user=token.user).values_list("body__plan__name", flat=True)) - {PLAN_A1}
    assert PLAN_B not in text


def test_revoked_or_unknown_token_is_404(demo, login):
    client = login("demo-styregruppe")
    token = _create_token(client)
    url = reverse("governance:calendar-feed", args=[token.token])
    assert client.get(url).status_code == 200
    client.post(reverse("governance:calendar-settings"), {"op": "revoke"})
    assert client.get(url).status_code == 404
    assert client.get(reverse("governance:calendar-feed", args=["not-a-token"])).status_code == 404


def test_a_new_token_replaces_the_old_one(demo, login):
    client = login("demo-styregruppe")
    first = _create_token(client)
    second = _create_token(client)
    assert first.token != second.token
    assert client.get(reverse("governance:calendar-feed", args=[first.token])).status_code == 404
    assert client.get(reverse("governance:calendar-feed", args=[second.token])).status_code == 200


def test_inactive_user_feed_is_404(demo, login):
    client = login("demo-styregruppe")
    token = _create_token(client)
    token.user.is_active = False
    token.user.save()
    assert client.get(reverse("governance:calendar-feed", args=[token.token])).status_code == 404


def test_settings_page_needs_login(client, db):
    response = client.get(reverse("governance:calendar-settings"))
    assert response.status_code == 302


def test_escaping_and_folding():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long_line = "SUMMARY:" + "æ" * 80
    folded = fold(long_line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == long_line


@pytest.mark.django_db
def test_calendar_text_escapes_meeting_fields(demo):
    meeting = Meeting.objects.filter(body__plan__name=PLAN_A1).first()
    meeting.title = "Møde; med, komma"
    text = meetings_calendar([meeting], name="Test")
    assert "SUMMARY:Møde\\; med\\, komma\r\n" in text
