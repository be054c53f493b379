"""Writes in the portal app: personal API tokens and the job system's recovery round."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import jobs

from .models import KEY_PREFIX_LENGTH, ApiToken, Heartbeat, hash_key


@transaction.atomic
def api_token_create(*, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it and its key (never stored, never shown again)."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Udløbstidspunktet skal ligge i fremtiden.")})
    key = ApiToken.generate_key()
    token = ApiToken(user=user, name=name.strip(), key_prefix=key[:KEY_PREFIX_LENGTH], key_hash=hash_key(key))
    token.expires_at = expires_at
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token from now on. Revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def jobs_recover(
    *, now: datetime | None = None, worker: str = "", queued_grace: timedelta = jobs.QUEUED_GRACE
) -> jobs.RecoveryReport:
    """One recovery round (``recover_jobs``): stamp the heartbeat, then ``common.jobs.recover``.

    The heartbeat is stamped only when a worker runs the round (beat → broker → worker → database), so
    its age tells ``/healthz`` whether the job system is alive; a person running the command by hand
    (``worker`` empty) does not make a dead job system look alive."""
    if worker:
        Heartbeat.objects.update_or_create(
            name=Heartbeat.RECOVER_JOBS, defaults={"beat_at": timezone.now(), "worker": worker[:200]}
        )
    return jobs.recover(now=now, queued_grace=queued_grace)
