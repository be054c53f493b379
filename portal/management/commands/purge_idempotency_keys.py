"""`python manage.py purge_idempotency_keys`: delete stored Idempotency-Key answers past their retention."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.models import IdempotencyKey


class Command(BaseCommand):
    help = "Sletter gemte Idempotency-Key-svar, der er ældre end opbevaringstiden (24 timer)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - IdempotencyKey.RETENTION
        deleted, _details = IdempotencyKey.objects.filter(created__lte=cutoff).delete()
        self.stdout.write(f"Slettede {deleted} idempotensnøgler ældre end {IdempotencyKey.RETENTION}.")
