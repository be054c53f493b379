"""Reads for the portal's cross-plan pages (dashboards, co-financing, projektbank), scoped by the access rule."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, When, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from common import jobs
from common.periods import HALF_YEARLY, QUARTERLY, YEARLY
from governance.bodies.composition import CompositionWarning
from governance.bodies.models import Body
from governance.bodies.selectors import board_composition
from governance.meetings.models import ActionItem, Decision, Meeting, SendOut
from governance.reports.models import StatusReport
from monitoring.charts import Series
from monitoring.models import AreaStatistic, Goal, ImportJob, Indicator, Measurement, Target
from monitoring.selectors import approved_totals
from monitoring.status import Point, Status, assess, worst
from plans import access
from plans.access import SECRETARIAT_ROLES, plans_for_roles
from plans.models import (
    Commitment,
    HousingArea,
    Intervention,
    Organisation,
    Plan,
    Role,
    SubAgreement,
    local_share,
    meets_local_share,
)

MUNICIPAL_KINDS = (Organisation.Kind.MUNICIPALITY, Organisation.Kind.DEPARTMENT)


def project_bank_interventions(*, user) -> QuerySet[Intervention]:
    """Projektbank: interventions across every delaftale the user may see (seed 000), in a stable order
    (filtered by ``portal.filters.ProjectBankFilter``)."""
    return (
        access.visible(user, Intervention)
        .select_related("sub_agreement__plan__municipality", "sub_agreement__thematic_area", "responsible_partner")
        .prefetch_related("partners")
        .order_by("sub_agreement__thematic_area__position", "name", "pk")
    )


@dataclass
class InterventionResult:
    """One indicator that follows an indsats: its goal, latest approved value and derived status."""

    indicator: Indicator
    goal: Goal
    status: Status
    latest_value: Decimal | None
    latest_period: str | None


def attach_results(*, user, interventions: list[Intervention]) -> list[Intervention]:
    """Give each indsats ``results``: the indicators (of goals the user may see) that follow it, each
    with its latest approved whole-population value and status. Three queries whatever the page size."""
    ids = [intervention.pk for intervention in interventions]
    latest = approved_totals().filter(indicator=OuterRef("pk")).order_by("-period_end", "period_start")
    links = (
        Indicator.interventions.through.objects.filter(
            intervention_id__in=ids, indicator__goal__in=access.visible(user, Goal).values("pk")
        )
        .select_related("indicator__goal")
        .annotate(
            latest_end=Subquery(latest.values("period_end")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period=Subquery(latest.values("period")[:1]),
        )
        .order_by("indicator__goal__level", "indicator__goal__position", "indicator__position", "indicator__pk")
    )
    links = list(links)
    targets: dict[int, list[Point]] = defaultdict(list)
    for indicator_id, due_date, value in Target.objects.filter(
        indicator_id__in={link.indicator_id for link in links}
    ).values_list("indicator_id", "due_date", "value"):
        targets[indicator_id].append(Point(due_date, value))
    by_intervention: dict[int, list[InterventionResult]] = defaultdict(list)
    for link in links:
        indicator = link.indicator
        measured = [Point(link.latest_end, link.latest_value)] if link.latest_end else []
        assessment = assess(
            baseline=Point(indicator.baseline_date, indicator.baseline_value),
            sign=indicator.sign,
            targets=targets[indicator.pk],
            measurements=measured,
            on_track_threshold=indicator.on_track_threshold,
            at_risk_threshold=indicator.at_risk_threshold,
        )
        by_intervention[link.intervention_id].append(
            InterventionResult(indicator, indicator.goal, assessment.status, link.latest_value, link.latest_period)
        )
    for intervention in interventions:
        intervention.results = by_intervention[intervention.pk]
        intervention.goals = list({r.goal.pk: r.goal for r in intervention.results}.values())
    return interventions


@dataclass(frozen=True)
class GoalRef:
    """What the Overblik shows of a goal: its id and title (no model instance per goal)."""

    pk: int
    title: str


@dataclass
class GoalStatus:
    """A strategic goal and its derived status (worst of its indicators)."""

    goal: GoalRef
    status: Status


@dataclass
class PortfolioRow:
    """One plan in the koordinator's overview; each app's figures are attached by `portfolio_overview`."""

    plan: object
    local_this_year: Decimal = Decimal("0")
    total_this_year: Decimal = Decimal("0")
    goals: list[GoalStatus] = field(default_factory=list)
    last_pixi: StatusReport | None = None
    next_board_meeting: Meeting | None = None
    open_actions: int = 0
    overdue_actions: int = 0
    composition: list[CompositionWarning] = field(default_factory=list)  # what the board lacks

    @property
    def local_share_this_year(self) -> Decimal | None:
        return local_share(self.local_this_year, self.total_this_year)

    @property
    def meets_local_share(self) -> bool | None:
        return meets_local_share(self.local_share_this_year)

    @property
    def status(self) -> Status:
        """The plan's worst strategic-goal status (no data when none has data)."""
        return worst(goal.status for goal in self.goals)

    @property
    def agenda_state(self) -> str | None:
        """The next board meeting's send-out state: sent, sent_late, open, due_today or late."""
        return self.next_board_meeting.send_out_state() if self.next_board_meeting else None


