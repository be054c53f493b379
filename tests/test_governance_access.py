"""Who sees which meetings: every demo role × a board meeting and a steering-group meeting of each plan."""

import pytest
from django.urls import reverse

from governance.meetings.models import Meeting
from plans import access

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .governance_helpers import demo_meeting

A1_BOARD, A1_GROUP, A2_BOARD, B_BOARD = "a1_board", "a1_group", "a2_board", "b_board"
ALL = {A1_BOARD, A1_GROUP, A2_BOARD, B_BOARD}

VISIBLE = {
    "demo-sekretariatsleder": {A1_BOARD, A1_GROUP, A2_BOARD},
    "demo-koordinator": {A1_BOARD, A1_GROUP, A2_BOARD},
    "demo-boligorg": {A1_BOARD, A1_GROUP, A2_BOARD},
    "demo-bestyrelse": {A1_BOARD},  # the board's meetings only, not the steering groups'
    "demo-styregruppe": {A1_GROUP},  # their group's meetings only
    "demo-koordinator-2": {B_BOARD},
    "demo-boligorg-2": {B_BOARD},
    "demo-admin": ALL,
}
MANAGE = {"demo-sekretariatsleder": {A1_BOARD, A1_GROUP, A2_BOARD}, "demo-admin": ALL}


@pytest.fixture
def meetings(demo):
    return {
        A1_BOARD: demo_meeting(PLAN_A1),
        A1_GROUP: demo_meeting(PLAN_A1, board=False),
        A2_BOARD: demo_meeting(PLAN_A2),
        B_BOARD: demo_meeting(PLAN_B),
    }


@pytest.mark.parametrize("username", list(VISIBLE))
def test_meeting_pages_answer_200_or_404(meetings, login, username):
    client = login(username)
    for key, meeting in meetings.items():
        for name in ("governance:meeting-detail", "governance:meeting-agenda"):
            response = client.get(reverse(name, args=[meeting.pk]))
            assert response.status_code == (200 if key in VISIBLE[username] else 404), (name, key)


@pytest.mark.parametrize("username", list(VISIBLE))
def test_only_managers_reach_the_write_pages_readers_get_403(meetings, login, username):
    client = login(username)
    for key, meeting in meetings.items():
        for name in ("governance:meeting-edit", "governance:item-create", "governance:minutes-edit"):
            response = client.get(reverse(name, args=[meeting.pk]))
            expected = 200 if key in MANAGE.get(username, set()) else 403 if key in VISIBLE[username] else 404
            assert response.status_code == expected, (name, key)


@pytest.mark.parametrize("username", list(VISIBLE))
def test_selector_matches_the_matrix(meetings, demo, username):
    visible = set(access.visible(demo.user(username), Meeting).values_list("pk", flat=True))
    for key, meeting in meetings.items():
        assert (meeting.pk in visible) is (key in VISIBLE[username]), key


def test_readers_see_no_write_buttons(meetings, login):
    body = login("demo-bestyrelse").get(reverse("governance:meeting-detail", args=[meetings[A1_BOARD].pk]))
    html = body.content.decode()
    assert "Send dagsorden" not in html and "Tilføj punkt" not in html


def test_meeting_list_and_register_per_plan(demo, login):
    client = login("demo-bestyrelse")
    for name in ("governance:meeting-list", "governance:decision-register"):
        assert client.get(reverse(name, args=[demo.plan(PLAN_A1).pk])).status_code == 200
        assert client.get(reverse(name, args=[demo.plan(PLAN_B).pk])).status_code == 404
    listing = client.get(reverse("governance:meeting-list", args=[demo.plan(PLAN_A1).pk])).content.decode()
    assert "Bestyrelsesmøde (vinter)" in listing and "Styregruppemøde" not in listing
    register = client.get(reverse("governance:decision-register", args=[demo.plan(PLAN_A1).pk])).content.decode()
    assert "Lektiecaféen når ikke målgruppen" in register


def test_invited_guest_sees_the_meeting_within_their_plans(meetings, demo):
    from plans.models import Person

    user = demo.user("demo-bestyrelse")
    person = Person.objects.get(user=user)
    group_meeting = meetings[A1_GROUP]
    group_meeting.agenda_items.first().guests.create(person=person)
    assert access.visible(user, Meeting).filter(pk=group_meeting.pk).exists()
    # A guest invitation never opens a plan the user cannot see.
    meetings[B_BOARD].agenda_items.first().guests.create(person=person)
    assert not access.visible(user, Meeting).filter(pk=meetings[B_BOARD].pk).exists()


def test_anonymous_is_sent_to_login(meetings, client):
    response = client.get(reverse("governance:meeting-detail", args=[meetings[A1_BOARD].pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("username", list(VISIBLE))
def test_upcoming_overview_shows_only_visible_meetings(meetings, login, username):
    response = login(username).get(reverse("governance:upcoming-meetings"))
    assert response.status_code == 200
    shown = {meeting.pk for meeting in response.context["meetings"]}
    for key, meeting in meetings.items():
        assert (meeting.pk in shown) is (key in VISIBLE[username]), key


def test_upcoming_overview_warns_about_late_send_out(meetings, login):
    body = login("demo-sekretariatsleder").get(reverse("governance:upcoming-meetings")).content.decode()
    assert "har overskredet fristen" in body and "Fristen er overskredet" in body
