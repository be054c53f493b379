"""Writes for målstyring: one function per use case, validated and atomic.

Goals and targets are governed: every change carries a reason, stored as the history row's
``history_change_reason`` (seed 001: goals must be revised, and the revision must be traceable).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from common.bulk_insert import insert_rows
from common.history import CREATED, history_record
from common.periods import parse_period
from plans import access
from plans.models import Plan
from plans.selectors import plan_current_agreement
from plans.services import ItemErrors

from .models import AreaStatistic, Goal, Indicator, Measurement, Target, measurement_rule_error
from .status import Point, Status, assess, worst

LBF_SOURCE_NOTE = "LBF boligsociale data"


# --- stored status ------------------------------------------------------------------------------


def goal_status_after_indicator_delete(sender, instance, **kwargs) -> None:
    """``post_delete`` of an indicator: its goal's stored status is recomputed without it."""
    statuses_refresh(indicator_ids=[], goal_ids=[instance.goal_id])


STATUS_INPUTS = (
    "goal_id",
    "status",
    "direction",
    "baseline_value",
    "baseline_date",
    "on_track_threshold",
    "at_risk_threshold",
)


def statuses_refresh(*, indicator_ids: Iterable[int] | None = None, goal_ids: Iterable[int] = (), models=None) -> int:
    """Recompute the stored status of the given indicators (all when ``None``) and of their goals
    (plus ``goal_ids``), set-based: three reads and two ``bulk_update``s, whatever the number.

    The rule is ``monitoring.status.assess``; it needs only each indicator's latest approved
    whole-population measurement, which is what is read. Called inside the transaction of every
    write that changes an input (approval, import, LBF sync, targets, indicator fields), so the
    stored value never disagrees with the data. ``models`` (Indicator, Goal, Target, Measurement)
    lets a migration pass its historical models. Returns how many rows changed.
    """
    IndicatorModel, GoalModel, TargetModel, MeasurementModel = models or (Indicator, Goal, Target, Measurement)
    indicators = IndicatorModel.objects.all()
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=list(indicator_ids))
    latest = MeasurementModel.objects.filter(indicator=OuterRef("pk"), status="approved", breakdown_value="").order_by(
        "-period_end", "period_start"
    )
    rows = list(
        indicators.only(*STATUS_INPUTS).annotate(
            latest_end=Subquery(latest.values("period_end")[:1]), latest_value=Subquery(latest.values("value")[:1])
        )
    )
    targets: dict[int, list[Point]] = defaultdict(list)
    for indicator_id, due_date, value in TargetModel.objects.filter(
        indicator_id__in=[row.pk for row in rows]
    ).values_list("indicator_id", "due_date", "value"):
        targets[indicator_id].append(Point(due_date, value))
    changed = []
    for row in rows:
        status = assess(
            baseline=Point(row.baseline_date, row.baseline_value),
            sign=1 if row.direction == "higher" else -1,
            targets=targets[row.pk],
            measurements=[Point(row.latest_end, row.latest_value)] if row.latest_end else [],
            on_track_threshold=row.on_track_threshold,
            at_risk_threshold=row.at_risk_threshold,
        ).status.value
        if row.status != status:
            row.status = status
            changed.append(row)
    IndicatorModel.objects.bulk_update(changed, ["status"], batch_size=1000)
    goal_ids = {row.goal_id for row in rows} | set(goal_ids)
    goals = GoalModel.objects.all() if indicator_ids is None else GoalModel.objects.filter(pk__in=goal_ids)
    goals = list(goals.only("status"))
    by_goal: dict[int, list[Status]] = defaultdict(list)
    for goal_id, status in IndicatorModel.objects.filter(goal_id__in=[g.pk for g in goals]).values_list(
        "goal_id", "status"
    ):
        by_goal[goal_id].append(Status(status))
    changed_goals = []
    for goal in goals:
        status = worst(by_goal[goal.pk]).value
        if goal.status != status:
            goal.status = status
            changed_goals.append(goal)
    GoalModel.objects.bulk_update(changed_goals, ["status"], batch_size=1000)
    return len(changed) + len(changed_goals)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Angiv en begrundelse for ændringen.")})
    return reason