PORTFOLIO_SORTS = {
    "name": lambda row: row.plan.name,
    "municipality": lambda row: (row.plan.municipality.name, row.plan.name),
    "phase": lambda row: (row.plan.phase, row.plan.name),
    "end": lambda row: (row.plan.end_date, row.plan.name),
    "local_share": lambda row: (row.local_share_this_year is None, row.local_share_this_year or 0),
    "status": lambda row: (-row.status.severity, row.plan.name),
    "overdue": lambda row: (-row.overdue_actions, -row.open_actions, row.plan.name),
    "meeting": lambda row: (
        row.next_board_meeting is None,
        row.next_board_meeting.starts_at.timestamp() if row.next_board_meeting else 0,
        row.plan.name,
    ),
}

GOAL_STATUSES = list(Status)


def strategic_goal_statuses(*, user, plan_ids) -> dict[int, list[GoalStatus]]:
    """Each plan's strategic goals with their status, in one query whatever the number of plans.

    The status is stored on the goal (the worst of its indicators', kept current by
    ``monitoring.services.statuses_refresh`` whenever a measurement is approved or imported or a
    target changes), so no measurement is read here.
    """
    goals = (
        access.visible(user, Goal)
        .filter(level=Goal.Level.STRATEGIC, plan_id__in=plan_ids)
        .order_by("plan_id", "position", "title")
        .values_list("plan_id", "pk", "title", "status")
    )
    statuses = {status.value: status for status in Status}
    by_plan: dict[int, list[GoalStatus]] = defaultdict(list)
    for plan_id, pk, title, status in goals:
        by_plan[plan_id].append(GoalStatus(goal=GoalRef(pk, title), status=statuses[status]))
    return by_plan


def latest_done_reports(*, user, plan_ids, kinds=(StatusReport.Kind.PIXI, StatusReport.Kind.FULL)) -> dict:
    """``{(plan_id, kind): report}``: the newest finished board report of the latest period that
    ``user`` may read (``plans.access``; one query; on PostgreSQL ``DISTINCT ON`` returns one row
    per plan and kind instead of every report of every plan)."""
    readable = (
        access.visible(user, StatusReport)
        .filter(
            plan_id__in=plan_ids,
            kind__in=kinds,
            state=StatusReport.State.DONE,
            audience=StatusReport.Audience.BOARD,
        )
        .exclude(pdf="")
    )
    ordered = readable.defer("snapshot").order_by("plan_id", "kind", "-period", "-version")
    if connection.vendor == "postgresql":
        reports = ordered.distinct("plan_id", "kind")  # DISTINCT ON: one row per plan and kind
    else:
        reports, seen = [], set()
        for report in ordered:
            if (report.plan_id, report.kind) not in seen:
                seen.add((report.plan_id, report.kind))
                reports.append(report)
    return {(report.plan_id, report.kind): report for report in reports}


