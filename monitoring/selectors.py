"""Reads for målstyring, always starting from the access rule in ``plans.access``.

Strategic goals are seen by everyone who may see the plan; delmål only by those who may see
their delaftale (a steering-group member sees the delmål of their own delaftaler).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from plans import access
from plans.models import HousingArea, Intervention, Plan

from .charts import indicator_chart_svg
from .models import AreaStatistic, Goal, Indicator, Measurement, Milestone, Target
from .status import Assessment, Status, indicator_assessment, worst

MAX_STRATEGIC_GOALS = 5  # seed 003: few, precise goals


def measurable_indicators(user, plan: Plan) -> QuerySet[Indicator]:
    """The plan's indicators ``user`` may enter measurements for (by hand, import or API)."""
    return access.parents_for(user, access.CHANGE, Measurement, "indicator").filter(goal__plan=plan)


def may_import(user, plan: Plan) -> bool:
    return measurable_indicators(user, plan).exists()


def approved_totals() -> QuerySet[Measurement]:
    return Measurement.objects.approved().totals().order_by("period_start")


@dataclass
class IndicatorRow:
    indicator: Indicator
    assessment: Assessment
    measurements: list[Measurement]
    targets: list[Target]

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def next_target(self) -> Target | None:
        point = self.assessment.target
        if point is not None:
            return next((t for t in self.targets if t.due_date == point.on), None)
        return self.targets[-1] if self.targets else None

    def chart(self, *, width: int = 240, height: int = 80, compact: bool = True) -> str:
        return indicator_chart_svg(
            self.indicator,
            self.measurements,
            width=width,
            height=height,
            targets=self.targets,
            compact=compact,
        )

    @property
    def small_chart(self) -> str:
        return self.chart()


@dataclass
class GoalNode:
    goal: Goal
    indicators: list[IndicatorRow]
    children: list["GoalNode"] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return worst(row.status for row in self.indicators)


@dataclass
class GoalTree:
    """Strategic goals → their delmål → indicators, plus delmål not linked to a strategic goal."""

    plan: Plan
    strategic: list[GoalNode]
    unlinked: list[GoalNode]

    @property
    def nodes(self) -> list[GoalNode]:
        out = []
        for node in self.strategic:
            out.append(node)
            out.extend(node.children)
        out.extend(self.unlinked)
        return out

    @property
    def too_many_strategic_goals(self) -> bool:
        return len(self.strategic) > MAX_STRATEGIC_GOALS

    @property
    def goals_without_indicators(self) -> list[Goal]:
        return [node.goal for node in self.nodes if not node.indicators]


def _indicator_queryset() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("position", "name").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("due_date")),
        Prefetch("measurements", queryset=approved_totals(), to_attr="approved_measurements"),
    )


def _row(indicator: Indicator) -> IndicatorRow:
    targets = list(indicator.targets.all())
    measurements = indicator.approved_measurements
    return IndicatorRow(
        indicator=indicator,
        assessment=indicator_assessment(indicator, targets=targets, measurements=measurements),
        measurements=measurements,
        targets=targets,
    )


def plan_goal_tree(*, user, plan: Plan) -> GoalTree:
    """The goal tree of ``plan`` as ``user`` may see it, in a fixed number of queries (5)."""
    goals = list(
        access.visible(user, Goal)
        .filter(plan=plan)
        .select_related("sub_agreement")
        .prefetch_related(
            Prefetch("indicators", queryset=_indicator_queryset()),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "title")),
        )
        .order_by("level", "sub_agreement__title", "position", "title")
    )
    nodes = {goal.pk: GoalNode(goal, [_row(i) for i in goal.indicators.all()]) for goal in goals}
    strategic, unlinked = [], []
    for goal in goals:
        node = nodes[goal.pk]
        if goal.level == Goal.Level.STRATEGIC:
            strategic.append(node)
        elif goal.contributes_to_id in nodes:
            nodes[goal.contributes_to_id].children.append(node)
        else:
            unlinked.append(node)
    return GoalTree(plan=plan, strategic=strategic, unlinked=unlinked)


