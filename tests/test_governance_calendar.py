"""The iCal feed at a secret, revocable URL; only a hash of the secret is stored."""

import hashlib
import re

import pytest
from django.db import connection
from django.urls import reverse

from governance.meetings.ical import escape_text, fold, meetings_calendar
from governance.meetings.models import CalendarToken, Meeting
from governance.meetings.selectors import calendar_meetings

from .conftest import PLAN_A1, PLAN_B

FEED_URL = re.compile(r'value="(http://testserver/kalender/([^"/]+)\.ics)"')


def _create_token(client) -> tuple[CalendarToken, str]:
    """Create a feed link through the page; returns the token and the secret the POST's answer showed."""
    response = client.post(reverse("governance:calendar-settings"), {"op": "create"})
    assert response.status_code == 200
    found = FEED_URL.search(response.content.decode())
    assert found, "the new feed URL is shown in the answer to the POST"
    token = CalendarToken.objects.filter(revoked_at__isnull=True).latest("created_at")
    return token, found.group(2)


def test_feed_lists_the_meetings_the_user_is_invited_to(demo, login, client):
    client = login("demo-bestyrelse")
    token, secret = _create_token(client)
    assert token.user.username == "demo-bestyrelse"
    client.logout()
    response = client.get(reverse("governance:calendar-feed", args=[secret]))
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
    _token, secret = _create_token(client)
    url = reverse("governance:calendar-feed", args=[secret])
    assert client.get(url).status_code == 200
    client.post(reverse("governance:calendar-settings"), {"op": "revoke"})
    assert client.get(url).status_code == 404
    assert client.get(reverse("governance:calendar-feed", args=["not-a-token"])).status_code == 404


def test_a_new_token_replaces_the_old_one(demo, login):
    client = login("demo-styregruppe")
    first, first_secret = _create_token(client)
    second, second_secret = _create_token(client)
    assert first.pk != second.pk and first_secret != second_secret
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert client.get(reverse("governance:calendar-feed", args=[first_secret])).status_code == 404
    assert client.get(reverse("governance:calendar-feed", args=[second_secret])).status_code == 200


def test_inactive_user_feed_is_404(demo, login):
    client = login("demo-styregruppe")
    token, secret = _create_token(client)
    token.user.is_active = False
    token.user.save()
    assert client.get(reverse("governance:calendar-feed", args=[secret])).status_code == 404


def test_database_holds_only_a_hash_of_the_secret(demo, login):
    client = login("demo-styregruppe")
    token, secret = _create_token(client)
    assert len(secret) >= 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.token_hint == secret[:6]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM governance_calendartoken")
        rows = cursor.fetchall()
    assert rows and not any(secret in str(value) for row in rows for value in row)


def test_settings_page_shows_the_secret_only_once(demo, login):
    client = login("demo-styregruppe")
    token, secret = _create_token(client)
    page = client.get(reverse("governance:calendar-settings"))
    text = page.content.decode()
    assert page.status_code == 200
    assert secret not in text and ".ics" not in text
    assert token.token_hint in text  # the beginning, to recognise it
    assert "Tilbagekald link" in text


def test_wrong_secret_with_the_right_beginning_is_404(demo, login, client):
    token, secret = _create_token(login("demo-styregruppe"))
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert client.get(reverse("governance:calendar-feed", args=[wrong])).status_code == 404
    assert client.get(reverse("governance:calendar-feed", args=[token.token_hash])).status_code == 404
    assert client.get(reverse("governance:calendar-feed", args=[secret])).status_code == 200


def test_feed_follows_what_the_user_may_see_now(demo, login, client):
    """The feed is computed at every request from the user's current access, not frozen at creation."""
    from plans.models import RoleAssignment

    token, secret = _create_token(login("demo-bestyrelse"))
    url = reverse("governance:calendar-feed", args=[secret])
    assert client.get(url).content.decode().count("BEGIN:VEVENT") > 0
    RoleAssignment.objects.filter(user=token.user).delete()
    assert client.get(url).content.decode().count("BEGIN:VEVENT") == 0


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


@pytest.mark.django_db(transaction=True)
def test_migration_hashes_existing_plaintext_tokens_and_their_urls_keep_working(client):
    from django.db.migrations.executor import MigrationExecutor

    before = [("governance", "0004_agenda_item_goals")]
    after = [("governance", "0005_calendar_token_hash")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    user = old_apps.get_model("auth", "User").objects.get(username="demo-styregruppe")
    secret = "an-old-plaintext-feed-secret-0123456789abcdef"
    old_apps.get_model("governance", "CalendarToken").objects.create(user_id=user.pk, token=secret)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    token = CalendarToken.objects.get(user__username="demo-styregruppe")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.token_hint == secret[:6]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM governance_calendartoken")
        assert not any(secret in str(value) for row in cursor.fetchall() for value in row)
    response = client.get(reverse("governance:calendar-feed", args=[secret]))
    assert response.status_code == 200
    assert response.content.decode().startswith("BEGIN:VCALENDAR")