def portfolio_overview(
    *,
    user,
    year: int,
    phase: str = "",
    thematic_area_id: int | None = None,
    goal_status: str = "",
    sort: str = "name",
) -> list[PortfolioRow]:
    """'Overblik': every plan the user may see with its key figures, in a fixed number of queries."""
    plans = access.visible(user, Plan).select_related("municipality", "secretariat")
    if phase:
        plans = plans.filter(phase=phase)
    if thematic_area_id:
        plans = plans.filter(pk__in=SubAgreement.objects.filter(thematic_area_id=thematic_area_id).values("plan"))
    rows = {plan.pk: PortfolioRow(plan=plan) for plan in plans}
    plan_ids = list(rows)
    money = (
        access.restrict(Commitment.objects.confirmed().filter(plan_id__in=plan_ids, year=year), user)
        .values("plan_id", "party__kind")
        .annotate(amount=Sum("amount"))
    )
    for item in money:
        row = rows[item["plan_id"]]
        row.total_this_year += item["amount"] or 0
        if item["party__kind"] != Organisation.Kind.FUNDER:
            row.local_this_year += item["amount"] or 0
    for plan_id, goals in strategic_goal_statuses(user=user, plan_ids=plan_ids).items():
        rows[plan_id].goals = goals
    for (plan_id, _kind), report in latest_done_reports(
        user=user, plan_ids=plan_ids, kinds=[StatusReport.Kind.PIXI]
    ).items():
        rows[plan_id].last_pixi = report
    visible_meetings = access.visible(user, Meeting).filter(body__plan_id__in=plan_ids)
    board_meetings = (
        visible_meetings.filter(body__kind__in=Body.BOARD_KINDS, starts_at__gte=timezone.now())
        .annotate(plan_id=F("body__plan_id"))
        .only("pk", "starts_at", "agenda_sent_at")
        .order_by("body__plan_id", "starts_at", "pk")
    )
    if connection.vendor == "postgresql":
        board_meetings = board_meetings.distinct("body__plan_id")  # DISTINCT ON: each plan's next meeting only
    for meeting in board_meetings:
        row = rows[meeting.plan_id]
        if row.next_board_meeting is None:
            row.next_board_meeting = meeting
    today = timezone.localdate()
    actions = (
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN, decision__agenda_item__meeting__in=visible_meetings.values("pk")
        )
        .values(plan_id=F("decision__agenda_item__meeting__body__plan_id"))
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by()
    )
    for item in actions:
        rows[item["plan_id"]].open_actions = item["open"]
        rows[item["plan_id"]].overdue_actions = item["overdue"]
    composition = board_composition(plans=[row.plan for row in rows.values()], on=today, user=user)
    for plan_id, warnings in composition.items():
        rows[plan_id].composition = warnings
    selected = list(rows.values())
    if goal_status in {status.value for status in Status}:
        selected = [row for row in selected if any(g.status == goal_status for g in row.goals)]
    reverse = sort.startswith("-")
    key = PORTFOLIO_SORTS.get(sort.lstrip("-"), PORTFOLIO_SORTS["name"])
    return sorted(selected, key=key, reverse=reverse)


# --- Bybarometer ---------------------------------------------------------------------------------


@dataclass
class BarometerRow:
    period: str
    values: list  # one value (or None) per series, in series order


@dataclass
class AreaBarometer:
    """LBF area statistics of one kommune's visible housing areas vs the kommune and the country."""

    municipalities: list[Organisation]
    municipality: Organisation | None
    codes: list[str]
    code: str
    series: list[Series]
    rows: list[BarometerRow]


