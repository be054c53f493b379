"""Who and what: organisations, areas, secretariats, plans, agreements, interventions, commitments.

This is the bottom app: it imports no other app of ours. The access rule that every view, API
endpoint and task starts from lives beside these models in ``plans/access.py``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.formatting import format_date

# LBF's rule (seed 002): LBF pays at most 75 %, at least 25 % of a plan's budget is local.
REQUIRED_LOCAL_SHARE = Decimal("0.25")


def local_share(local: Decimal, total: Decimal) -> Decimal | None:
    """The local share of a budget (None when nothing is committed)."""
    return (local / total) if total else None


def meets_local_share(share: Decimal | None) -> bool | None:
    """Whether a local share honours LBF's rule (None when there is no share to judge)."""
    return None if share is None else share >= REQUIRED_LOCAL_SHARE


class Organisation(models.Model):
    """A party: kommune, forvaltning (department of a kommune), boligorganisation, LBF or a partner."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommune")
        DEPARTMENT = "department", _("Forvaltning")
        HOUSING_ORG = "housing_org", _("Boligorganisation")
        FUNDER = "funder", _("Fond (LBF)")
        PARTNER = "partner", _("Samarbejdspartner")

    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("Den kommune en forvaltning hører til."),
    )
    code = models.CharField(
        _("kode"), max_length=20, blank=True, help_text=_("Kommunenummer, CVR-nummer eller lignende.")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_kind_name"),
            models.CheckConstraint(
                condition=Q(kind="department", parent__isnull=False) | ~Q(kind="department"),
                name="organisation_department_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.DEPARTMENT:
            if self.parent is None or self.parent.kind != self.Kind.MUNICIPALITY:
                raise ValidationError({"parent": _("En forvaltning skal høre til en kommune.")})
        elif self.parent_id is not None:
            raise ValidationError({"parent": _("Kun forvaltninger har en overordnet kommune.")})

    @property
    def municipality(self) -> "Organisation | None":
        """The kommune this organisation is or belongs to (None for non-municipal parties)."""
        if self.kind == self.Kind.MUNICIPALITY:
            return self
        if self.kind == self.Kind.DEPARTMENT:
            return self.parent
        return None


class HousingArea(models.Model):
    """A boligområde: the geographic area a plan covers. ``code`` matches LBF's area statistics."""

    name = models.CharField(_("navn"), max_length=200)
    code = models.CharField(_("områdekode"), max_length=30, unique=True)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="housing_areas",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    residents = models.PositiveIntegerField(_("antal beboere"), null=True, blank=True)

    class Meta:
        verbose_name = _("boligområde")
        verbose_name_plural = _("boligområder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.municipality_id and self.municipality.kind != Organisation.Kind.MUNICIPALITY:
            raise ValidationError({"municipality": _("Vælg en kommune.")})


class HousingDepartment(models.Model):
    """An afdeling: an estate unit of a boligorganisation inside a housing area."""

    name = models.CharField(_("navn"), max_length=200)
    number = models.CharField(_("afdelingsnummer"), max_length=20)
    housing_org = models.ForeignKey(
        Organisation,
        verbose_name=_("boligorganisation"),
        on_delete=models.PROTECT,
        related_name="housing_departments",
        limit_choices_to={"kind": Organisation.Kind.HOUSING_ORG},
    )
    area = models.ForeignKey(
        HousingArea, verbose_name=_("boligområde"), on_delete=models.PROTECT, related_name="departments"
    )
    homes = models.PositiveIntegerField(_("antal boliger"), null=True, blank=True)

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelinger")
        ordering = ["housing_org__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["housing_org", "number"], name="department_unique_number_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def clean(self) -> None:
        if self.housing_org_id and self.housing_org.kind != Organisation.Kind.HOUSING_ORG:
            raise ValidationError({"housing_org": _("Vælg en boligorganisation.")})


class Secretariat(models.Model):
    """An områdesekretariat: the staff unit that serves one or several plans' boards and groups."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="secretariats",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sekretariat")
        verbose_name_plural = _("sekretariater")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FundingPeriod(models.TextChoices):
    """LBF's funding periods (landsbyggefondens puljer); thematic areas are defined per period."""

    P2015_2018 = "2015-2018", _("2015–2018")
    P2019_2026 = "2019-2026", _("2019–2026")


class ThematicArea(models.Model):
    """An indsatsområde from LBF's catalogue for a funding period."""

    funding_period = models.CharField(_("bevillingsperiode"), max_length=9, choices=FundingPeriod.choices)
    name = models.CharField(_("navn"), max_length=200)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("indsatsområde")
        verbose_name_plural = _("indsatsområder")
        ordering = ["-funding_period", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["funding_period", "name"], name="thematic_area_unique_per_period")
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A named person who sits in bodies or is responsible for something; may or may not log in."""

    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("stilling"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanQuerySet(models.QuerySet):
    def with_overview(self):
        """What the plan list needs, in a fixed number of queries."""
        return self.select_related("municipality", "secretariat").prefetch_related("housing_organisations", "areas")


class Plan(models.Model):
    """A boligsocial helhedsplan: the funded programme for one or more housing areas."""

    class Phase(models.TextChoices):
        PREQUALIFICATION = "prequalification", _("Prækvalifikation")
        DRAFTING = "drafting", _("Udarbejdelse")
        ACTIVE = "active", _("Aktiv")
        CLOSED = "closed", _("Afsluttet")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="municipal_plans",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    housing_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("boligorganisationer"),
        related_name="housing_plans",
        limit_choices_to={"kind": Organisation.Kind.HOUSING_ORG},
    )
    areas = models.ManyToManyField(HousingArea, verbose_name=_("boligområder"), related_name="plans")
    secretariat = models.ForeignKey(
        Secretariat, verbose_name=_("sekretariat"), on_delete=models.PROTECT, related_name="plans"
    )
    funding_period = models.CharField(_("bevillingsperiode"), max_length=9, choices=FundingPeriod.choices)
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("slutdato"))
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.DRAFTING)
    lbf_case_number = models.CharField(_("LBF-sagsnummer"), max_length=40, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("helhedsplan")
        verbose_name_plural = _("helhedsplaner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="plan_end_after_start")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("Slutdatoen skal ligge efter startdatoen.")})
        if self.municipality_id and self.municipality.kind != Organisation.Kind.MUNICIPALITY:
            raise ValidationError({"municipality": _("Vælg en kommune.")})
        if self.secretariat_id and self.municipality_id and (self.secretariat.municipality_id != self.municipality_id):
            raise ValidationError({"secretariat": _("Sekretariatet skal høre til planens kommune.")})

    @property
    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))

    def parties(self, *, include_funders: bool = False) -> models.QuerySet[Organisation]:
        """The organisations that are party to this plan: its kommune and the kommune's forvaltninger,
        its boligorganisationer, and the parties named in its delaftaler (e.g. a local association
        responsible for an indsats). With ``include_funders``, also the funders (LBF), whose grant is
        recorded as a commitment and who may sit in its bodies. Organisations of other kommuner are
        never parties."""
        condition = (
            Q(pk=self.municipality_id)
            | Q(kind=Organisation.Kind.DEPARTMENT, parent_id=self.municipality_id)
            | Q(pk__in=self.housing_organisations.values("pk"))
            | Q(pk__in=SubAgreement.parties.through.objects.filter(subagreement__plan=self).values("organisation"))
        )
        if include_funders:
            condition |= Q(kind=Organisation.Kind.FUNDER)
        return Organisation.objects.filter(condition)

    def party_ids(self, *, include_funders: bool = False) -> frozenset[int]:
        """``parties()`` as ids, loaded once per plan instance (validating many rows stays one query)."""
        cache = self.__dict__.setdefault("_party_ids", {})
        if include_funders not in cache:
            ids = self.parties(include_funders=include_funders).values_list("pk", flat=True)
            cache[include_funders] = frozenset(ids)
        return cache[include_funders]

    def check_party(self, organisation_id: int | None, field: str, *, include_funders: bool = False) -> None:
        """Raise a ``ValidationError`` on ``field`` unless the organisation is a party of this plan."""
        if organisation_id is not None and organisation_id not in self.party_ids(include_funders=include_funders):
            raise ValidationError({field: not_a_party_message(self)})


def not_a_party_message(plan: "Plan") -> str:
    return _(
        "Organisationen er ikke part i helhedsplanen «%(plan)s». Vælg planens kommune eller en af dens "
        "forvaltninger, en af planens boligorganisationer eller en part i en af planens delaftaler."
    ) % {"plan": plan}


class CooperationAgreement(models.Model):
    """The strategisk samarbejdsaftale: the plan's strategic agreement, versioned.

    A change to an approved agreement is a new version (domain rule 6); the board approves it,
    then LBF.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Udkast")
        APPROVED_BY_BOARD = "approved_by_board", _("Godkendt af bestyrelsen")
        APPROVED_BY_LBF = "approved_by_lbf", _("Godkendt af LBF")

    # The only transitions allowed; anything else is refused by `clean`.
    TRANSITIONS = {
        Status.DRAFT: {Status.DRAFT, Status.APPROVED_BY_BOARD},
        Status.APPROVED_BY_BOARD: {Status.APPROVED_BY_BOARD, Status.APPROVED_BY_LBF},
        Status.APPROVED_BY_LBF: {Status.APPROVED_BY_LBF},
    }

    plan = models.ForeignKey(
        Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="cooperation_agreements"
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titel"), max_length=200)
    vision = models.TextField(_("vision og overordnede mål"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_by_board_on = models.DateField(_("godkendt af bestyrelsen den"), null=True, blank=True)
    approved_by_lbf_on = models.DateField(_("godkendt af LBF den"), null=True, blank=True)
    change_reason = models.TextField(_("begrundelse for ændring"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategisk samarbejdsaftale")
        verbose_name_plural = _("strategiske samarbejdsaftaler")
        ordering = ["plan", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="agreement_unique_version_per_plan")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def clean(self) -> None:
        if self.pk:
            previous = CooperationAgreement.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if previous and self.status not in self.TRANSITIONS[previous]:
                raise ValidationError(
                    {
                        "status": _("Status kan ikke gå fra %(old)s til %(new)s.")
                        % {"old": self.Status(previous).label, "new": self.Status(self.status).label}
                    }
                )
        if self.status in {self.Status.APPROVED_BY_BOARD, self.Status.APPROVED_BY_LBF} and not (
            self.approved_by_board_on
        ):
            raise ValidationError({"approved_by_board_on": _("Angiv datoen for bestyrelsens godkendelse.")})
        if self.status == self.Status.APPROVED_BY_LBF and not self.approved_by_lbf_on:
            raise ValidationError({"approved_by_lbf_on": _("Angiv datoen for LBF's godkendelse.")})
        if self.version and self.version > 1 and not self.change_reason.strip():
            raise ValidationError({"change_reason": _("En ny version skal have en begrundelse.")})


class SubAgreement(models.Model):
    """A delaftale for one indsatsområde: its delmål (in monitoring), indsatser and parties."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="sub_agreements"
    )
    thematic_area = models.ForeignKey(
        ThematicArea, verbose_name=_("indsatsområde"), on_delete=models.PROTECT, related_name="sub_agreements"
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    parties = models.ManyToManyField(Organisation, verbose_name=_("parter"), related_name="sub_agreements", blank=True)
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        verbose_name = _("delaftale")
        verbose_name_plural = _("delaftaler")
        ordering = ["plan", "thematic_area__position", "title"]
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="sub_agreement_unique_title_per_plan")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.plan_id and self.thematic_area_id and (self.thematic_area.funding_period != self.plan.funding_period):
            raise ValidationError({"thematic_area": _("Indsatsområdet hører ikke til planens bevillingsperiode.")})


class Intervention(models.Model):
    """An indsats: a concrete activity under a delaftale with a responsible partner."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        RUNNING = "running", _("I gang")
        COMPLETED = "completed", _("Afsluttet")
        STOPPED = "stopped", _("Stoppet")

    sub_agreement = models.ForeignKey(
        SubAgreement, verbose_name=_("delaftale"), on_delete=models.CASCADE, related_name="interventions"
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    responsible_partner = models.ForeignKey(
        Organisation,
        verbose_name=_("ansvarlig partner"),
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("samarbejdspartnere"),
        related_name="partner_interventions",
        blank=True,
        help_text=_("De øvrige parter, der bidrager til indsatsen (ud over den ansvarlige partner)."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget for perioden (kr.)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Indsatsens samlede budget i helhedsplanens periode, alle finansieringskilder."),
    )
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta:
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        ordering = ["sub_agreement", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sub_agreement", "name"], name="intervention_unique_name_per_sub_agreement"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="intervention_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Slutdatoen kan ikke ligge før startdatoen.")})
        if self.sub_agreement_id and self.responsible_partner_id:
            self.sub_agreement.plan.check_party(self.responsible_partner_id, "responsible_partner")
        if self.budget is not None and self.budget < 0:
            raise ValidationError({"budget": _("Budgettet kan ikke være negativt.")})

    def validate_partners(self, partners) -> None:
        """Samarbejdspartnere must be parties of the indsats' plan (``Plan.parties``), like the responsible partner."""
        for partner in partners:
            self.sub_agreement.plan.check_party(partner.pk, "partners")


# Hours in one full-time equivalent (årsværk): 37 hours × 52 weeks, the figure Danish public
# budgets use to turn FTE into hours (docs/lbf-year.md).
HOURS_PER_FTE = Decimal("1924")


class CommitmentQuerySet(models.QuerySet):
    def confirmed(self):
        """Commitments the paying party has agreed to (proposals by the secretariat not yet confirmed are left out)."""
        return self.filter(status=Commitment.Status.CONFIRMED)

    def proposed(self):
        return self.filter(status=Commitment.Status.PROPOSED)


class Commitment(models.Model):
    """Medfinansiering: what a party commits to a plan for a year, in kroner and/or hours.

    ``amount`` is the value in kr.; for staff and hours it is the valued contribution (hours ×
    rate when no amount is given), so every form counts towards the local share. LBF's own grant
    is a commitment by the funder. The commitment is kept by the party that pays (seed 002): a
    kommune's and its forvaltningers' by the kommunal koordinator, a boligorganisation's by its
    staff; a sekretariatsleder may *propose* one, which the party then confirms. What was
    delivered is recorded as ``CommitmentDelivery`` rows; ``delivered_amount``/``delivered_hours``
    are their sums, kept up to date by ``plans.services`` (stored so reports aggregate in SQL).
    """

    class Form(models.TextChoices):
        CASH = "cash", _("Kontant overførsel")
        STAFF_IN_ACTIVITIES = "staff_in_activities", _("Medarbejdere i aktiviteter")
        OUTPOSTED_SERVICE = "outposted_service", _("Udstationeret kommunal service")
        MEETING_HOURS = "meeting_hours", _("Mødetimer")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslået (afventer partens bekræftelse)")
        CONFIRMED = "confirmed", _("Bekræftet")

    STAFF_FORMS = frozenset({Form.STAFF_IN_ACTIVITIES, Form.OUTPOSTED_SERVICE, Form.MEETING_HOURS})

    party = models.ForeignKey(
        Organisation, verbose_name=_("part"), on_delete=models.PROTECT, related_name="commitments"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="commitments")
    sub_agreement = models.ForeignKey(
        SubAgreement,
        verbose_name=_("delaftale"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    amount = models.DecimalField(_("beløb (kr.)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    hours = models.DecimalField(_("timer"), max_digits=10, decimal_places=1, null=True, blank=True)
    fte = models.DecimalField(
        _("årsværk"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Medarbejderressourcer som årsværk (1 årsværk = 1.924 timer)."),
    )
    hourly_rate = models.DecimalField(
        _("timesats (kr.)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Værdien af en medarbejdertime; beløbet beregnes som timer × timesats, hvis det ikke er angivet."),
    )
    delivered_amount = models.DecimalField(
        _("leveret beløb (kr.)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    delivered_hours = models.DecimalField(
        _("leverede timer"), max_digits=10, decimal_places=1, null=True, blank=True, editable=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("foreslået af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("medfinansiering")
        verbose_name_plural = _("medfinansieringer")
        ordering = ["plan", "year", "party__name", "form"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="commitment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="commitment_hours_not_negative"
            ),
            models.CheckConstraint(condition=Q(fte__isnull=True) | Q(fte__gte=0), name="commitment_fte_not_negative"),
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gte=0), name="commitment_rate_not_negative"
            ),
            models.UniqueConstraint(
                fields=["party", "plan", "year", "form", "sub_agreement"],
                name="commitment_unique_party_plan_year_form_sub",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} → {self.plan} {self.year}: {self.get_form_display()}"

    @property
    def is_local(self) -> bool:
        return self.party.kind != Organisation.Kind.FUNDER

    @property
    def is_staff_form(self) -> bool:
        return self.form in self.STAFF_FORMS

    @property
    def is_proposal(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def delivered(self) -> Decimal:
        return self.delivered_amount or Decimal("0")

    @property
    def shortfall(self) -> Decimal:
        """Committed minus delivered (never negative: more than promised is no shortfall)."""
        return max(self.amount - self.delivered, Decimal("0"))

    def clean(self) -> None:
        if self.form and not self.is_staff_form and (self.hours or self.fte or self.hourly_rate):
            raise ValidationError(
                _("Timer, årsværk og timesats hører til medarbejderressourcer, ikke til en kontant overførsel.")
            )
        if self.fte and not self.hours:
            self.hours = (self.fte * HOURS_PER_FTE).quantize(Decimal("0.1"))
        if not self.amount and self.hours and self.hourly_rate:
            self.amount = (self.hours * self.hourly_rate).quantize(Decimal("0.01"))
        if not self.amount and not self.hours:
            raise ValidationError(_("Angiv et beløb, et antal timer eller begge."))
        if self.plan_id and self.year and not (self.plan.start_date.year <= self.year <= self.plan.end_date.year):
            raise ValidationError({"year": _("Året ligger uden for planens periode.")})
        if self.sub_agreement_id and self.plan_id and self.sub_agreement.plan_id != self.plan_id:
            raise ValidationError({"sub_agreement": _("Delaftalen hører til en anden plan.")})
        if self.plan_id and self.party_id:
            self.plan.check_party(self.party_id, "party", include_funders=True)


class CommitmentDelivery(models.Model):
    """A levering: what a party actually delivered against a commitment, on a date (kr. and/or hours)."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("medfinansiering"), on_delete=models.CASCADE, related_name="deliveries"
    )
    date = models.DateField(_("dato"))
    amount = models.DecimalField(_("beløb (kr.)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    hours = models.DecimalField(_("timer"), max_digits=10, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("levering")
        verbose_name_plural = _("leveringer")
        ordering = ["commitment", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="delivery_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="delivery_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.amount} kr. ({format_date(self.date)})"

    def clean(self) -> None:
        if not self.amount and not self.hours:
            raise ValidationError(_("Angiv et beløb, et antal timer eller begge."))
        if self.commitment_id:
            commitment = self.commitment
            if commitment.is_proposal:
                raise ValidationError(_("Et forslag skal bekræftes af parten, før der kan registreres leveringer."))
            if self.hours and not commitment.is_staff_form:
                raise ValidationError({"hours": _("En kontant overførsel leveres i kr., ikke i timer.")})
            if self.date and self.date < commitment.plan.start_date:
                raise ValidationError({"date": _("Datoen ligger før planens start.")})
        if self.date and self.date > timezone.localdate():
            raise ValidationError(
                {"date": _("En levering registreres, når den har fundet sted; datoen ligger i fremtiden.")}
            )


class Role(models.TextChoices):
    SECRETARIAT_LEAD = "secretariat_lead", _("Sekretariatsleder")
    SECRETARIAT_STAFF = "secretariat_staff", _("Sekretariatsmedarbejder")
    MUNICIPAL_COORDINATOR = "municipal_coordinator", _("Kommunal koordinator")
    BOARD_MEMBER = "board_member", _("Bestyrelsesmedlem")
    STEERING_GROUP_MEMBER = "steering_group_member", _("Styregruppemedlem")
    HOUSING_ORG_STAFF = "housing_org_staff", _("Medarbejder i boligorganisation")


# Which scope field each role is held on. One role assignment names exactly that scope.
ROLE_SCOPE = {
    Role.SECRETARIAT_LEAD: "secretariat",
    Role.SECRETARIAT_STAFF: "secretariat",
    Role.MUNICIPAL_COORDINATOR: "organisation",
    Role.BOARD_MEMBER: "plan",
    Role.STEERING_GROUP_MEMBER: "sub_agreement",
    Role.HOUSING_ORG_STAFF: "organisation",
}
SCOPE_FIELDS = ("organisation", "secretariat", "plan", "sub_agreement")


class RoleAssignment(models.Model):
    """A user's role on one scope: a kommune, a boligorganisation, a secretariat, a plan or a delaftale."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.CASCADE
    )
    secretariat = models.ForeignKey(
        Secretariat, verbose_name=_("sekretariat"), null=True, blank=True, on_delete=models.CASCADE
    )
    plan = models.ForeignKey(Plan, verbose_name=_("helhedsplan"), null=True, blank=True, on_delete=models.CASCADE)
    sub_agreement = models.ForeignKey(
        SubAgreement, verbose_name=_("delaftale"), null=True, blank=True, on_delete=models.CASCADE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rolletildeling")
        verbose_name_plural = _("rolletildelinger")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["secretariat_lead", "secretariat_staff"],
                        secretariat__isnull=False,
                        organisation__isnull=True,
                        plan__isnull=True,
                        sub_agreement__isnull=True,
                    )
                    | Q(
                        role__in=["municipal_coordinator", "housing_org_staff"],
                        organisation__isnull=False,
                        secretariat__isnull=True,
                        plan__isnull=True,
                        sub_agreement__isnull=True,
                    )
                    | Q(
                        role="board_member",
                        plan__isnull=False,
                        organisation__isnull=True,
                        secretariat__isnull=True,
                        sub_agreement__isnull=True,
                    )
                    | Q(
                        role="steering_group_member",
                        sub_agreement__isnull=False,
                        organisation__isnull=True,
                        secretariat__isnull=True,
                        plan__isnull=True,
                    )
                ),
                name="role_assignment_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "secretariat", "plan", "sub_agreement"],
                name="role_assignment_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}: {self.scope}"

    @property
    def scope(self):
        return getattr(self, ROLE_SCOPE[Role(self.role)], None) if self.role else None

    def clean(self) -> None:
        if not self.role:
            return
        wanted = ROLE_SCOPE[Role(self.role)]
        errors = {}
        for field in SCOPE_FIELDS:
            has_value = getattr(self, f"{field}_id") is not None
            if field == wanted and not has_value:
                errors[field] = _("Rollen %(role)s kræver dette felt.") % {"role": self.get_role_display()}
            elif field != wanted and has_value:
                errors[field] = _("Skal være tomt for rollen %(role)s.") % {"role": self.get_role_display()}
        if errors:
            raise ValidationError(errors)
        expected_kind = {
            Role.MUNICIPAL_COORDINATOR: Organisation.Kind.MUNICIPALITY,
            Role.HOUSING_ORG_STAFF: Organisation.Kind.HOUSING_ORG,
        }.get(Role(self.role))
        if expected_kind and self.organisation.kind != expected_kind:
            raise ValidationError(
                {
                    "organisation": _("Organisationen skal være af typen %(kind)s.")
                    % {"kind": Organisation.Kind(expected_kind).label}
                }
            )
