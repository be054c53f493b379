"""Versioned agreements: the samarbejdsaftale and each delaftale as draft → approved versions.

Domain rule 6: a change to an agreement is a new version, approved by the board (a link to the
board's decision). A version holds the agreement's text as it was drafted and approved, so two
versions can be compared; approving a version applies its text to the agreement in ``plans``
(``plans.CooperationAgreement`` for the samarbejdsaftale, the ``plans.SubAgreement`` row for a
delaftale), which the lower apps (målstyring, the plan page) read. Interventions under a delaftale
are not versioned here: the board adjusts them freely, with history (``services.intervention_adjust``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.formatting import format_date
from governance.bodies.models import Body
from governance.meetings.models import Decision
from plans.models import CooperationAgreement, Intervention, Organisation, Plan, SubAgreement


class AgreementVersionQuerySet(models.QuerySet):
    def of_cooperation_agreement(self, plan: Plan):
        return self.filter(plan=plan, sub_agreement__isnull=True)

    def of_sub_agreement(self, sub_agreement: SubAgreement):
        return self.filter(plan_id=sub_agreement.plan_id, sub_agreement=sub_agreement)

    def approved(self):
        return self.filter(status=AgreementVersion.Status.APPROVED)


class AgreementVersion(models.Model):
    """One version of the samarbejdsaftale (``sub_agreement`` empty) or of a delaftale."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Udkast")
        APPROVED = "approved", _("Godkendt")

    class Origin(models.TextChoices):
        PORTAL = "portal", _("Udarbejdet i portalen")
        ADMIN = "admin", _("Overført fra administrationens versioner")
        BASELINE = "baseline", _("Aftalen, som den lå før versionering i portalen")

    plan = models.ForeignKey(
        Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="agreement_versions"
    )
    sub_agreement = models.ForeignKey(
        SubAgreement,
        verbose_name=_("delaftale"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="versions",
        help_text=_("Tom for samarbejdsaftalen."),
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("aftaletekst"), blank=True)
    parties = models.ManyToManyField(
        Organisation, verbose_name=_("parter"), related_name="agreement_versions", blank=True
    )
    reason = models.TextField(_("begrundelse for ændringen"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(_("oprindelse"), max_length=20, choices=Origin.choices, default=Origin.PORTAL)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("udarbejdet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("udarbejdet"), null=True, blank=True)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("bestyrelsens beslutning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_versions",
    )
    approved_on = models.DateField(_("godkendt af bestyrelsen den"), null=True, blank=True)
    approved_at = models.DateTimeField(_("godkendelse registreret"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkendelse registreret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lbf_approved_on = models.DateField(_("godkendt af LBF den"), null=True, blank=True)
    cooperation_agreement = models.OneToOneField(
        CooperationAgreement,
        verbose_name=_("samarbejdsaftale i planen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_version",
    )
    history = HistoricalRecords(m2m_fields=[parties])

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("aftaleversion")
        verbose_name_plural = _("aftaleversioner")
        ordering = ["plan", "sub_agreement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "sub_agreement", "number"],
                name="agreement_version_unique_number",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                fields=["plan", "sub_agreement"],
                condition=Q(status="draft"),
                name="agreement_version_one_draft",
                nulls_distinct=False,
            ),
            # A version approved in the portal names the board's decision; one carried over from
            # before (the admin's versions, a delaftale's baseline) may not have one.
            models.CheckConstraint(
                condition=Q(status="draft") | Q(decision__isnull=False) | ~Q(origin="portal"),
                name="agreement_version_approved_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_cooperation_agreement(self) -> bool:
        return self.sub_agreement_id is None

    @property
    def kind_label(self) -> str:
        return str(_("Samarbejdsaftale") if self.is_cooperation_agreement else _("Delaftale"))

    def clean(self) -> None:
        errors = {}
        if not self.title.strip():
            errors["title"] = _("Aftalen skal have en titel.")
        if self.number and self.number > 1 and self.origin == self.Origin.PORTAL and not self.reason.strip():
            errors["reason"] = _("En ny version skal have en begrundelse: hvad ændres, og hvorfor?")
        if self.sub_agreement_id and self.plan_id and self.sub_agreement.plan_id != self.plan_id:
            errors["sub_agreement"] = _("Delaftalen hører til en anden helhedsplan.")
        if self.lbf_approved_on and not self.is_cooperation_agreement:
            errors["lbf_approved_on"] = _("Kun samarbejdsaftalen godkendes af LBF.")
        if errors:
            raise ValidationError(errors)

    def validate_decision(self, decision: Decision) -> None:
        """The approving decision is a current decision of a meeting of the plan's board, already held."""
        meeting = decision.agenda_item.meeting
        if meeting.body.plan_id != self.plan_id or meeting.body.kind not in Body.BOARD_KINDS:
            raise ValidationError({"decision": _("Vælg en beslutning truffet af denne helhedsplans bestyrelse.")})
        if not decision.is_current:
            raise ValidationError({"decision": _("Beslutningen er rettet; vælg den gældende version.")})
        if meeting.starts_at > timezone.now():
            raise ValidationError(
                {"decision": _("Mødet er ikke holdt endnu; en godkendelse kræver en truffet beslutning.")}
            )


class InterventionAdjustment(models.Model):
    """One adjustment of an indsats under its delaftale: who, when, what (field by field) and why,
    with the board's decision when the board decided it (domain rules 3 and 6). The indsats' own
    history (``Intervention.history``) keeps the full snapshots."""

    intervention = models.ForeignKey(
        Intervention, verbose_name=_("indsats"), on_delete=models.CASCADE, related_name="adjustments"
    )
    changed_at = models.DateTimeField(_("justeret"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("justeret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("begrundelse"))
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("beslutning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intervention_adjustments",
    )
    changes = models.JSONField(_("ændringer"), default=list, help_text=_("Felt, gammel og ny værdi som tekst."))

    class Meta:
        verbose_name = _("justering af indsats")
        verbose_name_plural = _("justeringer af indsatser")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.intervention} ({format_date(self.changed_at)})"