def area_barometer(*, user, municipality_id: int | None = None, code: str = "") -> AreaBarometer:
    """Bybarometer: visible areas (areas of plans the user may see) on one LBF indicator code (4 queries)."""
    areas = list(
        HousingArea.objects.filter(plans__in=access.visible(user, Plan).values("pk"))
        .distinct()
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )
    municipalities = list({area.municipality_id: area.municipality for area in areas}.values())
    default = municipalities[0] if municipalities else None
    municipality = next((m for m in municipalities if m.pk == municipality_id), default)
    areas = [area for area in areas if municipality and area.municipality_id == municipality.pk]
    codes = sorted(
        AreaStatistic.objects.filter(scope=AreaStatistic.Scope.AREA, area__in=[a.pk for a in areas])
        .values_list("indicator_code", flat=True)
        .distinct()
        .order_by()
    )
    code = code if code in codes else (codes[0] if codes else "")
    statistics = []
    if code:
        statistics = AreaStatistic.objects.filter(indicator_code=code).filter(
            Q(scope=AreaStatistic.Scope.AREA, area__in=[a.pk for a in areas])
            | Q(scope=AreaStatistic.Scope.MUNICIPALITY, municipality=municipality)
            | Q(scope=AreaStatistic.Scope.COUNTRY)
        )
    keys = [("area", area.pk) for area in areas] + [("municipality", None), ("country", None)]
    labels = [area.name for area in areas] + [municipality.name if municipality else "", str(_("Hele landet"))]
    points: dict[tuple, list[Point]] = {key: [] for key in keys}
    by_period: dict[str, dict] = defaultdict(dict)
    starts: dict[str, date] = {}
    for stat in statistics:
        key = (stat.scope, stat.area_id if stat.scope == AreaStatistic.Scope.AREA else None)
        if key not in points:
            continue
        points[key].append(Point(stat.period_end, stat.value))
        by_period[stat.period][key] = stat.value
        starts[stat.period] = stat.period_start
    series = [
        Series(label=label, points=sorted(points[key], key=lambda p: p.on), kind=key[0])
        for key, label in zip(keys, labels, strict=True)
    ]
    rows = [
        BarometerRow(period=period, values=[values.get(key) for key in keys])
        for period, values in sorted(by_period.items(), key=lambda item: starts[item[0]])
    ]
    return AreaBarometer(
        municipalities=municipalities, municipality=municipality, codes=codes, code=code, series=series, rows=rows
    )


# --- Mit sekretariat ----------------------------------------------------------------------------

SEND_OUT_URGENCY = {"late": 0, "due_today": 1, "open": 2, "sent_late": 3, "sent": 4}


def latest_completed_periods(today: date) -> dict[str, str]:
    """The latest period that has ended, per indicator frequency: 2026-Q2, 2026-H1, 2025 on 2026-07-15."""
    quarter = (today.month - 1) // 3  # completed quarters this year
    half = 1 if today.month > 6 else 0
    return {
        QUARTERLY: f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4",
        HALF_YEARLY: f"{today.year}-H{half}" if half else f"{today.year - 1}-H2",
        YEARLY: str(today.year - 1),
    }


@dataclass
class MissingMeasurement:
    indicator: Indicator
    period: str


@dataclass
class SecretariatDashboard:
    """Each list holds the top ``limit`` rows (or all, for the sections in ``show_all``); the
    ``*_count`` fields say how many there are, so the page can offer "vis alle"."""

    plans: list[Plan]
    meetings: list[Meeting]
    actions: list[ActionItem]
    missing: list[MissingMeasurement]
    reports: list[StatusReport]
    today: date
    waiting_jobs: int = 0  # send-outs and reports waiting for a job system that does not answer
    plan_count: int = 0
    meeting_count: int = 0
    action_count: int = 0
    missing_count: int = 0
    limit: int = 0

    @property
    def late_meetings(self) -> list[Meeting]:
        """Upcoming meetings whose agenda should have gone out by now (from the loaded meetings)."""
        return [meeting for meeting in self.meetings if meeting.send_out_state(self.today) == "late"]


