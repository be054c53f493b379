"""`python manage.py seed_demo`: build (or top up) the fictitious demo world. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

import governance.demo
import monitoring.demo
import plans.demo
from common.periods import Quarter
from governance.bodies.models import Body
from governance.reports.models import StatusReport
from governance.reports.services import status_report_request

DEMO_USERNAMES = list(plans.demo.DEMO_USERS)


class Command(BaseCommand):
    help = "Opretter den fiktive demoverden (kommuner, planer, organer, brugere). Kan køres flere gange."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Kør også når DEBUG er slået fra.")
        parser.add_argument(
            "--with-reports",
            action="store_true",
            help=(
                "Dan også pixi- og fuld rapport til bestyrelsen og en pixi-rapport til hver styregruppe "
                "for seneste afsluttede kvartal, hvor de mangler."
            ),
        )

    def handle(self, *args, force: bool = False, with_reports: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo kører kun med DEBUG slået til (eller med --force).")
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            world = plans.demo.seed(password=password)
            governance.demo.seed(world)
            monitoring.demo.seed(world)
            governance.demo.seed_meetings(world)
            monitoring.demo.seed_obligations(world)
        if with_reports:
            period = Quarter.containing(timezone.localdate()).previous().code
            for plan in world.plans:
                board = StatusReport.objects.filter(plan=plan, period=period, audience=StatusReport.Audience.BOARD)
                for kind in StatusReport.Kind.values:
                    if not board.filter(kind=kind, state="done").exists():
                        status_report_request(plan=plan, period=period, kind=kind, via=StatusReport.Via.COMMAND)
                # A pixi for each steering group, so a styregruppe's archive is not empty.
                for group in Body.objects.filter(plan=plan, kind__in=Body.GROUP_KINDS).order_by("name", "pk"):
                    if not StatusReport.objects.filter(
                        plan=plan, period=period, kind=StatusReport.Kind.PIXI, audience_body=group, state="done"
                    ).exists():
                        status_report_request(
                            plan=plan,
                            period=period,
                            kind=StatusReport.Kind.PIXI,
                            via=StatusReport.Via.COMMAND,
                            audience=StatusReport.Audience.STEERING_GROUP,
                            audience_body=group,
                        )
            self.stdout.write(f"Rapporter for {period} er dannet (eller sat i kø, hvis REDIS_URL er sat).")
        self.stdout.write(self.style.SUCCESS(f"Demodata klar: {len(world.plans)} helhedsplaner."))
        self.stdout.write(f"Demo-brugere (adgangskode: {password}):")
        for username in DEMO_USERNAMES:
            self.stdout.write(f"  {username}")
