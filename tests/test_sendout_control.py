"""Send-out control (issue 15.3): the recipient list before sending, a per-recipient delivery log after
(sent / bounced / failed, «Prøv igen» for the ones it did not reach), the pack and the log list the same
recipients, a re-run never mails anyone twice, the sekretariatsleder's deadline reminders, and the
meeting page never writes on GET."""

import subprocess
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.workdays import send_out_deadline, working_days_after, working_days_before
from governance.meetings.models import Meeting, SendOut, SendOutDelivery, SendOutReminder
from governance.meetings.selectors import send_out_recipients
from governance.meetings.services import meeting_request_send_out, send_out_deadline_reminders, send_out_deliver
from portal.services import jobs_recover

from .conftest import PLAN_A1
from .governance_helpers import demo_meeting


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    return tmp_path


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _people_with_email(meeting, count):
    """``count`` invitees (not the first, who keeps a working address), each given an address of
    their own; the rest of the invitees get working addresses too."""
    from plans.models import Person

    recipients = [r for r in send_out_recipients(meeting=meeting) if r.kind != "guest"]
    assert len(recipients) >= count + 1
    people = [Person.objects.get(pk=r.person_id) for r in recipients]
    for n, person in enumerate(people):
        if not person.email and not (person.user_id and person.user.email):
            _set_email(person, f"inviteret-{n}@example.invalid")
    return people[1 : count + 1]


def _set_email(person, email):
    person.email = email
    person.save()
    if person.user_id:
        person.user.email = ""
        person.user.save()


def test_the_recipient_list_before_sending_flags_people_without_email(demo, login):
    from plans.models import Person

    meeting = demo_meeting(PLAN_A1)
    (without,) = _people_with_email(meeting, 1)
    _set_email(without, "")
    guest = Person.objects.create(name="Gæst Gæstesen", email="gaest@example.invalid")
    meeting.agenda_items.exclude(is_follow_up=True).first().guests.create(person=guest)
    page = login("demo-sekretariatsleder").get(reverse("governance:meeting-detail", args=[meeting.pk]))
    html = page.content.decode()
    table = html.split('id="recipient-list"')[1].split("</table>")[0]
    recipients = send_out_recipients(meeting=meeting)
    assert table.count("<tr>") == len(recipients) + 1  # header row + one per recipient
    assert without.name in table and "Mangler e-mail – får ikke pakken" in table
    assert "Gæst Gæstesen" in table and "får kun sine punkter" in table
    assert {r.kind for r in recipients} >= {"member", "guest"}
    # Readers of the meeting do not see the addresses.
    reader = login("demo-bestyrelse").get(reverse("governance:meeting-detail", args=[meeting.pk]))
    assert 'id="recipient-list"' not in reader.content.decode()


def test_the_delivery_log_records_each_recipient_and_retry_reaches_only_those_it_missed(demo, login, commit):
    meeting = demo_meeting(PLAN_A1)
    bounced, failed, without = _people_with_email(meeting, 3)
    _set_email(bounced, "ukendt@afvist.invalid")
    _set_email(failed, "travl@fejl.invalid")
    _set_email(without, "")
    client = login("demo-sekretariatsleder")
    with commit():
        assert client.post(reverse("governance:meeting-send", args=[meeting.pk])).status_code == 302
    send_out = SendOut.objects.get(meeting=meeting)
    assert send_out.state == SendOut.State.DONE
    log = {d.person_id: d for d in send_out.deliveries.all()}
    assert log[bounced.pk].status == "bounced" and "550" in log[bounced.pk].error
    assert log[failed.pk].status == "failed" and "451" in log[failed.pk].error
    assert log[without.pk].status == "no_email" and log[without.pk].email == ""
    sent = [d for d in log.values() if d.status == "sent"]
    assert sent and len(mail.outbox) == len(sent) == send_out.recipients_count - 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.email for d in sent)
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert 'id="delivery-log"' in page and "Afvist af modtagerens mailserver" in page
    assert f"Sendt til {len(sent)} af {send_out.recipients_count} modtagere med e-mail." in page
    assert "2 modtagere fik ikke dagsordenen" in page and "Prøv igen for de fejlede" in page
    # The addresses are corrected; «Prøv igen» mails exactly the ones it missed (and the one now with an address).
    _set_email(bounced, "rettet@example.invalid")
    _set_email(failed, "travl-igen@example.invalid")
    _set_email(without, "ny@example.invalid")
    mail.outbox.clear()
    retry_url = reverse("governance:meeting-send-retry", args=[meeting.pk])
    assert login("demo-bestyrelse").post(retry_url).status_code == 403
    assert login("demo-koordinator-2").post(retry_url).status_code == 404
    client = login("demo-sekretariatsleder")
    with commit():
        assert client.post(retry_url).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ny@example.invalid",
        "rettet@example.invalid",
        "travl-igen@example.invalid",
    ]
    send_out.refresh_from_db()
    assert send_out.state == SendOut.State.DONE
    assert send_out.deliveries.filter(status="sent").count() == send_out.deliveries.count()
    assert send_out.recipients_count == send_out.deliveries.count()
    # Nothing left to retry: a clear message, nothing sent.
    mail.outbox.clear()
    with commit():
        response = client.post(retry_url, follow=True)
    assert "ingen modtagere at sende til igen" in response.content.decode() and mail.outbox == []