def waiting_jobs_count(*, plan_ids: list[int], now=None) -> int:
    """Send-outs, reports and imports of these plans still queued after the job system had time to take them
    (twice the grace ``recover_jobs`` allows), or noted as not handed over: one query."""
    cutoff = (now or timezone.now()) - 2 * jobs.QUEUED_GRACE
    waiting = Q(state=jobs.JobState.QUEUED) & (
        Q(queued_at__lt=cutoff) | Q(last_error__startswith=jobs.BROKER_DOWN_PREFIX)
    )
    send_outs = SendOut.objects.filter(waiting, meeting__body__plan_id__in=plan_ids).order_by().values("pk")
    reports = StatusReport.objects.filter(waiting, plan_id__in=plan_ids).order_by().values("pk")
    imports = ImportJob.objects.filter(waiting, plan_id__in=plan_ids).order_by().values("pk")
    return send_outs.union(reports, imports, all=True).count()


DASHBOARD_TOP = 20  # rows per section before "vis alle" (issue 13: pages that do not grow with the country)
DASHBOARD_SECTIONS = ("planer", "moeder", "handlinger", "maalinger")
URGENT_MEETINGS_READ = 100  # the nearest meetings hold every late or due send-out (deadline 10 working days)


def top_rows(queryset, limit: int, *, everything: bool = False) -> tuple[list, int]:
    """The first ``limit`` rows (all with ``everything``) and how many there are, in one query: the
    count is a window over the whole filtered set, computed before the LIMIT."""
    counted = queryset.annotate(_total=Window(Count("pk")))
    rows = list(counted if everything else counted[:limit])
    return rows, (rows[0]._total if rows else 0)


def secretariat_dashboard(
    *, user, report_limit: int = DASHBOARD_TOP, limit: int = DASHBOARD_TOP, show_all=()
) -> SecretariatDashboard:
    """'Mit sekretariat': the secretariat's plans and what needs doing, in a fixed number of queries.

    Every section is counted in the database and only its top ``limit`` rows are read (most urgent
    first), unless the section is in ``show_all`` (``DASHBOARD_SECTIONS``): the page stays the
    same size for a secretariat with 2 plans and a national user with 150.
    """
    today = timezone.localdate()
    show_all = set(show_all)
    plans_qs = (
        plans_for_roles(user, SECRETARIAT_ROLES)
        .filter(pk__in=access.visible(user, Plan).values("pk"))
        .select_related("municipality", "secretariat")
        .order_by("name")
    )
    plans, plan_count = top_rows(plans_qs, limit, everything="planer" in show_all)
    plan_scope = plans_qs.values("pk")
    visible_meetings = access.visible(user, Meeting).filter(body__plan_id__in=plan_scope)
    upcoming = visible_meetings.filter(starts_at__gte=timezone.now()).select_related("body__plan").order_by("starts_at")
    meetings, meeting_count = top_rows(upcoming, URGENT_MEETINGS_READ, everything="moeder" in show_all)
    meetings.sort(key=lambda m: (SEND_OUT_URGENCY[m.send_out_state(today)], m.starts_at))
    open_actions = (
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN, decision__agenda_item__meeting__in=visible_meetings.values("pk")
        )
        .select_related("owner")
        .only("title", "due_date", "status", "owner__name")
        .annotate(
            plan_pk=F("decision__agenda_item__meeting__body__plan_id"),
            plan_name=F("decision__agenda_item__meeting__body__plan__name"),
        )
        .order_by("due_date", "pk")
    )
    actions, action_count = top_rows(open_actions, limit, everything="handlinger" in show_all)
    periods = latest_completed_periods(today)
    measured = Measurement.objects.filter(
        indicator=OuterRef("pk"), breakdown_value="", period__in=list(periods.values())
    )  # an indicator's periods all have its frequency, so any of the three labels is its latest period
    missing_qs = (
        Indicator.objects.filter(goal__in=access.visible(user, Goal).filter(plan_id__in=plan_scope).values("pk"))
        .filter(~Exists(measured))
        .select_related("goal__plan")
        .order_by("goal__plan__name", "goal__level", "goal__position", "position", "name")
    )
    indicators, missing_count = top_rows(missing_qs, limit, everything="maalinger" in show_all)
    missing = [MissingMeasurement(indicator=i, period=periods[i.frequency]) for i in indicators]
    reports = list(
        access.visible(user, StatusReport)
        .filter(plan_id__in=plan_scope)
        .defer("snapshot")
        .select_related("plan", "requested_by", "audience_body")
        .order_by("-created_at", "-pk")[:report_limit]
    )
    if "moeder" not in show_all:
        meetings = meetings[:limit]
    actions.sort(key=lambda a: (a.owner.name if a.owner else "", a.owner_id or 0, a.due_date, a.pk))
    return SecretariatDashboard(
        plans=plans,
        meetings=meetings,
        actions=actions,
        missing=missing,
        reports=reports,
        today=today,
        waiting_jobs=waiting_jobs_count(plan_ids=plan_scope),
        plan_count=plan_count,
        meeting_count=meeting_count,
        action_count=action_count,
        missing_count=missing_count,
        limit=limit,
    )


