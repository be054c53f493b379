"""REST API for målstyring: goals, indicators (with targets and derived status), measurements, area statistics.

Who may do what (the same rule as the web pages, ``plans.access``):
- Goals and indicators are read-only here; a user sees the strategic goals of the plans they may
  see and the delmål of the delaftaler they may see (a styregruppemedlem: their group's).
- Measurements are read by everyone who sees the indicator. ``POST`` (one object or a list, all or
  nothing) creates *drafts* through ``monitoring.services``, entered by the token's user; it needs
  ``Action.CHANGE`` on measurements of the indicator (sekretariat, the styregruppe on its delmål,
  boligorganisation staff of plans their organisation is party to). ``PUT``/``PATCH`` change a
  draft with the same right; an approved measurement cannot be changed (403). LBF indicators get
  their measurements from the area statistics, never from the API (400).
- Area statistics (read-only): the areas and kommuner of the plans the user may see, and the
  figures for the whole country, which every authenticated user may read.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from common.periods import parse_period
from plans import access
from plans.api_lean import LeanListMixin
from plans.api_support import (
    BulkCreateMixin,
    IntegerFilter,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceUpdateModelMixin,
    bulk_create_request,
    text_filter,
)
from plans.converters import DATABASE_ID_REGEX
from plans.models import Intervention

from .models import AreaStatistic, Goal, Indicator, Measurement, Target
from .services import measurement_create, measurement_create_many, measurement_update
from .status import STATUS_LABELS, Status

# --- filters ------------------------------------------------------------------------------------


class PeriodBoundField(forms.Field):
    """An ISO date (``2025-04-01``) or a period (``2025-Q2``, ``2025-H1``, ``2025``) as a date bound."""

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else ""
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
        try:
            period = parse_period(value)
        except DjangoValidationError:
            raise forms.ValidationError(
                _("Angiv en dato (ÅÅÅÅ-MM-DD) eller en periode (fx 2025-Q3, 2025-H1 eller 2025).")
            ) from None
        return period.end if self.end else period.start


# The periods ``parse_period`` accepts: a year 1900–2100, optionally with a quarter or half year.
PERIOD_PATTERN = r"^(?:19\d\d|20\d\d|2100)(?:-(?:[Qq][1-4]|[Hh][12]))?$"


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, {"pattern": PERIOD_PATTERN}],
    }
)
class PeriodBoundFilter(filters.Filter):
    """A date bound given as a date or a period; ``end=True`` takes a period's last day."""

    field_class = PeriodBoundField


PERIOD_AFTER_HELP = gettext_lazy("Perioder der starter denne dato eller senere; en dato eller en periode (2025-Q1).")
PERIOD_BEFORE_HELP = gettext_lazy("Perioder der slutter denne dato eller før; en dato eller en periode (2025-Q4).")


class GoalFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", help_text="Helhedsplanens id.")
    level = filters.ChoiceFilter(choices=Goal.Level.choices)
    sub_agreement = IntegerFilter(field_name="sub_agreement_id", help_text="Delaftalens id.")
    kind = filters.ChoiceFilter(choices=Goal.Kind.choices)

    class Meta:
        model = Goal
        fields = ["plan", "level", "sub_agreement", "kind"]


class IndicatorFilter(filters.FilterSet):
    goal = IntegerFilter(field_name="goal_id", help_text="Målets id.")
    plan = IntegerFilter(field_name="goal__plan_id", help_text="Helhedsplanens id.")
    data_source = filters.ChoiceFilter(choices=Indicator.DataSource.choices)

    class Meta:
        model = Indicator
        fields = ["goal", "plan", "data_source"]


class MeasurementFilter(filters.FilterSet):
    indicator = IntegerFilter(field_name="indicator_id", help_text="Indikatorens id.")
    plan = IntegerFilter(field_name="indicator__goal__plan_id", help_text="Helhedsplanens id.")
    period_after = PeriodBoundFilter(field_name="period_start", lookup_expr="gte", help_text=PERIOD_AFTER_HELP)
    period_before = PeriodBoundFilter(
        field_name="period_end", lookup_expr="lte", end=True, help_text=PERIOD_BEFORE_HELP
    )
    status = filters.ChoiceFilter(choices=Measurement.Status.choices)

    class Meta:
        model = Measurement
        fields = ["indicator", "plan", "period_after", "period_before", "status"]


class AreaStatisticFilter(filters.FilterSet):
    scope = filters.ChoiceFilter(choices=AreaStatistic.Scope.choices)
    area = IntegerFilter(field_name="area_id", help_text="Boligområdets id.")
    municipality = IntegerFilter(field_name="municipality_id", help_text="Kommunens id.")
    indicator_code = text_filter(60, field_name="indicator_code", help_text="LBF-indikatorkode.")
    period_after = PeriodBoundFilter(field_name="period_start", lookup_expr="gte", help_text=PERIOD_AFTER_HELP)
    period_before = PeriodBoundFilter(
        field_name="period_end", lookup_expr="lte", end=True, help_text=PERIOD_BEFORE_HELP
    )

    class Meta:
        model = AreaStatistic
        fields = ["scope", "area", "municipality", "indicator_code", "period_after", "period_before"]