def _save_with_history(instance, *, changed_by, reason: str) -> None:
    instance._change_reason = reason
    if changed_by is not None:
        instance._history_user = changed_by
    instance.save()


@transaction.atomic
def goal_create(*, plan: Plan, level: str, title: str, changed_by=None, reason: str = "", **fields) -> Goal:
    """Create a goal; a strategic goal belongs to the newest samarbejdsaftale unless told otherwise."""
    if level == Goal.Level.STRATEGIC and "cooperation_agreement" not in fields:
        fields["cooperation_agreement"] = plan_current_agreement(plan=plan)
    goal = Goal(plan=plan, level=level, title=title, **fields)
    goal.full_clean()
    _save_with_history(goal, changed_by=changed_by, reason=(reason or "").strip() or _("Oprettet"))
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, changed_by, reason: str, **fields) -> Goal:
    """Change a goal's fields; refuses an empty reason (it is kept in the goal's history)."""
    reason = _require_reason(reason)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.full_clean()
    _save_with_history(goal, changed_by=changed_by, reason=reason)
    return goal


@transaction.atomic
def indicator_create(
    *, goal: Goal, changed_by=None, interventions: Iterable = (), targets: Iterable = (), **fields
) -> Indicator:
    """Create an indicator with the interventions it follows and its targets ``[(value, due_date)]``."""
    indicator = Indicator(goal=goal, **fields)
    indicator.full_clean()
    interventions = list(interventions)
    indicator.validate_interventions(interventions)
    _save_with_history(indicator, changed_by=changed_by, reason=_("Oprettet"))
    if interventions:
        indicator.interventions.set(interventions)
    for value, due_date in targets:
        target_create(indicator=indicator, value=value, due_date=due_date, changed_by=changed_by)
    statuses_refresh(indicator_ids=[indicator.pk])
    indicator.refresh_from_db(fields=["status"])
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, changed_by, reason: str, **fields) -> Indicator:
    reason = _require_reason(reason)
    previous_goal_id = indicator.goal_id
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    _save_with_history(indicator, changed_by=changed_by, reason=reason)
    statuses_refresh(indicator_ids=[indicator.pk], goal_ids=[previous_goal_id])
    indicator.refresh_from_db(fields=["status"])
    return indicator


@transaction.atomic
def target_create(
    *, indicator: Indicator, value, due_date, changed_by=None, reason: str = "", note: str = ""
) -> Target:
    target = Target(indicator=indicator, value=value, due_date=due_date, note=note)
    target.full_clean()
    _save_with_history(target, changed_by=changed_by, reason=(reason or "").strip() or _("Oprettet"))
    statuses_refresh(indicator_ids=[indicator.pk])
    return target


@transaction.atomic
def target_update(*, target: Target, changed_by, reason: str, **fields) -> Target:
    """Change a target's value or date; refuses an empty reason."""
    reason = _require_reason(reason)
    previous_indicator_id = target.indicator_id
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    _save_with_history(target, changed_by=changed_by, reason=reason)
    statuses_refresh(indicator_ids={previous_indicator_id, target.indicator_id})
    return target


def _may_enter(user, indicator: Indicator) -> bool:
    return access.can_create(user, access.CHANGE, Measurement, indicator=indicator)