# --- Læsesal ------------------------------------------------------------------------------------


@dataclass
class ReadingRoomPlan:
    plan: Plan
    pixi: StatusReport | None = None
    full: StatusReport | None = None


@dataclass
class ReadingRoom:
    plans: list[ReadingRoomPlan]
    meetings: list[Meeting]
    decisions: list[Decision]
    my_actions: list[ActionItem] = field(default_factory=list)
    today: date | None = None

    @property
    def next_meeting(self) -> Meeting | None:
        """The member's next meeting (the first upcoming one they may see)."""
        return self.meetings[0] if self.meetings else None

    @property
    def latest_pixi(self) -> StatusReport | None:
        """The newest pixi report among the member's plans."""
        pixis = [row.pixi for row in self.plans if row.pixi]
        return max(pixis, key=lambda report: (report.period, report.created_at), default=None)

    @property
    def open_actions(self) -> list[ActionItem]:
        return [action for action in self.my_actions if action.status == ActionItem.Status.OPEN]

    @property
    def closed_actions(self) -> list[ActionItem]:
        return [action for action in self.my_actions if action.status != ActionItem.Status.OPEN]


def reading_room(*, user, last_meetings: int = 5, own_actions: int = 40) -> ReadingRoom:
    """'Læsesal': the board member's plans with their latest reports, the next meeting and its pack,
    recent decisions and the action items the member owns (their follow-up), in a fixed number of queries."""
    plans = list(
        plans_for_roles(user, {Role.BOARD_MEMBER})
        .filter(pk__in=access.visible(user, Plan).values("pk"))
        .select_related("municipality")
        .order_by("name")
    )
    plan_ids = [plan.pk for plan in plans]
    latest = latest_done_reports(user=user, plan_ids=plan_ids)
    rows = [
        ReadingRoomPlan(
            plan=plan,
            pixi=latest.get((plan.pk, StatusReport.Kind.PIXI)),
            full=latest.get((plan.pk, StatusReport.Kind.FULL)),
        )
        for plan in plans
    ]
    visible = access.visible(user, Meeting).filter(body__plan_id__in=plan_ids)
    now = timezone.now()
    packs = SendOut.objects.filter(meeting=OuterRef("pk"), state=SendOut.State.DONE).exclude(pack="")
    meetings = list(
        visible.filter(starts_at__gte=now)
        .annotate(has_pack=Exists(packs))
        .select_related("body__plan")
        .order_by("starts_at")
    )
    recent = visible.filter(starts_at__lt=now).order_by("-starts_at").values("pk")[:last_meetings]
    decisions = list(
        Decision.objects.filter(is_current=True, agenda_item__meeting__in=list(recent.values_list("pk", flat=True)))
        .select_related("agenda_item__meeting__body__plan")
        .order_by("-agenda_item__meeting__starts_at", "agenda_item__position")
    )
    # Made personal: the action items from decisions that the member owns, open ones first.
    my_actions = list(
        ActionItem.objects.filter(owner__user_id=user.pk, decision__agenda_item__meeting__in=visible.values("pk"))
        .select_related("decision__agenda_item__meeting__body__plan")
        .order_by(Case(When(status=ActionItem.Status.OPEN, then=0), default=1), "due_date", "pk")[:own_actions]
    )
    return ReadingRoom(
        plans=rows, meetings=meetings, decisions=decisions, my_actions=my_actions, today=timezone.localdate()
    )