# --- scope helpers ------------------------------------------------------------------------------


def _visible_indicators(user):
    return access.visible(user, Indicator).select_related("goal").order_by("pk")


def _indicator_queryset():
    """Indicators with their targets; the status is stored on the row (``statuses_refresh``)."""
    return Indicator.objects.prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("due_date", "pk")))


def _status(obj: Indicator | Goal) -> Status:
    return Status(obj.status)


# The stored status as the serializers show it, for the lean lists (plans.api_lean).
LEAN_STATUS = {
    "status": (["status"], lambda row, context: Status(row["status"]).value),
    "status_label": (["status"], lambda row, context: Status(row["status"]).label),
}

STATUS_CHOICES = [(status.value, str(STATUS_LABELS[status])) for status in Status]
STATUS_HELP = gettext_lazy(
    "Afledt status: på rette vej, i risiko, ude af kurs eller ingen data (regel i docs/maalstyring.md)."
)


# --- goals and indicators (read-only) -----------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "value", "due_date", "note"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="goal.plan_id", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField(help_text=STATUS_HELP)
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "goal",
            "plan",
            "name",
            "definition",
            "unit",
            "direction",
            "data_source",
            "frequency",
            "baseline_value",
            "baseline_date",
            "breakdown_dimension",
            "lbf_indicator_code",
            "on_track_threshold",
            "at_risk_threshold",
            "interventions",
            "position",
            "targets",
            "status",
            "status_label",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_CHOICES))
    def get_status(self, indicator: Indicator) -> str:
        return _status(indicator).value

    def get_status_label(self, indicator: Indicator) -> str:
        return _status(indicator).label


class GoalSerializer(serializers.ModelSerializer):
    indicators = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(
        help_text=gettext_lazy("Den dårligste status blandt målets indikatorer.")
    )
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = [
            "id",
            "plan",
            "level",
            "kind",
            "cooperation_agreement",
            "sub_agreement",
            "contributes_to",
            "title",
            "description",
            "theory_of_change",
            "position",
            "indicators",
            "status",
            "status_label",
        ]
        read_only_fields = fields

    def _goal_status(self, goal: Goal) -> Status:
        return _status(goal)

    def get_indicators(self, goal: Goal) -> list[int]:
        return [indicator.pk for indicator in goal.indicators.all()]

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_CHOICES))
    def get_status(self, goal: Goal) -> str:
        return self._goal_status(goal).value

    def get_status_label(self, goal: Goal) -> str:
        return self._goal_status(goal).label


