"""Send dagsorden: the meeting pack PDF by e-mail to every invitee, once unless a resend is asked for."""

import pytest
from django.core import mail
from django.urls import reverse

from governance.meetings.models import Meeting, SendOut
from governance.meetings.selectors import meeting_invitees
from governance.meetings.services import meeting_request_send_out, send_out_deliver

from .conftest import PLAN_A1
from .governance_helpers import demo_meeting


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def expected_recipients(meeting) -> set[str]:
    return {
        person.email or (person.user.email if person.user_id else "")
        for person, _role in meeting_invitees(meeting=meeting)
    } - {""}


def _send(client, meeting, resend=False, capture=None):
    data = {"resend": "on"} if resend else {}
    with capture(execute=True):
        return client.post(reverse("governance:meeting-send", args=[meeting.pk]), data)


def test_send_agenda_mails_every_invitee_once(demo, login, media, django_capture_on_commit_callbacks):
    meeting = demo_meeting(PLAN_A1)
    recipients = expected_recipients(meeting)
    assert len(recipients) >= 2
    client = login("demo-sekretariatsleder")
    response = _send(client, meeting, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == len(recipients)
    assert {message.to[0] for message in mail.outbox} == recipients
    message = mail.outbox[0]
    assert message.subject.startswith("Dagsorden: Bestyrelsesmøde (vinter)")
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_SENT and meeting.agenda_sent_at is not None
    send_out = SendOut.objects.get(meeting=meeting)
    assert send_out.state == SendOut.State.DONE and send_out.recipients_count == len(recipients)
    # The pack is kept and can be downloaded by a board member.
    pack = login("demo-bestyrelse").get(reverse("governance:meeting-pack", args=[meeting.pk]))
    assert pack.status_code == 200 and b"".join(pack.streaming_content).startswith(b"%PDF")


def test_sending_twice_does_not_mail_twice_unless_resend(demo, login, media, django_capture_on_commit_callbacks):
    meeting = demo_meeting(PLAN_A1)
    count = len(expected_recipients(meeting))
    client = login("demo-sekretariatsleder")
    _send(client, meeting, capture=django_capture_on_commit_callbacks)
    _send(client, meeting, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == count
    assert SendOut.objects.filter(meeting=meeting).count() == 1
    _send(client, meeting, resend=True, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 * count
    assert mail.outbox[-1].subject.startswith("Opdateret dagsorden")
    assert SendOut.objects.filter(meeting=meeting, is_resend=True).count() == 1


def test_delivery_task_is_idempotent(demo, media, django_capture_on_commit_callbacks):
    meeting = demo_meeting(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=False):
        send_out = meeting_request_send_out(meeting=meeting, user=None)
    assert send_out_deliver(send_out_id=send_out.pk) is not None
    sent = len(mail.outbox)
    assert send_out_deliver(send_out_id=send_out.pk) is None
    assert len(mail.outbox) == sent


def test_guests_are_invited(demo, login, media, django_capture_on_commit_callbacks):
    from plans.models import Person

    meeting = demo_meeting(PLAN_A1)
    guest = Person.objects.create(name="Gæst Gæstesen", email="gaest@example.invalid")
    item = meeting.agenda_items.exclude(is_follow_up=True).first()
    item.guests.create(person=guest)
    _send(login("demo-sekretariatsleder"), meeting, capture=django_capture_on_commit_callbacks)
    assert "gaest@example.invalid" in {message.to[0] for message in mail.outbox}


def test_readers_cannot_send(demo, login, media, django_capture_on_commit_callbacks):
    meeting = demo_meeting(PLAN_A1)
    for username, status in (("demo-bestyrelse", 403), ("demo-koordinator", 403), ("demo-koordinator-2", 404)):
        response = _send(login(username), meeting, capture=django_capture_on_commit_callbacks)
        assert response.status_code == status, username
    assert mail.outbox == []
    assert not SendOut.objects.filter(meeting=meeting).exists()


def test_late_meeting_shows_warning_and_deadline(demo, login):
    meeting = demo_meeting(PLAN_A1)
    assert meeting.send_out_state() == "late"
    page = login("demo-sekretariatsleder").get(reverse("governance:meeting-detail", args=[meeting.pk]))
    body = page.content.decode()
    assert "Fristen er overskredet" in body and "skulle være sendt senest" in body
    listing = login("demo-sekretariatsleder").get(reverse("governance:meeting-list", args=[meeting.body.plan_id]))
    assert "Fristen er overskredet" in listing.content.decode()


def test_failed_send_out_is_recorded_and_can_be_sent_again(
    demo, login, media, monkeypatch, django_capture_on_commit_callbacks
):
    from governance.meetings import services

    meeting = demo_meeting(PLAN_A1)

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "meeting_pack_pdf", broken)
    client = login("demo-sekretariatsleder")
    response = _send(client, meeting, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    failed = SendOut.objects.get(meeting=meeting)
    assert failed.state == SendOut.State.FAILED and "disk full" in failed.last_error
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is None
    monkeypatch.undo()
    _send(client, meeting, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == len(expected_recipients(meeting))
    assert SendOut.objects.filter(meeting=meeting, state=SendOut.State.DONE, is_resend=False).count() == 1


def test_pack_and_mail_are_danish_whatever_the_page_language(demo, login, media, django_capture_on_commit_callbacks):
    from django.utils import formats, timezone, translation

    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    client.cookies["django_language"] = "en"
    _send(client, meeting, capture=django_capture_on_commit_callbacks)
    with translation.override("da"):
        weekday = formats.date_format(timezone.localtime(meeting.starts_at), "l")
    assert weekday in mail.outbox[0].body


def test_pack_download_follows_meeting_access(demo, login, media, django_capture_on_commit_callbacks):
    meeting = demo_meeting(PLAN_A1)
    url = reverse("governance:meeting-pack", args=[meeting.pk])
    assert login("demo-sekretariatsleder").get(url).status_code == 404  # nothing sent yet
    _send(login("demo-sekretariatsleder"), meeting, capture=django_capture_on_commit_callbacks)
    assert login("demo-koordinator").get(url).status_code == 200
    for username in ("demo-styregruppe", "demo-koordinator-2", "demo-boligorg-2"):
        assert login(username).get(url).status_code == 404
