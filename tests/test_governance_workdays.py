"""The send-out deadline: 10 Danish working days before the meeting (seed 003)."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from common.workdays import is_working_day, send_out_deadline, working_days_before
from tests.factories import MeetingFactory


@pytest.mark.parametrize(
    ("meeting_day", "deadline"),
    [
        # An ordinary fortnight: Mon 30 Nov 2026 -> Mon 16 Nov.
        (date(2026, 11, 30), date(2026, 11, 16)),
        # Easter 2026: skærtorsdag 2/4, langfredag 3/4 and 2. påskedag 6/4 are skipped.
        (date(2026, 4, 14), date(2026, 3, 26)),
        # Christmas: 24/12, 25/12, 31/12 and 1/1 are skipped (26/12 is a Saturday).
        (date(2027, 1, 5), date(2026, 12, 16)),
        # Grundlovsdag, Friday 5 June 2026, is not a working day.
        (date(2026, 6, 15), date(2026, 5, 29)),
        # Kristi himmelfart (14/5) and 2. pinsedag (25/5) 2026.
        (date(2026, 5, 27), date(2026, 5, 11)),
    ],
)
def test_send_out_deadline(meeting_day, deadline):
    assert send_out_deadline(meeting_day) == deadline


def test_holidays_and_customary_closed_days_are_not_working_days():
    assert not is_working_day(date(2026, 4, 3))  # langfredag
    assert not is_working_day(date(2026, 12, 24))  # juleaftensdag (not an official holiday)
    assert not is_working_day(date(2026, 12, 31))  # nytårsaftensdag
    assert not is_working_day(date(2026, 6, 5))  # grundlovsdag
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert is_working_day(date(2026, 12, 23))
    # Store bededag was a holiday until 2023 and abolished from 2024.
    assert not is_working_day(date(2023, 5, 5))
    assert is_working_day(date(2024, 4, 26))


def test_meeting_day_itself_is_not_counted():
    assert working_days_before(date(2026, 11, 24), 1) == date(2026, 11, 23)
    assert working_days_before(date(2026, 11, 23), 1) == date(2026, 11, 20)


@pytest.mark.django_db
def test_meeting_shows_deadline_and_late_state():
    starts = timezone.make_aware(datetime(2026, 4, 14, 15, 0))
    meeting = MeetingFactory.build(starts_at=starts)
    assert meeting.send_deadline == date(2026, 3, 26)
    assert meeting.send_out_state(today=date(2026, 3, 25)) == "open"
    assert meeting.send_out_state(today=date(2026, 3, 26)) == "due_today"
    assert meeting.send_out_state(today=date(2026, 3, 27)) == "late"
    meeting.agenda_sent_at = timezone.make_aware(datetime(2026, 3, 30, 9, 0))
    assert meeting.send_out_state(today=date(2026, 4, 1)) == "sent_late"


def test_meeting_late_in_the_evening_uses_the_danish_date():
    # 23:30 UTC on 13 April is 01:30 on 14 April in Copenhagen.
    starts = datetime(2026, 4, 13, 23, 30, tzinfo=UTC)
    meeting = MeetingFactory.build(starts_at=starts)
    assert meeting.meeting_day == date(2026, 4, 14)
