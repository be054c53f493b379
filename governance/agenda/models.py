"""The agenda builder's memory: what the secretariat did with each proposal it was offered.

A proposal (``governance.agenda.sources``) is identified by its ``key`` (``goal-<id>``,
``overdue-actions``, ``commitment-<party id>``, …, the same keys as the pixi report's questions)
and the *situation* behind it, hashed into a ``fingerprint`` (the figures, dates and amounts the
proposal states). Once accepted or dismissed for a body, the same key with the same fingerprint is
not offered again to that body; a changed situation (a new measurement, another overdue action, a
different shortfall) gives a new fingerprint and the proposal comes back.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.meetings.models import AgendaItem, Meeting


class ProposalResponse(models.Model):
    """An accepted or dismissed agenda proposal for one meeting (and so for its body)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Sat på dagsordenen")
        DISMISSED = "dismissed", _("Afvist")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møde"), on_delete=models.CASCADE, related_name="proposal_responses"
    )
    key = models.CharField(_("forslag"), max_length=60)
    fingerprint = models.CharField(_("situationens fingeraftryk"), max_length=64)
    source = models.CharField(_("kilde"), max_length=40)
    title = models.CharField(_("titel"), max_length=200)
    outcome = models.CharField(_("udfald"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("begrundelse"), blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("dagsordenspunkt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal_responses",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandlet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("behandlet"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("behandlet dagsordensforslag")
        verbose_name_plural = _("behandlede dagsordensforslag")
        ordering = ["meeting", "-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "key", "fingerprint"], name="proposal_response_once_per_situation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_outcome_display()})"

    @property
    def settles(self) -> bool:
        """Whether it keeps the proposal from being offered again: a dismissal does; an acceptance
        as long as the agenda item it made still exists."""
        return self.outcome == self.Outcome.DISMISSED or self.agenda_item_id is not None