def test_the_pack_lists_exactly_the_recipients_of_the_log(demo, login, commit, media):
    meeting = demo_meeting(PLAN_A1)
    (without,) = _people_with_email(meeting, 1)
    _set_email(without, "")
    with commit():
        login("demo-sekretariatsleder").post(reverse("governance:meeting-send", args=[meeting.pk]))
    send_out = SendOut.objects.get(meeting=meeting)
    deliveries = list(send_out.deliveries.all())
    text = subprocess.run(["pdftotext", send_out.pack.path, "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert f"Inviterede ({len(deliveries)})" in text
    for delivery in deliveries:
        assert delivery.name in text
    assert f"{without.name} – " in text and "ingen e-mail: får pakken på anden vis" in text
    with_email = [d for d in deliveries if d.email]
    assert len(mail.outbox) == send_out.recipients_count == len(with_email)


def test_a_rerun_after_a_lost_worker_never_mails_anyone_twice(demo, commit, django_capture_on_commit_callbacks):
    meeting = demo_meeting(PLAN_A1)
    _people_with_email(meeting, 2)
    with django_capture_on_commit_callbacks(execute=False):
        send_out = meeting_request_send_out(meeting=meeting, user=None)
    assert send_out_deliver(send_out_id=send_out.pk) is not None
    first = {m.to[0] for m in mail.outbox}
    assert len(first) == len(mail.outbox)
    # A lost run: the job shows running long ago, one recipient was being mailed, one not yet.
    deliveries = list(send_out.deliveries.exclude(email="").order_by("pk"))
    interrupted, waiting = deliveries[0], deliveries[1]
    SendOutDelivery.objects.filter(pk=interrupted.pk).update(status="sending")
    SendOutDelivery.objects.filter(pk=waiting.pk).update(status="pending")
    SendOut.objects.filter(pk=send_out.pk).update(
        state="running", attempts=1, started_at=timezone.now() - timedelta(hours=2)
    )
    mail.outbox.clear()
    with commit():
        assert jobs_recover().rerun == 1
    assert [m.to[0] for m in mail.outbox] == [waiting.email]
    interrupted.refresh_from_db()
    assert interrupted.status == "failed" and "Uvist om e-mailen nåede frem" in interrupted.error
    send_out.refresh_from_db()
    assert send_out.state == "done" and send_out.attempts == 2


def test_nobody_with_an_address_fails_the_send_out_with_a_reason(demo, commit):
    meeting = demo_meeting(PLAN_A1)
    for recipient in send_out_recipients(meeting=meeting):
        from plans.models import Person

        _set_email(Person.objects.get(pk=recipient.person_id), "")
    with commit():
        send_out = meeting_request_send_out(meeting=meeting, user=None)
    send_out.refresh_from_db()
    assert send_out.state == "failed" and "Ingen af de inviterede har en e-mailadresse" in send_out.last_error
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is None and mail.outbox == []


# --- Deadline reminders ---------------------------------------------------------------------------------


def _meeting_due_in(demo, working_days: int) -> Meeting:
    """A board meeting whose send-out deadline is ``working_days`` working days after today."""
    from governance.meetings.services import meeting_create

    today = timezone.localdate()
    deadline = working_days_after(today, working_days)
    day = working_days_after(deadline, 10)
    assert send_out_deadline(day) == deadline
    start = timezone.make_aware(datetime.combine(day, time(16, 0)))
    body = demo_meeting(PLAN_A1).body
    return meeting_create(
        body=body, title="Påmindelsesmøde", starts_at=start, ends_at=start + timedelta(hours=2), location="Her"
    )


def test_the_sekretariatsleder_is_reminded_three_working_days_before_and_on_the_day_once(demo):
    meeting = _meeting_due_in(demo, 5)
    deadline = meeting.send_deadline
    lead_email = demo.user("demo-sekretariatsleder").email
    send_out_deadline_reminders(today=working_days_before(deadline, 4))
    assert not SendOutReminder.objects.filter(meeting=meeting).exists(), "too early"
    mail.outbox.clear()
    soon_day = working_days_before(deadline, 3)
    send_out_deadline_reminders(today=soon_day)
    mine = [m for m in mail.outbox if "Påmindelsesmøde" in m.subject]
    assert [m.to for m in mine] == [[lead_email]]
    assert mine[0].subject.startswith("Påmindelse: send dagsordenen til Påmindelsesmøde senest")
    assert reverse("governance:meeting-detail", args=[meeting.pk]) in mine[0].body
    send_out_deadline_reminders(today=soon_day)
    send_out_deadline_reminders(today=working_days_before(deadline, 1))
    assert len([m for m in mail.outbox if "Påmindelsesmøde" in m.subject]) == 1, "once per reminder"
    send_out_deadline_reminders(today=deadline)
    due = [m for m in mail.outbox if "Påmindelsesmøde" in m.subject][1:]
    assert len(due) == 1 and due[0].subject.startswith("Fristen er i dag: send dagsordenen til Påmindelsesmøde")
    send_out_deadline_reminders(today=deadline)
    assert SendOutReminder.objects.filter(meeting=meeting).count() == 2


def test_no_reminder_once_the_agenda_is_on_its_way(demo, commit):
    meeting = _meeting_due_in(demo, 2)
    meeting.agenda_items.create(position=9, title="Orientering", kind="information")
    with commit():
        send_out = meeting_request_send_out(meeting=meeting, user=None)
    send_out.refresh_from_db()
    assert send_out.state == "done"
    mail.outbox.clear()
    send_out_deadline_reminders(today=meeting.send_deadline)
    assert not [m for m in mail.outbox if "Påmindelsesmøde" in m.subject]


def test_a_missed_deadline_day_is_caught_up_with_a_late_reminder(demo):
    meeting = _meeting_due_in(demo, 1)
    later = working_days_after(meeting.send_deadline, 1)
    send_out_deadline_reminders(today=later)
    late = [m for m in mail.outbox if "Påmindelsesmøde" in m.subject]
    assert len(late) == 1 and late[0].subject.startswith("Fristen er overskredet")


# --- GET never writes -------------------------------------------------------------------------------------


def test_opening_a_meeting_page_writes_nothing(demo, login):
    """Was: the meeting page ran meeting_sync_follow_up, so concurrent GETs raised IntegrityError."""
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("governance:meeting-detail", args=[meeting.pk]))
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_each_agenda_email_carries_the_recipients_own_answer_link_and_it_records_an_afbud(demo, login, commit, client):
    import re

    from governance.meetings.attendance.models import Attendance

    meeting = demo_meeting(PLAN_A1)
    (member,) = _people_with_email(meeting, 1)
    with commit():
        assert (
            login("demo-sekretariatsleder").post(reverse("governance:meeting-send", args=[meeting.pk])).status_code
            == 302
        )
    by_address = {m.to[0]: m.body for m in mail.outbox}
    body = by_address[member.email]
    links = re.findall(r"http\S+/svar/(\S+)/", body)
    assert len(links) == 1, body
    other_links = {
        tuple(re.findall(r"/svar/(\S+)/", b)) for address, b in by_address.items() if address != member.email
    }
    assert (links[0],) not in other_links  # every invitee gets a link of their own
    answer = reverse("governance:attendance-link", args=[links[0]])
    assert client.post(answer, {"answer": "absent"}).status_code in (200, 302)
    assert Attendance.objects.get(meeting=meeting, person=member).answer == "absent"