@transaction.atomic
def measurement_create(
    *,
    indicator: Indicator,
    period: str,
    value: Decimal,
    entered_by,
    breakdown_value: str = "",
    source_note: str = "",
) -> Measurement:
    """Enter a draft measurement. LBF indicators are filled from the area statistics instead."""
    if not _may_enter(entered_by, indicator):
        raise PermissionDenied(_("Du kan ikke indtaste målinger for denne indikator."))
    if indicator.is_lbf:
        raise ValidationError(_("Målinger for LBF-indikatorer kommer fra importen af boligsociale data."))
    measurement = Measurement(
        indicator=indicator,
        period=period,
        value=value,
        breakdown_value=(breakdown_value or "").strip(),
        source_note=(source_note or "").strip(),
        entered_by=entered_by,
        status=Measurement.Status.DRAFT,
    )
    measurement.full_clean(validate_constraints=False)
    if Measurement.objects.filter(
        indicator=indicator, period=measurement.period, breakdown_value=measurement.breakdown_value
    ).exists():
        raise ValidationError({"period": _("Der findes allerede en måling for denne periode.")})
    _save_with_history(measurement, changed_by=entered_by, reason=_("Indtastet"))
    return measurement


@transaction.atomic
def measurement_approve(*, measurement: Measurement, approved_by) -> Measurement:
    """Approve a draft measurement. Nobody approves their own; only the plan's managers approve."""
    measurement = Measurement.objects.select_for_update().select_related("indicator__goal").get(pk=measurement.pk)
    if not access.can(approved_by, access.APPROVE, measurement):
        raise PermissionDenied(_("Kun sekretariatslederen kan godkende målinger."))
    if measurement.entered_by_id == approved_by.pk:
        raise ValidationError(_("Man kan ikke godkende sin egen måling."))
    if measurement.status == Measurement.Status.APPROVED:
        raise ValidationError(_("Målingen er allerede godkendt."))
    measurement.status = Measurement.Status.APPROVED
    measurement.approved_by = approved_by
    measurement.approved_at = timezone.now()
    measurement.full_clean(validate_constraints=False)
    _save_with_history(measurement, changed_by=approved_by, reason=_("Godkendt"))
    statuses_refresh(indicator_ids=[measurement.indicator_id])
    return measurement


# --- LBF boligsociale data -------------------------------------------------------------------


def _weighted_mean(values: list[tuple[Decimal, int | None]]) -> Decimal:
    """Resident-weighted mean of area values; a plain mean when residents are unknown."""
    if all(weight for _value, weight in values):
        total = sum(weight for _value, weight in values)
        return sum(value * weight for value, weight in values) / total
    return sum(value for value, _weight in values) / len(values)


@transaction.atomic
def lbf_measurements_sync(*, indicators: Iterable[Indicator] | None = None) -> int:
    """Fill LBF indicators' measurements from the area statistics of their plans' areas.

    Per period of the indicator's frequency ending after the baseline date: the resident-weighted
    mean of the plan's areas that have a figure. The measurements are approved (official
    statistics, nobody typed them in) and updated when the statistics change. Returns how many
    measurements were created or changed.
    """
    if indicators is None:
        indicators = Indicator.objects.filter(data_source=Indicator.DataSource.LBF)
    indicators = [i for i in indicators if i.is_lbf]
    if not indicators:
        return 0
    indicators = list(
        Indicator.objects.filter(pk__in=[i.pk for i in indicators])
        .select_related("goal__plan")
        .prefetch_related("goal__plan__areas", "measurements")
    )
    codes = {i.lbf_indicator_code for i in indicators}
    area_ids = {area.pk for i in indicators for area in i.goal.plan.areas.all()}
    statistics = defaultdict(list)  # (code, period) -> [(area_id, value, start)]
    for stat in AreaStatistic.objects.filter(
        scope=AreaStatistic.Scope.AREA, indicator_code__in=codes, area_id__in=area_ids
    ):
        statistics[(stat.indicator_code, stat.period)].append((stat.area_id, stat.value))
    changed = 0
    changed_indicators = set()
    for indicator in indicators:
        areas = {area.pk: area.residents for area in indicator.goal.plan.areas.all()}
        existing = {(m.period, m.breakdown_value): m for m in indicator.measurements.all()}
        for (code, period), rows in statistics.items():
            parsed = parse_period(period)
            if (
                code != indicator.lbf_indicator_code
                or parsed.kind != indicator.frequency
                or parsed.end <= indicator.baseline_date
            ):
                continue  # another indicator, another frequency, or history from before the baseline
            values = [(value, areas[area_id]) for area_id, value in rows if area_id in areas]
            if not values:
                continue
            value = _weighted_mean(values).quantize(Decimal("0.0001"))
            measurement = existing.get((period, ""))
            if measurement is not None and measurement.value == value and measurement.status == "approved":
                continue
            if measurement is None:
                measurement = Measurement(indicator=indicator, period=period)
            measurement.value = value
            measurement.source_note = LBF_SOURCE_NOTE
            measurement.status = Measurement.Status.APPROVED
            measurement.entered_by = None
            measurement.approved_by = None
            measurement.approved_at = timezone.now()
            measurement.full_clean(validate_constraints=False)
            _save_with_history(measurement, changed_by=None, reason=_("Hentet fra LBF's boligsociale data"))
            changed += 1
            changed_indicators.add(indicator.pk)
    if changed_indicators:
        statuses_refresh(indicator_ids=changed_indicators)
    return changed


