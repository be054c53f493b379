"""`python manage.py send_obligation_reminders [--today YYYY-MM-DD]`: e-mail the LBF deadlines ahead."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from monitoring.obligations import obligation_reminders_send


class Command(BaseCommand):
    help = (
        "Sender påmindelser om LBF-frister 30 og 7 dage før: én e-mail pr. person pr. trin med alle deres "
        "forpligtelser. Kan køres flere gange; en påmindelse sendes kun én gang."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Kør som om dagen var denne dato (ÅÅÅÅ-MM-DD).")

    def handle(self, *args, today: str | None = None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"Ugyldig dato: {today}") from exc
        result = obligation_reminders_send(today=day)
        self.stdout.write(
            self.style.SUCCESS(f"{result['emails']} e-mail(s) sendt om {result['obligations']} forpligtelse(r).")
        )
