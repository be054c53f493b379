"""`python manage.py issue_api_token <username> [--name NAME] [--expires-days N]`: print a new API token.

The token is the LAST line of the output (scripts rely on it: ``... | tail -n 1``).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.services import api_token_create


class Command(BaseCommand):
    help = "Opretter et personligt API-token til en bruger. Tokenet skrives som sidste linje."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Kommandolinje", help="Tokenets navn (standard: Kommandolinje).")
        parser.add_argument("--expires-days", type=int, default=None, help="Udløber efter så mange dage.")

    def handle(self, *args, username: str, name: str, expires_days: int | None, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Ukendt bruger: {username}") from None
        if not user.is_active:
            raise CommandError(f"Brugeren {username} er deaktiveret.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days skal være mindst 1.")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        token, key = api_token_create(user=user, name=name, expires_at=expires_at)
        self.stdout.write(f"API-token «{token.name}» oprettet til {username} (begynder med {token.key_prefix}).")
        if expires_at:
            self.stdout.write(f"Udløber {timezone.localtime(expires_at):%Y-%m-%d %H:%M}.")
        self.stdout.write("Gem nøglen nu; den kan ikke vises igen:")
        self.stdout.write(key)