# --- measurements through the REST API (bulk create, change of a draft) ---------------------------


def _duplicate_period_error() -> ValidationError:
    return ValidationError({"period": _("Der findes allerede en måling for denne periode.")})


@transaction.atomic
def measurement_create_many(*, items: list[dict], entered_by) -> list[Measurement]:
    """Enter many draft measurements at once, all or none, in a fixed number of queries (bulk API).

    Each item holds the fields of ``measurement_create`` with ``indicator`` as a loaded object.
    The user must be allowed to enter measurements for every indicator (else ``PermissionDenied``
    and nothing is saved). Validation is set-based: ``Measurement.clean``'s rule
    (``measurement_rule_error``) is asked once per distinct (indicator, period, breakdown or not),
    LBF indicators are refused, and (indicator, period, breakdown) is checked against the other
    items and, in one query, the database. Raises ``plans.services.ItemErrors`` with the failing
    indexes; then nothing is saved. The field formats (lengths, decimal digits) are the API
    serializer's, which match the model's. The rows are written at once (``common.bulk_insert``: one COPY
    on PostgreSQL) and their history rows (``history_user`` = ``entered_by``) with one ``INSERT … SELECT``
    (``common.history``).
    The number of queries does not grow with the number of items.
    """
    indicator_ids = {item["indicator"].pk for item in items}
    allowed = set(
        access.parents_for(entered_by, access.CHANGE, Measurement, "indicator")
        .filter(pk__in=indicator_ids)
        .values_list("pk", flat=True)
    )
    if indicator_ids - allowed:
        raise PermissionDenied(_("Du kan ikke indtaste målinger for denne indikator."))
    rules: dict[tuple, ValidationError | None] = {}
    periods: dict[str, object] = {}
    errors: dict[int, ValidationError] = {}
    rows: list[tuple[int, tuple, Indicator, str, str, object]] = []
    for index, fields in enumerate(items):
        indicator = fields["indicator"]
        if indicator.is_lbf:
            errors[index] = ValidationError(
                {"indicator": _("Målinger for LBF-indikatorer kommer fra importen af boligsociale data.")}
            )
            continue
        period = fields.get("period", "")
        breakdown = (fields.get("breakdown_value") or "").strip()
        rule = (indicator.pk, period, bool(breakdown))
        if rule not in rules:
            rules[rule] = measurement_rule_error(indicator, period, breakdown)
        if rules[rule] is not None:
            errors[index] = rules[rule]
            continue
        if period not in periods:
            periods[period] = parse_period(period)
        parsed = periods[period]
        rows.append((index, (indicator.pk, parsed.label, breakdown), indicator, breakdown, fields, parsed))
    seen: set[tuple] = set()
    for index, key, *_rest in rows:
        if key in seen:
            errors[index] = _duplicate_period_error()
        seen.add(key)
    if errors:  # every item's errors at once: also those that already exist in the database
        existing = _existing_measurement_keys({key for _index, key, *_rest in rows})
        errors.update({index: _duplicate_period_error() for index, key, *_rest in rows if key in existing})
        raise ItemErrors(dict(sorted(errors.items())))
    new_rows = [
        Measurement.draft_row(
            indicator_id=indicator.pk,
            period=parsed,
            value=fields.get("value"),
            breakdown_value=breakdown,
            source_note=(fields.get("source_note") or "").strip(),
            entered_by_id=entered_by.pk,
        )
        for _index, _key, indicator, breakdown, fields, parsed in rows
    ]
    try:
        # Optimistic: the unique (indicator, period, breakdown) constraint finds a row that already
        # exists; only then are the rows looked up, to name them (and nothing is written).
        with transaction.atomic():
            measurements = insert_rows(Measurement, new_rows)
    except IntegrityError:
        existing = _existing_measurement_keys({key for _index, key, *_rest in rows})
        errors = {index: _duplicate_period_error() for index, key, *_rest in rows if key in existing}
        if errors:
            raise ItemErrors(errors) from None
        raise  # another conflict (a row deleted meanwhile): the API answers "try again"
    for measurement, (_index, _key, indicator, *_rest) in zip(measurements, rows, strict=True):
        measurement.indicator = indicator  # loaded already (with its goal): the answer reads its plan
    history_record(
        Measurement, [m.pk for m in measurements], history_type=CREATED, user=entered_by, reason=_("Indtastet")
    )
    return measurements


