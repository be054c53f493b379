"""The daily overdue-action reminder: one e-mail per person per day, a summary to the sekretariatsleder."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from governance.meetings.models import ActionItem, ReminderLog
from governance.meetings.services import send_overdue_action_reminders
from governance.meetings.tasks import send_overdue_action_reminders as reminder_task
from plans.models import Person

from .factories import ActionItemFactory, AgendaItemFactory, BodyFactory, DecisionFactory, MeetingFactory


@pytest.fixture
def world(demo):
    """Start from a clean slate: only this test's actions are open."""
    ActionItem.objects.update(status=ActionItem.Status.DONE)
    lead = demo.user("demo-sekretariatsleder")
    plan = demo.plan("Helhedsplan Vestparken og Nørre Enge")
    body = BodyFactory(plan=plan)
    meeting = MeetingFactory(body=body, starts_at=timezone.now() - timedelta(days=60))
    decision = DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting))
    return {"lead": lead, "decision": decision}


def test_one_mail_per_person_listing_all_their_overdue_actions(world):
    today = timezone.localdate()
    anna = Person.objects.create(name="Anna Ansvarlig", email="anna@example.invalid")
    bo = Person.objects.create(name="Bo Bagud", email="bo@example.invalid")
    for number in range(3):
        ActionItemFactory(
            decision=world["decision"],
            owner=anna,
            title=f"Annas opgave {number}",
            due_date=today - timedelta(days=number + 1),
        )
    ActionItemFactory(decision=world["decision"], owner=anna, title="Ikke forfalden", due_date=today)
    ActionItemFactory(
        decision=world["decision"],
        owner=anna,
        title="Udført",
        due_date=today - timedelta(days=9),
        status=ActionItem.Status.DONE,
    )
    ActionItemFactory(decision=world["decision"], owner=bo, title="Bos opgave", due_date=today - timedelta(days=2))

    result = send_overdue_action_reminders(today=today)

    assert result == {"owner": 2, "summary": 1}
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {
        "anna@example.invalid",
        "bo@example.invalid",
        "demo-sekretariatsleder@example.invalid",
    }
    anna_mail = by_recipient["anna@example.invalid"].body
    assert all(f"Annas opgave {n}" in anna_mail for n in range(3))
    assert "Ikke forfalden" not in anna_mail and "Udført" not in anna_mail and "Bos opgave" not in anna_mail
    summary = by_recipient["demo-sekretariatsleder@example.invalid"].body
    assert "Bos opgave" in summary and "Annas opgave 2" in summary and "Anna Ansvarlig" in summary


def test_idempotent_per_day_and_again_the_next_day(world):
    today = timezone.localdate()
    anna = Person.objects.create(name="Anna Ansvarlig", email="anna@example.invalid")
    ActionItemFactory(decision=world["decision"], owner=anna, due_date=today - timedelta(days=1))
    send_overdue_action_reminders(today=today)
    first = len(mail.outbox)
    assert first == 2
    send_overdue_action_reminders(today=today)
    reminder_task.delay()  # the beat task runs the same service for today
    assert len(mail.outbox) == first
    assert ReminderLog.objects.filter(day=today).count() == 2
    send_overdue_action_reminders(today=today + timedelta(days=1))
    assert len(mail.outbox) == 2 * first


def test_owner_without_email_still_reaches_the_summary(world):
    today = timezone.localdate()
    nobody = Person.objects.create(name="Uden Mail")
    ActionItemFactory(decision=world["decision"], owner=nobody, due_date=today - timedelta(days=1))
    assert send_overdue_action_reminders(today=today) == {"owner": 0, "summary": 1}


def test_nothing_overdue_sends_nothing(world):
    assert send_overdue_action_reminders() == {"owner": 0, "summary": 0}
    assert mail.outbox == []


def test_management_command(world):
    today = timezone.localdate()
    anna = Person.objects.create(name="Anna Ansvarlig", email="anna@example.invalid")
    ActionItemFactory(decision=world["decision"], owner=anna, due_date=today - timedelta(days=1))
    out = io.StringIO()
    call_command("send_action_reminders", "--date", today.isoformat(), stdout=out)
    assert "1 påmindelser" in out.getvalue()
    assert len(mail.outbox) == 2


def test_beat_schedule_is_configured(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-overdue-action-reminders"]
    assert entry["task"] == "governance.tasks.send_overdue_action_reminders"