@dataclass
class PlanGoalSummary:
    """What the plan page shows about målstyring: counts and the "few and precise" warnings."""

    strategic_count: int
    goal_count: int
    goals_without_indicators: list[Goal]

    @property
    def too_many_strategic_goals(self) -> bool:
        return self.strategic_count > MAX_STRATEGIC_GOALS


def plan_goal_summary(*, user, plan: Plan) -> PlanGoalSummary:
    """Counts for the plan page (one query)."""
    goals = list(
        access.visible(user, Goal)
        .filter(plan=plan)
        .annotate(indicator_count=Count("indicators"))
        .order_by("level", "position", "title")
    )
    return PlanGoalSummary(
        strategic_count=sum(1 for g in goals if g.level == Goal.Level.STRATEGIC),
        goal_count=len(goals),
        goals_without_indicators=[g for g in goals if not g.indicator_count],
    )


def indicator_detail(*, user, plan: Plan, indicator_id) -> Indicator:
    """One indicator of ``plan`` the user may see, or 404."""
    queryset = (
        Indicator.objects.filter(goal__plan=plan)
        .select_related("goal", "goal__sub_agreement")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("due_date")),
            Prefetch("interventions", queryset=access.restrict(Intervention.objects.order_by("name"), user)),
        )
    )
    return access.get_or_404(user, queryset, pk=indicator_id)


def indicator_measurements(*, indicator: Indicator) -> list[Measurement]:
    """All measurements of an indicator (drafts too), for its table."""
    return list(
        indicator.measurements.select_related("entered_by", "approved_by").order_by("period_start", "breakdown_value")
    )


@dataclass
class ComparisonRow:
    period: str
    areas: dict[int, object]
    municipality: object
    country: object


@dataclass
class LbfComparison:
    """LBF's figures for the plan's areas against the kommune and the whole country, per period."""

    areas: list[HousingArea]
    rows: list[ComparisonRow]


def lbf_comparison(*, indicator: Indicator, plan: Plan) -> LbfComparison:
    areas = list(plan.areas.order_by("name"))
    statistics = AreaStatistic.objects.filter(indicator_code=indicator.lbf_indicator_code).filter(
        Q(scope=AreaStatistic.Scope.AREA, area__in=areas)
        | Q(scope=AreaStatistic.Scope.MUNICIPALITY, municipality_id=plan.municipality_id)
        | Q(scope=AreaStatistic.Scope.COUNTRY)
    )
    by_period: dict[str, dict] = defaultdict(dict)
    starts = {}
    for stat in statistics:
        starts[stat.period] = stat.period_start
        key = stat.area_id if stat.scope == AreaStatistic.Scope.AREA else stat.scope
        by_period[stat.period][key] = stat.value
    rows = [
        ComparisonRow(
            period=period,
            areas={area.pk: values.get(area.pk) for area in areas},
            municipality=values.get(AreaStatistic.Scope.MUNICIPALITY),
            country=values.get(AreaStatistic.Scope.COUNTRY),
        )
        for period, values in sorted(by_period.items(), key=lambda item: starts[item[0]])
    ]
    return LbfComparison(areas=areas, rows=rows)


def plan_measurements_for_export(*, user, plan: Plan, indicator: Indicator | None = None) -> QuerySet[Measurement]:
    """The measurements the user may see in ``plan`` (or of one indicator), in export order."""
    queryset = Measurement.objects.filter(indicator__in=access.visible(user, Indicator).filter(goal__plan=plan))
    if indicator is not None:
        queryset = queryset.filter(indicator=indicator)
    return queryset.select_related("indicator").order_by(
        "indicator__goal__level",
        "indicator__goal_id",
        "indicator__position",
        "indicator_id",
        "period_start",
        "breakdown_value",
    )
