"""`python manage.py send_action_reminders`: the daily overdue-action reminders by hand (once per day)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.meetings.services import send_overdue_action_reminders


class Command(BaseCommand):
    help = (
        "Sender én e-mail pr. person med deres overskredne handlingspunkter og en oversigt til "
        "sekretariatslederen. Sender ikke igen samme dag."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="Dagen der sendes for (ÅÅÅÅ-MM-DD); standard: i dag.")

    def handle(self, *args, day: str | None = None, **options):
        try:
            on = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Ugyldig dato: {day}") from exc
        sent = send_overdue_action_reminders(today=on)
        self.stdout.write(
            self.style.SUCCESS(
                f"{on:%Y-%m-%d}: {sent['owner']} påmindelser til ansvarlige, "
                f"{sent['summary']} oversigter til sekretariatsledere."
            )
        )
