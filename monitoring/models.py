"""Målstyring: goals, milestones, indicators, targets, measurements and LBF area statistics.

Status (on track / at risk / off track / no data) is derived in ``monitoring/status.py``; it is
stored on indicators and goals for speed (``status``, never typed in) and recomputed by the
services that change its inputs (``monitoring.services.statuses_refresh``). Goals, indicators, targets
and measurements keep their history; a change to a goal or a target carries a reason
(``monitoring/services.py``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.formatting import format_date
from common.jobs import Job
from common.periods import parse_period
from plans.models import CooperationAgreement, HousingArea, Intervention, Organisation, Plan, SubAgreement

from .status import STATUS_LABELS, Status

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in Status]
STATUS_HELP = _("Afledt af baseline, målværdier og godkendte målinger; genberegnes når de ændres.")

# Documented defaults for the status rule (docs/maalstyring.md): an indicator is on track when its
# actual progress is at least 90 % of the progress expected by now, at risk from 60 %, else off track.
DEFAULT_ON_TRACK_THRESHOLD = Decimal("0.90")
DEFAULT_AT_RISK_THRESHOLD = Decimal("0.60")


class Goal(models.Model):
    """A mål: a strategic goal of the samarbejdsaftale or a delmål of a delaftale.

    A delmål may contribute to one of the plan's strategic goals. ``kind`` says whether it is an
    activity, outcome or impact goal (seed 001: boards should steer on outcomes and impact).
    """

    class Level(models.TextChoices):
        STRATEGIC = "strategic", _("Strategisk mål")
        SUB = "sub", _("Delmål")

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Aktivitetsmål")
        OUTCOME = "outcome", _("Resultatmål")
        IMPACT = "impact", _("Effektmål")

    plan = models.ForeignKey(Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="goals")
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    cooperation_agreement = models.ForeignKey(
        CooperationAgreement,
        verbose_name=_("strategisk samarbejdsaftale"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goals",
        help_text=_("Den version af samarbejdsaftalen, et strategisk mål er fastsat i."),
    )
    sub_agreement = models.ForeignKey(
        SubAgreement,
        verbose_name=_("delaftale"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="goals",
    )
    contributes_to = models.ForeignKey(
        "self",
        verbose_name=_("bidrager til strategisk mål"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sub_goals",
        limit_choices_to={"level": "strategic"},
    )
    title = models.CharField(_("titel"), max_length=255)
    description = models.TextField(_("beskrivelse"), blank=True)
    kind = models.CharField(_("måltype"), max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    theory_of_change = models.TextField(
        _("forandringsteori"), blank=True, help_text=_("Hvorfor indsatserne skal flytte målet.")
    )
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=STATUS_CHOICES,
        default=Status.NO_DATA.value,
        editable=False,
        help_text=STATUS_HELP,
    )
    history = HistoricalRecords(excluded_fields=["status"])

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["plan", "level", "position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="strategic", sub_agreement__isnull=True, contributes_to__isnull=True)
                | Q(level="sub", sub_agreement__isnull=False, cooperation_agreement__isnull=True),
                name="goal_level_matches_parent",
            ),
            models.UniqueConstraint(fields=["plan", "title"], name="goal_unique_title_per_plan"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.level == self.Level.STRATEGIC:
            if self.sub_agreement_id:
                errors["sub_agreement"] = _("Et strategisk mål hører til samarbejdsaftalen, ikke en delaftale.")
            if self.contributes_to_id:
                errors["contributes_to"] = _("Kun delmål kan bidrage til et strategisk mål.")
            if self.cooperation_agreement_id and self.plan_id and self.cooperation_agreement.plan_id != self.plan_id:
                errors["cooperation_agreement"] = _("Samarbejdsaftalen hører til en anden plan.")
        elif self.level == self.Level.SUB:
            if not self.sub_agreement_id:
                errors["sub_agreement"] = _("Et delmål skal høre til en delaftale.")
            elif self.plan_id and self.sub_agreement.plan_id != self.plan_id:
                errors["sub_agreement"] = _("Delaftalen hører til en anden plan.")
            if self.cooperation_agreement_id:
                errors["cooperation_agreement"] = _("Et delmål hører til en delaftale, ikke samarbejdsaftalen.")
            if self.contributes_to_id:
                parent = self.contributes_to
                if parent.level != self.Level.STRATEGIC or parent.plan_id != self.plan_id:
                    errors["contributes_to"] = _("Vælg et strategisk mål i samme plan.")
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    """A milepæl: a dated step on the way to a goal."""

    goal = models.ForeignKey(Goal, verbose_name=_("mål"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("titel"), max_length=255)
    due_date = models.DateField(_("dato"))
    done = models.BooleanField(_("nået"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        ordering = ["goal", "due_date", "title"]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """An indikator: how a goal is measured – unit, direction, data source, frequency and baseline.

    Targets are ``Target`` rows; observed values are ``Measurement`` rows. An indicator whose
    source is LBF's boligsociale data takes its measurements from ``AreaStatistic`` via
    ``lbf_indicator_code``.
    """

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("Højere er bedre")
        LOWER_IS_BETTER = "lower", _("Lavere er bedre")

    class DataSource(models.TextChoices):
        LBF = "lbf", _("LBF boligsociale data")
        MUNICIPALITY = "municipality", _("Kommunens data")
        HOUSING_ORG = "housing_org", _("Boligorganisationens data")
        SURVEY = "survey", _("Egen undersøgelse")
        OTHER = "other", _("Andet")

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", _("Kvartalsvis")
        HALF_YEARLY = "half_yearly", _("Halvårligt")
        YEARLY = "yearly", _("Årligt")

    goal = models.ForeignKey(Goal, verbose_name=_("mål"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("navn"), max_length=255)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("enhed"), max_length=40, help_text=_("Fx %, antal, kr. eller karakter."))
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices)
    data_source = models.CharField(_("datakilde"), max_length=20, choices=DataSource.choices)
    frequency = models.CharField(_("hyppighed"), max_length=20, choices=Frequency.choices)
    baseline_value = models.DecimalField(_("baseline (værdi)"), max_digits=14, decimal_places=4)
    baseline_date = models.DateField(_("baseline (dato)"))
    breakdown_dimension = models.CharField(
        _("opdeling"), max_length=100, blank=True, help_text=_("Fx målgruppe, køn eller alder (valgfri).")
    )
    interventions = models.ManyToManyField(
        Intervention, verbose_name=_("indsatser"), related_name="indicators", blank=True
    )
    lbf_indicator_code = models.CharField(
        _("LBF-indikatorkode"), max_length=60, blank=True, help_text=_("Kræves når datakilden er LBF.")
    )
    on_track_threshold = models.DecimalField(
        _("grænse for “på rette vej”"),
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_ON_TRACK_THRESHOLD,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Andel af den forventede fremgang, der mindst skal være nået (standard 0,90)."),
    )
    at_risk_threshold = models.DecimalField(
        _("grænse for “i risiko”"),
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_AT_RISK_THRESHOLD,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Under denne andel af den forventede fremgang er indikatoren ude af kurs (standard 0,60)."),
    )
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=STATUS_CHOICES,
        default=Status.NO_DATA.value,
        editable=False,
        help_text=STATUS_HELP,
    )
    history = HistoricalRecords(m2m_fields=[interventions], excluded_fields=["status"])

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["goal", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "name"], name="indicator_unique_name_per_goal"),
            models.CheckConstraint(
                condition=Q(at_risk_threshold__lte=models.F("on_track_threshold")),
                name="indicator_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(data_source="lbf") | ~Q(lbf_indicator_code=""),
                name="indicator_lbf_has_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_lbf(self) -> bool:
        return self.data_source == self.DataSource.LBF

    @property
    def sign(self) -> int:
        """+1 when higher values are progress, -1 when lower values are (crime, unemployment)."""
        return 1 if self.direction == self.Direction.HIGHER_IS_BETTER else -1

    def clean(self) -> None:
        errors = {}
        if self.data_source == self.DataSource.LBF and not self.lbf_indicator_code.strip():
            errors["lbf_indicator_code"] = _("Angiv LBF's indikatorkode for en indikator med LBF-data.")
        if self.data_source != self.DataSource.LBF and self.lbf_indicator_code:
            errors["lbf_indicator_code"] = _("Kun indikatorer med LBF-data har en LBF-indikatorkode.")
        if (
            self.at_risk_threshold is not None
            and self.on_track_threshold is not None
            and self.at_risk_threshold > self.on_track_threshold
        ):
            errors["at_risk_threshold"] = _("Grænsen for “i risiko” må ikke være over grænsen for “på rette vej”.")
        if errors:
            raise ValidationError(errors)

    def validate_interventions(self, interventions) -> None:
        """An indicator follows only interventions of its own plan."""
        plan_id = self.goal.plan_id
        if any(intervention.sub_agreement.plan_id != plan_id for intervention in interventions):
            raise ValidationError({"interventions": _("Indsatserne skal høre til målets plan.")})


class Target(models.Model):
    """A succeskriterium: the value an indicator should reach by a date (one or more per indicator)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="targets"
    )
    value = models.DecimalField(_("målværdi"), max_digits=14, decimal_places=4)
    due_date = models.DateField(_("nås senest"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("målværdi")
        verbose_name_plural = _("målværdier")
        ordering = ["indicator", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "due_date"], name="target_unique_date_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({format_date(self.due_date)})"

    def clean(self) -> None:
        if self.indicator_id and self.due_date and self.due_date <= self.indicator.baseline_date:
            raise ValidationError({"due_date": _("Målværdien skal nås efter baselinedatoen.")})


class MeasurementQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Measurement.Status.APPROVED)

    def totals(self):
        """The measurements for the whole population (no breakdown value)."""
        return self.filter(breakdown_value="")


def future_period_error(label: str, start) -> str | None:
    """Measurements are for periods that have begun: the message for one that has not, else None."""
    if start <= timezone.localdate():
        return None
    return str(
        _("Perioden %(period)s er ikke begyndt endnu; der kan ikke registreres målinger for fremtiden.")
        % {"period": label}
    )


def measurement_rule_error(indicator, period: str, breakdown_value: str) -> ValidationError | None:
    """What ``Measurement.clean`` refuses about a row's period and breakdown, or ``None``.

    The period must parse, have begun, and match the indicator's frequency; a breakdown value
    needs an indicator with a breakdown. The answer depends only on (indicator, period, whether
    there is a breakdown), so a set-based path (``measurement_create_many``) asks once per distinct
    combination and gets exactly what ``clean`` would say for each row.
    """
    try:
        parsed = parse_period(period)
    except ValidationError as exc:
        return ValidationError({"period": exc.messages})
    problem = future_period_error(parsed.label, parsed.start)
    if problem:
        # Every row-by-row path (form, API, LBF sync) cleans the row; the set-based paths ask the
        # same function, so the rule holds everywhere.
        return ValidationError({"period": problem})
    if indicator is not None:
        if parsed.kind != indicator.frequency:
            return ValidationError(
                {
                    "period": _("Indikatoren måles %(frequency)s; perioden %(period)s passer ikke.")
                    % {
                        "frequency": Indicator.Frequency(indicator.frequency).label.lower(),
                        "period": parsed.label,
                    }
                }
            )
        if breakdown_value and not indicator.breakdown_dimension:
            return ValidationError({"breakdown_value": _("Indikatoren har ingen opdeling.")})
    return None


class Measurement(models.Model):
    """A måling: an indicator's value for one period, optionally for one breakdown value.

    Entered as a draft; someone else with the right to manage the plan approves it. Only approved
    measurements count in the status and charts.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        APPROVED = "approved", _("Godkendt")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="measurements"
    )
    period = models.CharField(_("periode"), max_length=10, help_text=_("Fx 2025-Q3, 2025-H1 eller 2025."))
    period_start = models.DateField(_("periodens start"), editable=False)
    period_end = models.DateField(_("periodens slut"), editable=False)
    value = models.DecimalField(_("værdi"), max_digits=14, decimal_places=4)
    breakdown_value = models.CharField(
        _("opdelingsværdi"), max_length=100, blank=True, default="", help_text=_("Tom for hele målgruppen.")
    )
    source_note = models.CharField(_("kilde"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("indtastet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkendt af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("godkendt"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["indicator", "period_start", "breakdown_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "breakdown_value"], name="measurement_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="measurement_period_ordered"
            ),
            # A report for a meeting counts what was approved by its data cut-off, so an approved
            # measurement always knows when it was approved.
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="measurement_approved_has_approved_at",
            ),
        ]
        indexes = [
            # Mit sekretariat: which indicators lack a whole-population value for the latest period
            # (a few thousand rows of one period, not a scan of every measurement in the country).
            models.Index(fields=["period"], condition=Q(breakdown_value=""), name="measurement_total_period"),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.breakdown_value})" if self.breakdown_value else ""
        return f"{self.indicator} {self.period}{suffix}: {self.value}"

    def save(self, *args, **kwargs):
        self.set_period()  # the dates always follow the period text
        if self.status == self.Status.APPROVED and self.approved_at is None:
            self.approved_at = timezone.now()
        super().save(*args, **kwargs)

    @classmethod
    def draft_row(cls, *, indicator_id, period, value, breakdown_value, source_note, entered_by_id) -> dict:
        """The column values of a new draft for a set-based write (``common.bulk_insert``), with the
        dates that ``save`` would derive from the parsed ``period`` (``common.periods.Period``)."""
        return {
            "indicator_id": indicator_id,
            "period": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "value": value,
            "breakdown_value": breakdown_value,
            "source_note": source_note,
            "entered_by_id": entered_by_id,
            "status": cls.Status.DRAFT,
        }

    def set_period(self) -> None:
        """Normalise ``period`` and fill ``period_start``/``period_end`` (raises ``ValidationError``)."""
        parsed = parse_period(self.period)
        self.period, self.period_start, self.period_end = parsed.label, parsed.start, parsed.end

    def clean(self) -> None:
        error = measurement_rule_error(self.indicator if self.indicator_id else None, self.period, self.breakdown_value)
        if error is not None:
            raise error
        self.set_period()
        if self.status == self.Status.APPROVED and self.approved_by_id and self.approved_by_id == (self.entered_by_id):
            raise ValidationError(_("Man kan ikke godkende sin egen måling."))


class AreaStatistic(models.Model):
    """One figure of LBF's boligsociale data: an indicator code for an area, a kommune or the country."""

    class Scope(models.TextChoices):
        AREA = "area", _("Boligområde")
        MUNICIPALITY = "municipality", _("Kommune")
        COUNTRY = "country", _("Hele landet")

    scope = models.CharField(_("niveau"), max_length=20, choices=Scope.choices)
    area = models.ForeignKey(
        HousingArea,
        verbose_name=_("boligområde"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="statistics",
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="area_statistics",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    indicator_code = models.CharField(_("indikatorkode"), max_length=60)
    period = models.CharField(_("periode"), max_length=10)
    period_start = models.DateField(_("periodens start"), editable=False)
    period_end = models.DateField(_("periodens slut"), editable=False)
    value = models.DecimalField(_("værdi"), max_digits=14, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("områdestatistik")
        verbose_name_plural = _("områdestatistik")
        ordering = ["indicator_code", "period_start", "scope"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="area", area__isnull=False, municipality__isnull=True)
                | Q(scope="municipality", area__isnull=True, municipality__isnull=False)
                | Q(scope="country", area__isnull=True, municipality__isnull=True),
                name="area_statistic_scope_matches",
            ),
            models.UniqueConstraint(
                fields=["scope", "area", "municipality", "indicator_code", "period"],
                name="area_statistic_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        where = self.area or self.municipality or _("Hele landet")
        return f"{self.indicator_code} {where} {self.period}: {self.value}"

    def save(self, *args, **kwargs):
        if self.period:
            parsed = parse_period(self.period)
            self.period, self.period_start, self.period_end = parsed.label, parsed.start, parsed.end
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            parsed = parse_period(self.period)
        except ValidationError as exc:
            raise ValidationError({"period": exc.messages}) from None
        self.period, self.period_start, self.period_end = parsed.label, parsed.start, parsed.end
        if self.scope == self.Scope.AREA and not self.area_id:
            raise ValidationError({"area": _("Vælg et boligområde.")})
        if self.scope == self.Scope.MUNICIPALITY and not self.municipality_id:
            raise ValidationError({"municipality": _("Vælg en kommune.")})


# --- The LBF year: yearly obligations and the målopfyldelsesskema (issue #14, item 2) -------------


class ObligationKind(models.TextChoices):
    """LBF's yearly obligations of a helhedsplan (seed 001; docs/lbf-year.md has the defaults and sources)."""

    SELF_EVALUATION = "self_evaluation", _("Selvevaluering")
    GOAL_ATTAINMENT = "goal_attainment", _("Målopfyldelsesskema")
    ACCOUNTS = "accounts", _("Reguleringskontoopgørelse (regnskab)")
    MIDTERM_EVALUATION = "midterm_evaluation", _("Midtvejsevaluering")
    DATA_UPDATE = "data_update", _("Opdatering af LBF's boligsociale data")


class ObligationDeadline(models.Model):
    """A plan's own deadline for one kind of obligation, overriding the portal's default (LBF's rules
    change; the secretariat enters the date LBF has given it, with the source)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="obligation_deadlines"
    )
    kind = models.CharField(_("forpligtelse"), max_length=30, choices=ObligationKind.choices)
    sequence = models.PositiveSmallIntegerField(
        _("nummer i året"), default=1, help_text=_("1 eller 2 for de to årlige dataopdateringer, ellers 1.")
    )
    month = models.PositiveSmallIntegerField(_("måned"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField(_("dag"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    years_after = models.PositiveSmallIntegerField(
        _("år efter"),
        default=1,
        validators=[MaxValueValidator(2)],
        help_text=_("0: fristen ligger i det år, forpligtelsen gælder; 1: i året efter."),
    )
    source = models.CharField(_("kilde"), max_length=255, help_text=_("Fx LBF's brev af 1. februar 2026."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("frist for forpligtelse")
        verbose_name_plural = _("frister for forpligtelser")
        ordering = ["plan", "kind", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "sequence"], name="obligation_deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_kind_display()} {self.day}/{self.month} (+{self.years_after})"

    def clean(self) -> None:
        import calendar

        if self.month and self.day and self.day > calendar.monthrange(2024, self.month)[1]:
            raise ValidationError({"day": _("Måneden har ikke så mange dage.")})


class Obligation(models.Model):
    """One yearly obligation of a plan towards LBF: what, for which year, due when, who is
    responsible, and its state. Generated from the plan's period (``monitoring.obligations``)."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Ikke påbegyndt")
        IN_PROGRESS = "in_progress", _("I gang")
        SUBMITTED = "submitted", _("Indsendt")

    Kind = ObligationKind

    plan = models.ForeignKey(Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("forpligtelse"), max_length=30, choices=ObligationKind.choices)
    year = models.PositiveSmallIntegerField(_("år"), help_text=_("Det år forpligtelsen gælder."))
    sequence = models.PositiveSmallIntegerField(_("nummer i året"), default=1)
    due_date = models.DateField(_("frist"))
    responsible = models.ForeignKey(
        "plans.Person",
        verbose_name=_("ansvarlig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="obligations",
    )
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.NOT_STARTED)
    submitted_on = models.DateField(_("indsendt den"), null=True, blank=True)
    file = models.FileField(_("fil"), upload_to="obligations/%Y/", blank=True)
    file_name = models.CharField(_("filnavn"), max_length=255, blank=True)
    file_content_type = models.CharField(_("filtype"), max_length=120, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("forpligtelse over for LBF")
        verbose_name_plural = _("forpligtelser over for LBF")
        ordering = ["plan", "due_date", "kind", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "year", "sequence"], name="obligation_unique_per_year"),
            models.CheckConstraint(
                condition=~Q(state="submitted") | Q(submitted_on__isnull=False), name="obligation_submitted_has_date"
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.sequence})" if self.kind == ObligationKind.DATA_UPDATE else ""
        return f"{self.get_kind_display()} {self.year}{suffix}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED

    def is_overdue(self, today) -> bool:
        return not self.is_submitted and self.due_date < today

    def clean(self) -> None:
        if self.state == self.State.SUBMITTED and not self.submitted_on:
            raise ValidationError({"submitted_on": _("Angiv hvornår forpligtelsen blev indsendt.")})
        if self.state != self.State.SUBMITTED and self.submitted_on:
            raise ValidationError({"submitted_on": _("Kun en indsendt forpligtelse har en indsendelsesdato.")})


class ObligationReminder(models.Model):
    """A reminder e-mail sent about an obligation, so each stage (30 and 7 days before) goes out once per recipient."""

    obligation = models.ForeignKey(
        Obligation, verbose_name=_("forpligtelse"), on_delete=models.CASCADE, related_name="reminders"
    )
    email = models.EmailField(_("e-mail"))
    days_before = models.PositiveSmallIntegerField(_("dage før fristen"))
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        verbose_name = _("påmindelse om forpligtelse")
        verbose_name_plural = _("påmindelser om forpligtelser")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "email", "days_before"], name="obligation_reminder_once_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} → {self.email} ({self.days_before} dage)"


class GoalAttainmentReport(models.Model):
    """The målopfyldelsesskema of a plan for a year. Until it is submitted its figures are read
    live from the approved measurements (``monitoring.goal_attainment``); only the board's comments
    are stored. Submitting freezes the rows (``snapshot``), the PDF and its SHA-256."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        SUBMITTED = "submitted", _("Indsendt")

    plan = models.ForeignKey(
        Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="goal_attainment_reports"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    comments = models.JSONField(_("bestyrelsens kommentarer"), default=dict, blank=True)
    note = models.TextField(_("samlet kommentar"), blank=True)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_on = models.DateField(_("indsendt den"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("indsendt af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.JSONField(_("frosne rækker"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to="goal-attainment/%Y/", blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256 af PDF"), max_length=64, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        verbose_name = _("målopfyldelsesskema")
        verbose_name_plural = _("målopfyldelsesskemaer")
        ordering = ["plan", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="goal_attainment_unique_per_year"),
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(submitted_on__isnull=False) & ~Q(sha256="")),
                name="goal_attainment_submitted_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {_('målopfyldelsesskema')} {self.year}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


class ImportJob(Job):
    """A confirmed measurement import run as a background job (issue 12: a 100,000-row file must not
    hold a web request): the previewed file, what the user chose, progress and the result."""

    plan = models.ForeignKey(Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="import_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("indlæst af"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("fil"), max_length=255, help_text=_("Den forhåndsviste fil, som jobbet gemmer."))
    original_name = models.CharField(_("filnavn"), max_length=255, blank=True)
    replace_approved = models.BooleanField(_("erstat godkendte værdier"), default=False)
    reason = models.CharField(_("begrundelse"), max_length=200, blank=True)
    rows_total = models.PositiveIntegerField(_("rækker i alt"), default=0)
    created_count = models.PositiveIntegerField(_("nye"), default=0)
    updated_count = models.PositiveIntegerField(_("ændrede"), default=0)
    unchanged_count = models.PositiveIntegerField(_("uændrede"), default=0)
    replaced_count = models.PositiveIntegerField(_("erstattede godkendte"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indlæsning af målinger")
        verbose_name_plural = _("indlæsninger af målinger")
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"{self.plan} – {self.original_name or self.file_name} ({self.get_state_display()})"
