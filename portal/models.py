"""The portal's own tables: personal API tokens, the Idempotency-Key store of the REST API and the
job system's heartbeat."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    """The stored form of a token key: sha256 hex. The key itself is never stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token: sent as ``Authorization: Token <key>``; acts with its user's rights.

    Only the sha256 hash of the key and its first characters (for recognition) are stored, so a
    key can be shown exactly once, when it is created. A token can expire and be revoked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("navn"), max_length=100, help_text=_("Hvad tokenet bruges til, fx et system."))
    key_prefix = models.CharField(_("nøglens begyndelse"), max_length=KEY_PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(_("nøglens hash"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("oprettet"), default=timezone.now)
    last_used = models.DateTimeField(_("sidst brugt"), null=True, blank=True)
    expires_at = models.DateTimeField(_("udløber"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def generate_key() -> str:
        return secrets.token_hex(20)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired()


class IdempotencyKey(models.Model):
    """A stored API answer for an ``Idempotency-Key``: a retried request gets it back, creating nothing.

    The key is per user. ``fingerprint`` is a hash of method, path and body: the same key with a
    different request is refused (422). Records older than ``RETENTION`` are not replayed.
    """

    RETENTION = timedelta(hours=24)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
    )
    key = models.CharField(_("nøgle"), max_length=255)
    fingerprint = models.CharField(_("forespørgslens fingeraftryk"), max_length=64)
    method = models.CharField(_("metode"), max_length=10)
    path = models.CharField(_("sti"), max_length=500)
    response_status = models.PositiveSmallIntegerField(_("svarets statuskode"))
    response_body = models.TextField(_("svarets indhold"), blank=True)
    response_content_type = models.CharField(_("svarets indholdstype"), max_length=100)
    created = models.DateTimeField(_("oprettet"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotensnøgle")
        verbose_name_plural = _("idempotensnøgler")
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.path} ({self.key})"

    def is_stale(self, now=None) -> bool:
        return self.created <= (now or timezone.now()) - self.RETENTION


class Heartbeat(models.Model):
    """The job system's pulse: beat runs ``recover_jobs`` every 5 minutes on a worker, which stamps its
    row here. A fresh stamp proves beat, broker, a worker and the database all work (``/healthz``)."""

    RECOVER_JOBS = "recover_jobs"

    name = models.CharField(_("navn"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("seneste slag"))
    worker = models.CharField(_("arbejdsproces"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hjerteslag")
        verbose_name_plural = _("hjerteslag")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
