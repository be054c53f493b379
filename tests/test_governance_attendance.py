"""Attendance (issue #15, item 4): invitees answer deltager / afbud on the portal or by the signed link
in the agenda e-mail; the secretariat records who was present; the minutes show present / absent and
whether the body was quorate; minutes are approved only once the meeting has started."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.bodies.models import Membership
from governance.meetings import services as meeting_services
from governance.meetings.attendance.links import answer_token, answer_url
from governance.meetings.attendance.models import Attendance
from governance.meetings.attendance.selectors import attendance_sheet
from governance.meetings.attendance.services import attendance_answer, attendance_record
from governance.meetings.models import Meeting
from plans.models import Person

from .conftest import PLAN_A1, PLAN_B
from .factories import PersonFactory
from .governance_helpers import demo_meeting

pytestmark = pytest.mark.django_db


def _start_in_the_past(meeting: Meeting, hours: int = 1) -> Meeting:
    """Time-travel: the meeting started ``hours`` ago (today, so presence may be recorded)."""
    starts = timezone.now() - timedelta(hours=hours)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


def _seat(body, role=Membership.Role.MEMBER) -> Membership:
    organisation = body.memberships.first().organisation
    return Membership.objects.create(
        body=body, person=PersonFactory(), role=role, organisation=organisation, start_date=body.plan.start_date
    )


def _board_member(demo) -> Person:
    return Person.objects.get(user__username="demo-bestyrelse")


def test_a_board_member_sends_afbud_on_the_meeting_page(demo, login):
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-bestyrelse")
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Meld afbud" in page
    response = client.post(
        reverse("governance:attendance-respond", args=[meeting.pk]), {"answer": "absent", "note": "Ferie"}
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(meeting=meeting, person=_board_member(demo))
    assert (attendance.answer, attendance.answered_via, attendance.answer_note) == ("absent", "portal", "Ferie")
    assert attendance.history.count() == 1


@pytest.mark.parametrize(
    ("username", "status"),
    [("demo-koordinator", 403), ("demo-boligorg", 403), ("demo-koordinator-2", 404), ("demo-styregruppe", 404)],
)
def test_only_invitees_answer_and_outsiders_get_404(demo, login, username, status):
    meeting = demo_meeting(PLAN_A1)
    response = login(username).post(reverse("governance:attendance-respond", args=[meeting.pk]), {"answer": "absent"})
    assert response.status_code == status
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_the_signed_link_answers_without_login(demo, client):
    meeting = demo_meeting(PLAN_A1)
    person = _board_member(demo)
    url = answer_url(meeting=meeting, person=person)
    assert url.startswith("http") and "/svar/" in url
    path = reverse("governance:attendance-link", args=[answer_token(meeting=meeting, person=person)])
    page = client.get(path)
    assert page.status_code == 200 and meeting.title in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    response = client.post(path, {"answer": "absent", "note": "Syg"})
    assert response.status_code == 200 and "Dit afbud" in response.content.decode()
    attendance = Attendance.objects.get(meeting=meeting, person=person)
    assert (attendance.answer, attendance.answered_via) == ("absent", "link")


def test_a_tampered_link_or_another_meetings_person_is_404(demo, client):
    meeting = demo_meeting(PLAN_A1)
    token = answer_token(meeting=meeting, person=_board_member(demo))
    assert client.get(reverse("governance:attendance-link", args=[token[:-2] + "xx"])).status_code == 404
    stranger = PersonFactory()
    assert (
        client.get(
            reverse("governance:attendance-link", args=[answer_token(meeting=meeting, person=stranger)])
        ).status_code
        == 404
    )
    other_plan = Meeting.objects.filter(body__plan__name=PLAN_B).first()
    foreign = reverse("governance:attendance-link", args=[answer_token(meeting=other_plan, person=_board_member(demo))])
    assert client.get(foreign).status_code == 404


def test_an_expired_link_says_so_and_changes_nothing(demo, client, settings):
    meeting = demo_meeting(PLAN_A1)
    path = reverse("governance:attendance-link", args=[answer_token(meeting=meeting, person=_board_member(demo))])
    settings.ATTENDANCE_LINK_MAX_AGE = -1
    response = client.post(path, {"answer": "absent"})
    assert response.status_code == 410 and "udløbet" in response.content.decode()
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_answers_close_when_the_meeting_starts(demo, client):
    meeting = _start_in_the_past(demo_meeting(PLAN_A1))
    person = _board_member(demo)
    with pytest.raises(ValidationError, match="Mødet er begyndt"):
        attendance_answer(meeting=meeting, person=person, answer="absent", via="portal")
    path = reverse("governance:attendance-link", args=[answer_token(meeting=meeting, person=person)])
    assert "Mødet er begyndt" in client.get(path).content.decode()
    assert client.post(path, {"answer": "absent"}).status_code == 400
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_presence_is_recorded_from_the_meeting_day_and_shows_the_quorum(demo, login):
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    sheet = attendance_sheet(meeting=meeting)
    voting = sheet.voting
    assert voting and sheet.required == len(voting) // 2 + 1  # default: a majority of the voting members
    url = reverse("governance:attendance-record", args=[meeting.pk])
    # Before the meeting day: answers phoned in, but no presence.
    response = client.post(url, {f"answer-{voting[0].person.pk}": "absent"})
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=meeting, person=voting[0].person).answered_via == "secretariat"
    response = client.post(url, {f"presence-{voting[0].person.pk}": "present"})
    assert response.status_code == 400 and "mødedagen" in response.content.decode()
    assert not Attendance.objects.filter(meeting=meeting).exclude(presence="").exists()
    # At the meeting: exactly the quorum present, the rest absent.
    _start_in_the_past(meeting)
    present = voting[: sheet.required]
    data = {f"presence-{row.person.pk}": "present" for row in present}
    data.update({f"presence-{row.person.pk}": "absent" for row in sheet.rows if row not in present})
    assert client.post(url, data).status_code == 302
    sheet = attendance_sheet(meeting=meeting)
    assert sheet.quorate is True and sheet.present_voting == sheet.required
    detail = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Beslutningsdygtigt" in detail and present[0].person.name in detail
    minutes = client.get(reverse("governance:minutes-edit", args=[meeting.pk])).content.decode()
    assert "Beslutningsdygtigt" in minutes and "Fraværende" in minutes
    # One voting member fewer: not quorate.
    client.post(url, {f"presence-{present[0].person.pk}": "absent"})
    assert attendance_sheet(meeting=meeting).quorate is False
    assert (
        "Ikke beslutningsdygtigt"
        in client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    )


def test_quorum_is_configurable_per_body_and_observers_do_not_count(demo):
    meeting = _start_in_the_past(demo_meeting(PLAN_A1))
    body = meeting.body
    body.quorum = 2
    body.save()
    observer = _seat(body, Membership.Role.OBSERVER)
    sheet = attendance_sheet(meeting=meeting)
    assert sheet.required == 2
    assert not sheet.row_for(observer.person_id).voting
    voting = sheet.voting
    attendance_record(
        meeting=meeting,
        user=None,
        presence={voting[0].person.pk: "present", observer.person_id: "present"},
    )
    assert attendance_sheet(meeting=meeting).quorate is False
    attendance_record(meeting=meeting, user=None, presence={voting[1].person.pk: "present"})
    assert attendance_sheet(meeting=meeting).quorate is True


def test_only_invitees_can_be_recorded(demo):
    meeting = _start_in_the_past(demo_meeting(PLAN_A1))
    with pytest.raises(ValidationError, match="inviterede"):
        attendance_record(meeting=meeting, user=None, presence={PersonFactory().pk: "present"})


def test_minutes_are_approved_only_after_the_meeting_has_started(demo, login):
    meeting = demo_meeting(PLAN_A1)
    for item in meeting.agenda_items.filter(kind="decision"):
        meeting_services.minutes_save(
            meeting=meeting, user=None, entries={item.pk: meeting_services.MinutesEntry(decision="Godkendt.")}
        )
    meeting.refresh_from_db()
    assert meeting.status != Meeting.Status.HELD  # a draft written before the meeting does not hold it
    client = login("demo-sekretariatsleder")
    page = client.get(reverse("governance:minutes-edit", args=[meeting.pk])).content.decode()
    assert "kan godkendes, når mødet er begyndt" in page
    response = client.post(reverse("governance:minutes-approve", args=[meeting.pk]), follow=True)
    assert "først godkendes, når mødet er begyndt" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status != Meeting.Status.MINUTES_APPROVED
    _start_in_the_past(meeting)
    response = client.post(reverse("governance:minutes-approve", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert response.status_code == 302 and meeting.status == Meeting.Status.MINUTES_APPROVED


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("demo-sekretariatsleder", 200),
        ("demo-admin", 200),
        ("demo-bestyrelse", 403),
        ("demo-koordinator", 403),
        ("demo-koordinator-2", 404),
        ("demo-styregruppe", 404),
    ],
)
def test_the_attendance_sheet_per_role(demo, login, username, status):
    meeting = _start_in_the_past(demo_meeting(PLAN_A1))
    client = login(username)
    url = reverse("governance:attendance-record", args=[meeting.pk])
    assert client.get(url).status_code == status
    person = attendance_sheet(meeting=meeting).rows[0].person
    response = client.post(url, {f"presence-{person.pk}": "present"})
    assert response.status_code == (302 if status == 200 else status)
    assert Attendance.objects.filter(meeting=meeting, presence="present").exists() == (status == 200)


def test_the_sheet_answers_in_a_constant_number_of_queries(demo, login, django_assert_num_queries):
    meeting = _start_in_the_past(demo_meeting(PLAN_A1))
    client = login("demo-sekretariatsleder")
    url = reverse("governance:attendance-record", args=[meeting.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for _ in range(5):
        membership = _seat(meeting.body)
        Attendance.objects.create(meeting=meeting, person=membership.person, answer="attending")
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