@extend_schema_view(
    list=extend_schema(summary="Mål", description="Strategiske mål og delmål, som brugeren kan se."),
)
class GoalViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Mål: strategic goals of the visible plans, delmål of the visible delaftaler; read-only."""

    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    lean_related_source = {"indicators": "indicators"}
    lean_methods = LEAN_STATUS
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            access.visible(self.request.user, Goal)
            .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.only("pk", "goal_id")))
            .order_by("plan_id", "level", "position", "title", "pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Indikatorer",
        description="Indikatorer for de mål brugeren kan se, med målværdier og afledt status (læses kun).",
    ),
)
class IndicatorViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Indikatorer with their targets (nested) and derived status; read-only."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    lean_methods = LEAN_STATUS
    lean_related_order = {"targets": ("due_date", "pk")}
    lean_related_scope = {"interventions": lambda user: access.visible(user, Intervention)}
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            _indicator_queryset()
            .filter(pk__in=access.visible(self.request.user, Indicator).values("pk"))
            .select_related("goal")
            .prefetch_related(Prefetch("interventions", queryset=access.visible(self.request.user, Intervention)))
            .order_by("goal__plan_id", "goal_id", "position", "name", "pk")
        )


# --- measurements -------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "maxLength": 10, "pattern": PERIOD_PATTERN})
class PeriodField(serializers.CharField):
    """A measurement period (``2025-Q3``, ``2025-H1``, ``2025``); ``validate_period`` parses it."""


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = ScopedPrimaryKeyRelatedField(scope=_visible_indicators)
    plan = serializers.IntegerField(source="indicator.goal.plan_id", read_only=True)
    period = PeriodField(
        max_length=10, help_text=gettext_lazy("Kvartal (2025-Q3), halvår (2025-H1) eller år (2025), som indikatoren.")
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "plan",
            "period",
            "period_start",
            "period_end",
            "value",
            "breakdown_value",
            "source_note",
            "status",
            "entered_by",
            "approved_by",
            "approved_at",
        ]
        read_only_fields = ["period_start", "period_end", "status", "entered_by", "approved_by", "approved_at"]
        # (indicator, period, breakdown) uniqueness is checked by the services (one place, also in bulk).
        validators = []

    def validate_period(self, period: str) -> str:
        try:
            return parse_period(period).label
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate_indicator(self, indicator: Indicator) -> Indicator:
        if indicator.pk not in self.context["view"].editable_indicator_ids():
            raise PermissionDenied(
                _("Du har ikke adgang til at indtaste målinger for indikatoren «%(name)s».") % {"name": indicator.name}
            )
        return indicator


@extend_schema_view(
    list=extend_schema(
        summary="Målinger", description="Målinger (kladder og godkendte) for de indikatorer brugeren kan se."
    ),
    create=extend_schema(
        summary="Indtast én eller flere målinger",
        description=(
            "Send ét objekt eller en liste med op til 5.000. Målingerne oprettes som kladder, indtastet af "
            "tokenets bruger. Alle valideres; enten gemmes alle, eller ingen (400 med fejl pr. element og dets "
            "`index`). Brug `Idempotency-Key` ved genforsøg."
        ),
        request=bulk_create_request(MeasurementSerializer, "MeasurementCreate"),
        responses={201: bulk_create_request(MeasurementSerializer, "MeasurementCreated")},
    ),
    update=extend_schema(description="Ret en kladde. En godkendt måling kan ikke ændres (403)."),
    partial_update=extend_schema(description="Ret en kladde. En godkendt måling kan ikke ændres (403)."),
)
class MeasurementViewSet(
    LeanListMixin,
    BulkCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServiceUpdateModelMixin,
    ScopedViewSet,
):
    """Målinger: read with the indicator; drafts created and changed with CHANGE on the indicator's measurements."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter

    def get_queryset(self):
        return (
            access.visible(self.request.user, Measurement)
            .select_related("indicator__goal")
            .order_by("indicator_id", "period_start", "breakdown_value", "pk")
        )

    def editable_indicator_ids(self) -> set[int]:
        """Indicators the user may enter measurements for, loaded once per request."""
        if not hasattr(self, "_editable_indicator_ids"):
            self._editable_indicator_ids = set(
                access.parents_for(self.request.user, access.CHANGE, Measurement, "indicator").values_list(
                    "pk", flat=True
                )
            )
        return self._editable_indicator_ids

    def check_object_change(self, obj: Measurement) -> None:
        if obj.indicator_id not in self.editable_indicator_ids():
            raise PermissionDenied(_("Du har ikke adgang til at ændre målinger for denne indikator."))
        if obj.status == Measurement.Status.APPROVED:
            raise PermissionDenied(_("Målingen er godkendt og kan ikke ændres via API'et. Kun kladder kan rettes."))

    def create_instance(self, validated_data: dict) -> Measurement:
        return measurement_create(entered_by=self.request.user, **validated_data)

    def create_instances(self, items: list[dict]) -> list[Measurement]:
        return measurement_create_many(items=items, entered_by=self.request.user)

    def update_instance(self, instance: Measurement, data: dict) -> Measurement:
        return measurement_update(measurement=instance, changed_by=self.request.user, **data)


# --- area statistics (read-only) ----------------------------------------------------------------


class AreaStatisticSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, default=None, allow_null=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AreaStatistic
        fields = [
            "id",
            "scope",
            "area",
            "area_name",
            "municipality",
            "municipality_name",
            "indicator_code",
            "period",
            "period_start",
            "period_end",
            "value",
        ]
        read_only_fields = fields


def area_statistics_for(user):
    """LBF figures for the areas and kommuner of the plans ``user`` may see, and the whole country's."""
    return access.visible(user, AreaStatistic)


@extend_schema_view(
    list=extend_schema(
        summary="Områdestatistik",
        description=(
            "LBF's boligsociale data for boligområderne og kommunerne i de planer brugeren kan se, "
            "og tallene for hele landet."
        ),
    ),
)
class AreaStatisticViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Områdestatistik: read-only."""

    serializer_class = AreaStatisticSerializer
    filterset_class = AreaStatisticFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            area_statistics_for(self.request.user)
            .select_related("area", "municipality")
            .order_by("indicator_code", "period_start", "scope", "area_id", "municipality_id", "pk")
        )


# The resources this app adds to /api/v1/ (composed by portal/api.py): (path, viewset, basename).
ROUTES = [
    ("goals", GoalViewSet, "goal"),
    ("indicators", IndicatorViewSet, "indicator"),
    ("measurements", MeasurementViewSet, "measurement"),
    ("area-statistics", AreaStatisticViewSet, "area-statistic"),
]
