"""`python manage.py recover_jobs`: send again the jobs no worker took, re-run the ones a lost worker left.

The same round runs by Celery beat every 5 minutes (``portal.tasks.recover_jobs``); run it by hand after
Redis or PostgreSQL was down to get waiting jobs moving at once (docs/operations.md).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from common import jobs
from portal.services import jobs_recover


class Command(BaseCommand):
    help = (
        "Sender jobs igen, som ingen arbejdsproces har taget (i kø over et minut), og starter jobs igen, "
        "der har kørt længere end deres tidsgrænse (højst 3 forsøg; derefter fejlet med en begrundelse)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-queued",
            action="store_true",
            help="Send hvert job i kø igen med det samme, ikke kun dem over et minut (efter et nedbrud).",
        )

    def handle(self, *args, **options):
        result = jobs_recover(queued_grace=timedelta(0) if options["all_queued"] else jobs.QUEUED_GRACE)
        self.stdout.write(
            f"Sendt igen: {result.resent}; startet igen: {result.rerun}; markeret fejlet: {result.failed}."
        )
        oldest = jobs.oldest_queued_at()
        if oldest is not None:
            self.stdout.write(f"Ældste job i kø er sat i kø {oldest:%Y-%m-%d %H:%M:%S %Z}.")
