"""Bad input on the remaining write paths changes nothing; readers get 403 (outsiders 404) and change nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.meetings.models import ActionItem, Attachment, Decision, Meeting

from .conftest import PLAN_A1
from .governance_helpers import PDF_BYTES, demo_meeting, upload


def _meeting_data(meeting, **changes):
    data = {
        "body": meeting.body_id,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "location": meeting.location,
        "video_link": meeting.video_link,
    }
    data.update(changes)
    return data


def test_meeting_edit(demo, login):
    meeting = demo_meeting(PLAN_A1)
    url = reverse("governance:meeting-edit", args=[meeting.pk])
    client = login("demo-sekretariatsleder")
    bad = client.post(url, _meeting_data(meeting, video_link="javascript:alert(1)"))
    assert bad.status_code == 200
    bad = client.post(url, _meeting_data(meeting, ends_at="2020-01-01T00:00"))
    assert bad.status_code == 200
    meeting.refresh_from_db()
    assert meeting.video_link == "" and meeting.ends_at > meeting.starts_at
    assert login("demo-bestyrelse").post(url, _meeting_data(meeting, title="Hacket")).status_code == 403
    assert login("demo-koordinator-2").post(url, _meeting_data(meeting, title="Hacket")).status_code == 404
    good = login("demo-sekretariatsleder").post(url, _meeting_data(meeting, title="Nyt navn"))
    assert good.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Nyt navn"
    assert meeting.history.first().history_user.username == "demo-sekretariatsleder"


def test_approved_meeting_cannot_be_edited(demo, login):
    meeting = Meeting.objects.get(body__plan__name=PLAN_A1, body__kind="board", title="Bestyrelsesmøde (sommer)")
    url = reverse("governance:meeting-edit", args=[meeting.pk])
    response = login("demo-sekretariatsleder").post(url, _meeting_data(meeting, title="Omskrevet"))
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.title == "Bestyrelsesmøde (sommer)"


def test_agenda_item_edit_bad_input(demo, login):
    item = demo_meeting(PLAN_A1).agenda_items.get(kind="decision")
    url = reverse("governance:item-edit", args=[item.pk])
    client = login("demo-sekretariatsleder")
    other_plan_sa = demo.plan("Helhedsplan Åbæk Øst").sub_agreements.first()
    for data in (
        {"title": "", "kind": "decision", "recommendation": "x"},
        {"title": "X", "kind": "decision", "recommendation": ""},
        {"title": "X", "kind": "unknown"},
        {"title": "X", "kind": "information", "sub_agreements": [other_plan_sa.pk]},
    ):
        assert client.post(url, data).status_code == 200
    item.refresh_from_db()
    assert item.title == "Forslag til justering af delmål for uddannelse"
    assert not item.sub_agreements.filter(plan__name="Helhedsplan Åbæk Øst").exists()
    assert login("demo-koordinator").post(url, {"title": "Y", "kind": "information"}).status_code == 403
    assert login("demo-boligorg-2").post(url, {"title": "Y", "kind": "information"}).status_code == 404


def test_move_with_bad_direction_changes_nothing(demo, login):
    meeting = demo_meeting(PLAN_A1)
    before = list(meeting.agenda_items.values_list("pk", "position"))
    item = meeting.agenda_items.first()
    login("demo-sekretariatsleder").post(reverse("governance:item-move", args=[item.pk]), {"direction": "sideways"})
    assert list(meeting.agenda_items.values_list("pk", "position")) == before


def test_action_create_bad_input(demo, login):
    meeting = demo_meeting(PLAN_A1)
    item = meeting.agenda_items.get(kind="decision")
    decision = Decision.objects.create(agenda_item=item, text="Godkendt")
    url = reverse("governance:action-create", args=[decision.pk])
    client = login("demo-sekretariatsleder")
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    from plans.models import Person

    outsider = Person.objects.create(name="Udenforstående")  # not in the plan's bodies or secretariat
    for data in (
        {"action-title": "", "action-owner": outsider.pk, "action-due_date": due},
        {"action-title": "X", "action-owner": outsider.pk, "action-due_date": due},
        {"action-title": "X", "action-owner": "", "action-due_date": "i morgen"},
    ):
        client.post(url, data)
    assert not ActionItem.objects.filter(decision=decision).exists()
    owner = Person.objects.get(user__username="demo-sekretariatsleder")
    response = login("demo-bestyrelse").post(
        url, {"action-title": "X", "action-owner": owner.pk, "action-due_date": due}
    )
    assert response.status_code == 403
    assert not ActionItem.objects.filter(decision=decision).exists()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_attachment_delete(demo, login, media, django_capture_on_commit_callbacks):
    item = demo_meeting(PLAN_A1).agenda_items.first()
    client = login("demo-sekretariatsleder")
    client.post(reverse("governance:attachment-upload", args=[item.pk]), {"file": upload("n.pdf", PDF_BYTES)})
    attachment = Attachment.objects.get(agenda_item=item)
    url = reverse("governance:attachment-delete", args=[attachment.pk])
    assert login("demo-bestyrelse").post(url).status_code == 403
    assert login("demo-koordinator-2").post(url).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        login("demo-sekretariatsleder").post(url)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_action_status_ignores_foreign_next_url(demo, login):
    action = ActionItem.objects.filter(decision__agenda_item__meeting__body__plan__name=PLAN_A1, status="open").first()
    response = login("demo-sekretariatsleder").post(
        reverse("governance:action-status", args=[action.pk]),
        {"status": "open", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_joint_meeting_invites_the_other_bodies_and_refuses_foreign_ones(demo):
    from django.core.exceptions import ValidationError

    from governance.meetings import services
    from governance.meetings.models import Meeting
    from governance.meetings.selectors import meeting_invitees
    from plans import access

    plan = demo.plan(PLAN_A1)
    board = plan.bodies.get(kind="board")
    group = plan.bodies.get(name="Styregruppen for uddannelse og beskæftigelse")
    start = timezone.now() + timedelta(days=50)
    foreign = demo.plan("Helhedsplan Åbæk Øst").bodies.get(kind="board")
    before = Meeting.objects.count()
    with pytest.raises(ValidationError):
        services.meeting_create(
            body=board,
            kind=Meeting.Kind.JOINT,
            title="Fællesmøde",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            location="Rådhuset",
            invited_bodies=[foreign],
        )
    assert Meeting.objects.count() == before
    meeting = services.meeting_create(
        body=board,
        kind=Meeting.Kind.JOINT,
        title="Fællesmøde",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Rådhuset",
        invited_bodies=[group],
    )
    invitees = {person.pk for person, _role in meeting_invitees(meeting=meeting)}
    assert set(group.memberships.values_list("person_id", flat=True)) <= invitees
    assert set(board.memberships.values_list("person_id", flat=True)) <= invitees
    # A steering-group member does not see board meetings, but sees a joint meeting their group is invited to.
    assert access.visible(demo.user("demo-styregruppe"), Meeting).filter(pk=meeting.pk).exists()
    assert not access.visible(demo.user("demo-styregruppe"), Meeting).filter(body=board).exclude(pk=meeting.pk).exists()


def test_information_only_agenda_gets_a_hint(demo, login):
    meeting = demo_meeting(PLAN_A1, title="Bestyrelsesmøde (temamøde)")
    body = login("demo-sekretariatsleder").get(reverse("governance:meeting-detail", args=[meeting.pk]))
    assert "kun orienteringspunkter" in body.content.decode()
    other = login("demo-sekretariatsleder").get(reverse("governance:meeting-detail", args=[demo_meeting(PLAN_A1).pk]))
    assert "kun orienteringspunkter" not in other.content.decode()
