"""The plan's bodies: bestyrelser, styregrupper and the other groups, and their memberships.

A ``Body`` is one table for every kind of body a plan has; ``Board`` and ``SteeringGroup`` are
proxies over it so that meetings and memberships can point at "a body" with one foreign key.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import Organisation, Person, Plan, SubAgreement


class Body(models.Model):
    """A governing body of a plan: bestyrelse, politisk følgegruppe, styregruppe or another group."""

    class Kind(models.TextChoices):
        BOARD = "board", _("Bestyrelse")
        POLITICAL_FOLLOWUP = "political_followup", _("Politisk følgegruppe")
        STEERING_GROUP = "steering_group", _("Styregruppe")
        OPERATIONS_GROUP = "operations_group", _("Driftsgruppe")
        THEMATIC_GROUP = "thematic_group", _("Temagruppe")
        ADVISORY_GROUP = "advisory_group", _("Følgegruppe")

    BOARD_KINDS = (Kind.BOARD, Kind.POLITICAL_FOLLOWUP)
    GROUP_KINDS = (Kind.STEERING_GROUP, Kind.OPERATIONS_GROUP, Kind.THEMATIC_GROUP, Kind.ADVISORY_GROUP)

    plan = models.ForeignKey(Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    mandate = models.TextField(_("kommissorium"), blank=True)
    escalation_threshold = models.DecimalField(
        _("bagatelgrænse (kr.)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Under dette beløb træffer sekretariatet beslutning uden organet."),
    )
    sub_agreements = models.ManyToManyField(
        SubAgreement,
        verbose_name=_("delaftaler"),
        related_name="bodies",
        blank=True,
        help_text=_("De delaftaler en styregruppe er ansvarlig for."),
    )
    meetings_per_year = models.PositiveSmallIntegerField(_("møder om året"), default=4)
    quorum = models.PositiveSmallIntegerField(
        _("beslutningsdygtighed (antal)"),
        null=True,
        blank=True,
        help_text=_(
            "Så mange stemmeberettigede medlemmer (formand, næstformand, medlemmer) skal være til stede. "
            "Tom: et flertal af de stemmeberettigede."
        ),
    )
    history = HistoricalRecords(m2m_fields=[sub_agreements])

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organer")
        ordering = ["plan", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="body_unique_name_per_plan"),
            models.UniqueConstraint(fields=["plan"], condition=Q(kind="board"), name="body_one_board_per_plan"),
            models.CheckConstraint(
                condition=Q(escalation_threshold__isnull=True) | Q(escalation_threshold__gte=Decimal("0")),
                name="body_threshold_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_board(self) -> bool:
        return self.kind in self.BOARD_KINDS

    def quorum_for(self, voting_members: int) -> int:
        """How many voting members must be present: the configured number, else a majority."""
        return self.quorum if self.quorum else voting_members // 2 + 1

    def clean(self) -> None:
        if self.kind == self.Kind.BOARD and self.meetings_per_year < 2:
            raise ValidationError({"meetings_per_year": _("En bestyrelse mødes mindst to gange om året.")})

    def validate_sub_agreements(self, sub_agreements) -> None:
        """Only groups own delaftaler, and only delaftaler of their own plan."""
        if self.is_board and sub_agreements:
            raise ValidationError({"sub_agreements": _("En bestyrelse ejer ikke delaftaler.")})
        if any(sa.plan_id != self.plan_id for sa in sub_agreements):
            raise ValidationError({"sub_agreements": _("Delaftalerne skal høre til organets plan.")})


class BoardManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind__in=Body.BOARD_KINDS)


class SteeringGroupManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind__in=Body.GROUP_KINDS)


class Board(Body):
    """A bestyrelse (or politisk følgegruppe): the strategic body above the steering groups."""

    objects = BoardManager()

    class Meta:
        proxy = True
        verbose_name = _("bestyrelse")
        verbose_name_plural = _("bestyrelser")


class SteeringGroup(Body):
    """A styregruppe (or drifts-, tema- or følgegruppe) owning one or more delaftaler."""

    objects = SteeringGroupManager()

    class Meta:
        proxy = True
        verbose_name = _("styregruppe")
        verbose_name_plural = _("styregrupper")


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))


class Membership(models.Model):
    """A person's seat in a body, with role, the organisation represented and the term."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Formand")
        VICE_CHAIR = "vice_chair", _("Næstformand")
        MEMBER = "member", _("Medlem")
        OBSERVER = "observer", _("Observatør")
        SECRETARY = "secretary", _("Sekretær")

    ROLE_ORDER = [Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.OBSERVER, Role.SECRETARY]
    # Who counts towards the quorum: observers and the secretary attend without a vote.
    VOTING_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER)

    body = models.ForeignKey(Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("repræsenterer"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    leadership_level = models.BooleanField(
        _("på ledelsesniveau"),
        default=False,
        help_text=_(
            "Personen sidder som direktør, chef eller anden administrativ leder på højt niveau i den organisation, "
            "sædet repræsenterer. LBF kræver, at bestyrelsen har sådanne medlemmer fra kommunen og fra hver "
            "boligorganisation."
        ),
    )
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        ordering = ["body", "role", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_not_before_start",
            ),
            models.UniqueConstraint(fields=["body", "person", "start_date"], name="membership_unique_person_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} ({self.body})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Slutdatoen kan ikke ligge før startdatoen.")})
        if self.role == self.Role.CHAIR and self.body_id and self.start_date:
            overlapping_chair = (
                Membership.objects.filter(body_id=self.body_id, role=self.Role.CHAIR)
                .exclude(pk=self.pk)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
            )
            if self.end_date:
                overlapping_chair = overlapping_chair.filter(start_date__lte=self.end_date)
            if overlapping_chair.exists():
                raise ValidationError({"role": _("Organet har allerede en formand i perioden.")})
        if self.body_id and self.organisation_id:
            self.body.plan.check_party(self.organisation_id, "organisation", include_funders=True)