def _existing_measurement_keys(keys: set[tuple]) -> set[tuple]:
    """Which (indicator, period, breakdown) keys already have a measurement; one query."""
    return set(
        Measurement.objects.filter(
            indicator_id__in={key[0] for key in keys},
            period__in={key[1] for key in keys},
            breakdown_value__in={key[2] for key in keys},
        ).values_list("indicator_id", "period", "breakdown_value")
    )


MEASUREMENT_UPDATE_FIELDS = ("indicator", "period", "value", "breakdown_value", "source_note")


@transaction.atomic
def measurement_update(*, measurement: Measurement, changed_by, **fields) -> Measurement:
    """Change a draft measurement; the one who changes it counts as its author from then on.

    Approved measurements are final (``ValidationError``); a user must be allowed to enter
    measurements for the indicator before and after the change (``PermissionDenied``).
    """
    unknown = set(fields) - set(MEASUREMENT_UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    measurement = Measurement.objects.select_for_update().select_related("indicator").get(pk=measurement.pk)
    if measurement.status == Measurement.Status.APPROVED:
        raise ValidationError(_("Målingen er godkendt og kan ikke ændres."))
    if not _may_enter(changed_by, measurement.indicator):
        raise PermissionDenied(_("Du kan ikke ændre målinger for denne indikator."))
    indicator = fields.get("indicator", measurement.indicator)
    if indicator.pk != measurement.indicator_id and not _may_enter(changed_by, indicator):
        raise PermissionDenied(_("Du kan ikke indtaste målinger for denne indikator."))
    if indicator.is_lbf:
        raise ValidationError(
            {"indicator": _("Målinger for LBF-indikatorer kommer fra importen af boligsociale data.")}
        )
    for name, value in fields.items():
        if name in ("breakdown_value", "source_note"):
            value = (value or "").strip()
        setattr(measurement, name, value)
    measurement.entered_by = changed_by
    measurement.full_clean(validate_constraints=False)
    if (
        Measurement.objects.filter(
            indicator=measurement.indicator, period=measurement.period, breakdown_value=measurement.breakdown_value
        )
        .exclude(pk=measurement.pk)
        .exists()
    ):
        raise _duplicate_period_error()
    _save_with_history(measurement, changed_by=changed_by, reason=_("Rettet"))
    return measurement
