"""What a status report says: the snapshot of the plan's data for a quarter, and its HTML and PDF.

``build_report_snapshot`` is the one function that assembles a report's content. It runs the
section builders listed for the report's kind (``PIXI_SECTIONS`` / ``FULL_SECTIONS``) and returns a
JSON-serialisable dict; the PDF is rendered from that dict only, so the snapshot and its SHA-256
say exactly what a version was built from. Nothing in the snapshot depends on when it was built
(no timestamps, no versions), so the hash changes when the data change and not otherwise.

Adding a section = one builder ``section_<name>(*, plan, quarter, kind, audience) -> JSON`` listed in the
kind's list below, and one template ``governance/reports/sections/<name>.html`` (or
``<name>_<kind>.html`` for a kind-specific layout) that receives the builder's output as
``section``. A section whose builder returns ``None`` is left out of the PDF.

A report is made for an audience (``ReportAudience``): the board gets the whole plan, as before;
a steering group gets only its own delaftaler (with their delmål, indicators, indsatser and
commitments), the plan's strategic goals (which steering-group members see on the plan pages
too), its own meetings with their decisions and action items, its own members, and questions
drawn from that scope only. The builders read rows directly (a system job has no user) but
always through the audience's filters; who may read a report is decided when it is read
(``plans.access``).

Charts are stored as data (points, baseline, targets) and drawn when the HTML is rendered by
``monitoring.charts.indicator_chart_svg``, which escapes every text; no markup from the
snapshot is ever rendered unescaped.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from common.formatting import format_date, format_number
from common.pdf import write_tagged_pdf
from common.periods import Quarter
from governance.bodies.models import Body, Membership
from governance.bodies.selectors import board_composition
from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting
from governance.reports.models import StatusReport
from monitoring.models import Goal, Indicator, Measurement, Obligation, Target
from monitoring.status import Status, indicator_assessment, worst
from plans.models import Commitment, Intervention, Organisation, Plan, SubAgreement
from plans.selectors import plan_commitment_summary

SNAPSHOT_SCHEMA = 4  # 3: audience in the header, charts stored as data; 4: data cut-off and meeting, delmål per goal


SectionBuilder = Callable[..., object]


@dataclass(frozen=True)
class ReportAudience:
    """Who a report is for: the board (``body`` None: every delaftale, body and meeting of the plan)
    or one steering group (``body``: only its delaftaler, its meetings and its members)."""

    kind: str = StatusReport.Audience.BOARD
    body: Body | None = None
    sub_agreement_ids: frozenset[int] = frozenset()

    @classmethod
    def resolve(cls, *, plan: Plan, audience: str = StatusReport.Audience.BOARD, audience_body=None):
        audience = StatusReport.Audience(audience)
        if audience == StatusReport.Audience.BOARD:
            return cls()
        body_id = getattr(audience_body, "pk", audience_body)
        body = Body.objects.filter(plan=plan, kind__in=Body.GROUP_KINDS).get(pk=body_id)
        return cls(
            kind=audience, body=body, sub_agreement_ids=frozenset(body.sub_agreements.values_list("pk", flat=True))
        )

    @property
    def is_board(self) -> bool:
        return self.body is None

    def sub_agreements(self, queryset, field: str = "pk"):
        """``queryset`` narrowed to the audience's delaftaler (unchanged for the board)."""
        return queryset if self.is_board else queryset.filter(**{f"{field}__in": self.sub_agreement_ids})

    def meetings(self, queryset, field: str = "body"):
        """``queryset`` narrowed to the audience's own bodies' meetings: the board's (and a political
        follow-up group's) for the board, the group's own for a steering group. The board's report is
        rendered from what its members may see (``plans.access``), which is not the steering groups'
        meetings; those groups get their own reports."""
        if self.is_board:
            return queryset.filter(**{f"{field}__kind__in": Body.BOARD_KINDS})
        return queryset.filter(**{field: self.body.pk})

    def bodies(self, queryset):
        """The plan's bodies for the organisation section: all of them for the board (the structure
        is on the plan page for every reader), the group itself for a steering group."""
        return queryset if self.is_board else queryset.filter(pk=self.body.pk)


BOARD = ReportAudience()


@dataclass(frozen=True)
class ReportCutoff:
    """Up to when a report counts data.

    A quarterly report (no meeting): ``day`` is the quarter's last day; approved measurements whose period
    ended by then count, whenever they were approved before the report was built (``approved_before`` None).
    A report for a meeting: ``day`` is the meeting's data cut-off (default: its send-out deadline); a
    measurement counts only if its period ended by then **and** it was approved by the end of that day,
    so a version rebuilt later says the same. Action items, decisions and meetings count up to ``day``.
    """

    day: date
    approved_before: datetime | None = None  # exclusive: the start of the day after the cut-off
    meeting: Meeting | None = None
    # The agenda builder asks as of yesterday but about the meetings before the new one (which may
    # include meetings still to come): the "last two meetings" are those starting before this moment.
    meetings_before: datetime | None = None

    @classmethod
    def for_quarter(cls, quarter: Quarter) -> "ReportCutoff":
        return cls(day=quarter.end)

    @classmethod
    def for_meeting(cls, meeting: Meeting, day: date | None = None) -> "ReportCutoff":
        day = day or StatusReport.default_data_cutoff(meeting)
        return cls(day=day, approved_before=_start_of(day + timedelta(days=1)), meeting=meeting)

    @property
    def end(self) -> datetime:
        """The first moment after the cut-off day (local time): meetings before it count."""
        return _start_of(self.day + timedelta(days=1))

    def measurements(self, queryset):
        queryset = queryset.filter(period_end__lte=self.day)
        if self.approved_before is not None:
            queryset = queryset.filter(approved_at__lt=self.approved_before)
        return queryset

    def header(self) -> dict:
        meeting = self.meeting
        return {
            "as_of": _date(self.day),
            "rule": "approved_by_cutoff" if self.approved_before else "period_end",
            "meeting": None
            if meeting is None
            else {
                "id": meeting.pk,
                "title": meeting.title,
                "body": meeting.body.name,
                "date": _date(timezone.localtime(meeting.starts_at).date()),
            },
        }


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def section_header(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> dict:
    """Plan, kommune, secretariat, areas, the period with its dates, and who the report is for."""
    if audience.is_board:
        audience_label = _("Til bestyrelsen")
    else:
        audience_label = _("Til styregruppen %(name)s") % {"name": audience.body.name}
    return {
        "audience": {
            "kind": str(audience.kind),
            "body_id": None if audience.is_board else audience.body.pk,
            "body": None if audience.is_board else audience.body.name,
            "label": audience_label,
        },
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "municipality": plan.municipality.name,
            "secretariat": plan.secretariat.name,
            "housing_organisations": sorted(org.name for org in plan.housing_organisations.all()),
            "areas": sorted(area.name for area in plan.areas.all()),
            "funding_period": plan.get_funding_period_display(),
            "start_date": _date(plan.start_date),
            "end_date": _date(plan.end_date),
            "phase": plan.get_phase_display(),
        },
        "period": {
            "code": quarter.code,
            "label": quarter.label,
            "start": _date(quarter.start),
            "end": _date(quarter.end),
        },
        "kind": kind,
        "kind_label": str(StatusReport.Kind(kind).label),
        "cutoff": cutoff.header(),
    }


def _sub_agreements(*, plan: Plan, audience: ReportAudience) -> list[dict]:
    """Per delaftale of the audience: thematic area, parties, owning groups, interventions and progress counts."""
    sub_agreements = (
        audience.sub_agreements(SubAgreement.objects.filter(plan=plan))
        .select_related("thematic_area")
        .prefetch_related(
            "parties",
            Prefetch("bodies", queryset=Body.objects.order_by("name")),
            Prefetch(
                "interventions",
                queryset=Intervention.objects.select_related("responsible_partner").order_by("name", "pk"),
            ),
        )
        .order_by("thematic_area__position", "title")
    )
    result = []
    for sa in sub_agreements:
        interventions = list(sa.interventions.all())
        counts = Counter(i.status for i in interventions)
        result.append(
            {
                "id": sa.pk,
                "title": sa.title,
                "thematic_area": sa.thematic_area.name,
                "description": sa.description,
                "parties": sorted(party.name for party in sa.parties.all()),
                "groups": [body.name for body in sa.bodies.all()],
                "interventions": [
                    {
                        "name": i.name,
                        "responsible_partner": i.responsible_partner.name,
                        "status": i.status,
                        "status_label": str(i.get_status_display()),
                        "start_date": _date(i.start_date),
                        "end_date": _date(i.end_date),
                    }
                    for i in interventions
                ],
                "progress": [
                    {"status": status.value, "label": str(status.label), "count": counts.get(status.value, 0)}
                    for status in Intervention.Status
                ],
                "intervention_count": len(interventions),
            }
        )
    return result


def section_commitments(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> dict:
    """Commitments of the period's year per party against LBF's 25 % local share, and the plan total.
    A steering group's report counts only the commitments tied to its delaftaler."""
    year = quarter.year
    commitments = audience.sub_agreements(Commitment.objects.confirmed().filter(plan=plan), field="sub_agreement")
    summary = plan_commitment_summary(plan=plan, commitments=commitments)
    delivered = {
        row["party_id"]: row["delivered"]
        for row in commitments.filter(year=year).values("party_id").annotate(delivered=Sum("delivered_amount"))
    }
    in_period = year in summary.years
    local = summary.local_by_year.get(year, Decimal("0"))
    total = summary.total_by_year.get(year, Decimal("0"))
    share = (local / total) if total else None
    rows = [
        {
            "party": row.party.name,
            "is_local": row.is_local,
            "committed": _decimal(row.by_year[year]),
            "delivered": _decimal(delivered.get(row.party.pk)),
            "hours": _decimal(row.hours_by_year.get(year)),
        }
        for row in summary.rows
        if year in row.by_year
    ]
    return {
        "scope": "plan" if audience.is_board else "sub_agreements",
        "year": year,
        "in_plan_period": in_period,
        "required_share": _decimal(summary.required_share),
        "rows": rows,
        "local": _decimal(local),
        "total": _decimal(total),
        "share": _decimal(share.quantize(Decimal("0.0001")) if share is not None else None),
        "meets_requirement": None if share is None else share >= summary.required_share,
        "plan_local_total": _decimal(summary.local_total),
        "plan_grand_total": _decimal(summary.grand_total),
        "plan_share": _decimal(summary.local_share.quantize(Decimal("0.0001")) if summary.local_share else None),
        "plan_meets_requirement": summary.meets_requirement,
    }


def section_bodies(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> list[dict]:
    """The plan's bodies (a steering group's report: the group itself) and their members as they
    stood at the end of the quarter."""
    members = Membership.objects.current(on=cutoff.day).select_related("person", "organisation")
    bodies = (
        audience.bodies(Body.objects.filter(plan=plan))
        .prefetch_related(
            Prefetch("memberships", queryset=members, to_attr="period_memberships"),
            Prefetch("sub_agreements", queryset=SubAgreement.objects.order_by("title")),
        )
        .order_by("kind", "name")
    )
    result = []
    for body in sorted(bodies, key=lambda b: (not b.is_board, b.kind, b.name)):
        memberships = sorted(
            body.period_memberships, key=lambda m: (Membership.ROLE_ORDER.index(m.role), m.person.name, m.pk)
        )
        result.append(
            {
                "name": body.name,
                "kind": body.kind,
                "kind_label": str(body.get_kind_display()),
                "is_board": body.is_board,
                "sub_agreements": [
                    sa.title
                    for sa in body.sub_agreements.all()
                    if audience.is_board or sa.pk in audience.sub_agreement_ids
                ],
                "members": [
                    {
                        "name": m.person.name,
                        "role": m.role,
                        "role_label": str(m.get_role_display()),
                        "organisation": m.organisation.name,
                        "title": m.person.title,
                    }
                    for m in memberships
                ],
            }
        )
    return result


PIXI_CHART = {"width": 150, "height": 40, "compact": True}


FULL_CHART = {"width": 520, "height": 170, "compact": False}


def _status_fields(status: Status) -> dict:
    """Status as the web pages show it: the same word (monitoring's labels), symbol and css class."""
    return {
        "status": status.value,
        "status_label": status.label,
        "status_symbol": status.symbol,
        "status_css": status.css,
    }


def _plan_goals(*, plan: Plan, cutoff: ReportCutoff, audience: ReportAudience = BOARD) -> list[Goal]:
    """The plan's strategic goals and the audience's delmål, with indicators, targets and the approved
    whole-population measurements that count by the cut-off (``ReportCutoff.measurements``; four queries)."""
    measurements = cutoff.measurements(Measurement.objects.approved().totals()).order_by("period_start")
    indicators = Indicator.objects.order_by("position", "name").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("due_date")),
        Prefetch("measurements", queryset=measurements, to_attr="report_measurements"),
    )
    goals = Goal.objects.filter(plan=plan)
    if not audience.is_board:
        goals = goals.filter(
            Q(level=Goal.Level.STRATEGIC) | Q(level=Goal.Level.SUB, sub_agreement_id__in=audience.sub_agreement_ids)
        )
    return list(
        goals.select_related("sub_agreement")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("level", "position", "title")
    )


def _chart_data(indicator: Indicator, measurements, *, targets, width: int, height: int, compact: bool) -> dict:
    """What the chart shows, as plain data; drawn at render time by the ``report_chart`` filter."""
    return {
        "indicator": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": {"date": _date(indicator.baseline_date), "value": _decimal(indicator.baseline_value)},
        "targets": [{"date": _date(t.due_date), "value": _decimal(t.value)} for t in targets],
        "points": [
            {"date": _date(m.period_end), "value": _decimal(m.value)}
            for m in measurements
            if m.status == Measurement.Status.APPROVED and not m.breakdown_value
        ],
        "width": width,
        "height": height,
        "compact": compact,
    }


def _indicator_content(indicator: Indicator, *, quarter: Quarter, kind: str) -> dict:
    targets = list(indicator.targets.all())
    measurements = indicator.report_measurements
    assessment = indicator_assessment(indicator, targets=targets, measurements=measurements)
    latest = measurements[-1] if measurements else None
    previous_end = quarter.previous().end
    previous = next((m for m in reversed(measurements) if m.period_end <= previous_end), None)
    new_since_previous = latest is not None and (previous is None or previous.pk != latest.pk)
    change = latest.value - previous.value if latest is not None and previous is not None else None
    target = assessment.target
    if target is None and targets:
        target = targets[-1]
        target_value, target_due = target.value, target.due_date
    elif target is not None:
        target_value, target_due = target.value, target.on
    else:
        target_value = target_due = None
    chart = PIXI_CHART if kind == StatusReport.Kind.PIXI else FULL_CHART
    content = {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction_label": str(indicator.get_direction_display()),
        "data_source_label": str(indicator.get_data_source_display()),
        "frequency_label": str(indicator.get_frequency_display()),
        "baseline": {"value": _decimal(indicator.baseline_value), "date": _date(indicator.baseline_date)},
        "latest": {"period": latest.period, "value": _decimal(latest.value)} if latest else None,
        "previous": {"period": previous.period, "value": _decimal(previous.value)} if previous else None,
        "change": _decimal(change) if new_since_previous else None,
        "new_since_previous": new_since_previous,
        "target": {"value": _decimal(target_value), "due_date": _date(target_due)}
        if target_value is not None
        else None,
        **_status_fields(assessment.status),
        "chart": _chart_data(indicator, measurements, targets=targets, **chart),
    }
    if kind == StatusReport.Kind.FULL:
        content["measurements"] = [
            {"period": m.period, "value": _decimal(m.value), "source_note": m.source_note} for m in measurements
        ]
    return content


def _goal_content(goal: Goal, *, quarter: Quarter, kind: str) -> dict:
    indicators = [_indicator_content(i, quarter=quarter, kind=kind) for i in goal.indicators.all()]
    status = worst(Status(i["status"]) for i in indicators)
    # The goal's small trend chart: the indicator that sets its status (else its first indicator).
    key = next((i for i in indicators if i["status"] == status.value), indicators[0] if indicators else None)
    return {
        "id": goal.pk,
        "title": goal.title,
        "level": goal.level,
        "kind_label": str(goal.get_kind_display()),
        **_status_fields(status),
        "key_indicator": key["name"] if key else None,
        "chart": key["chart"] if key else None,
        "indicators": indicators,
    }


def section_goals(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> dict:
    """Per strategic goal its derived status at the cut-off, a trend chart, its indicators (value, target,
    change since last quarter) and its delmål with their status; the full report also has every measurement.
    Strategic goals are in every audience's report: steering-group members see them on the plan's
    pages too (``monitoring.selectors.goals_for``)."""
    goals = _plan_goals(plan=plan, cutoff=cutoff, audience=audience)
    strategic = [g for g in goals if g.level == Goal.Level.STRATEGIC]
    sub_goals = defaultdict(list)
    for goal in goals:
        if goal.level == Goal.Level.SUB and goal.contributes_to_id:
            sub_goals[goal.contributes_to_id].append(goal)
    contents = []
    for goal in strategic:
        content = _goal_content(goal, quarter=quarter, kind=kind)
        # Delmål under their strategic goal (the audience's delmål only): title, delaftale and status.
        content["sub_goals"] = [
            {
                "id": sub["id"],
                "title": sub["title"],
                "sub_agreement": sub_goal.sub_agreement.title if sub_goal.sub_agreement_id else None,
                **{key: sub[key] for key in ("status", "status_label", "status_symbol", "status_css")},
            }
            for sub_goal in sub_goals[goal.pk]
            for sub in [_goal_content(sub_goal, quarter=quarter, kind=StatusReport.Kind.PIXI)]
        ]
        contents.append(content)
    counts = Counter(goal["status"] for goal in contents)
    return {
        "as_of": _date(cutoff.day),
        "goals": contents,
        "summary": [
            {**_status_fields(status), "count": counts.get(status.value, 0)}
            for status in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)
        ],
    }


def section_sub_agreements(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> list[dict]:
    """Per delaftale of the audience: progress counts; the full report adds its delmål with indicators
    and interventions."""
    result = _sub_agreements(plan=plan, audience=audience)
    if kind == StatusReport.Kind.FULL:
        by_sub_agreement = defaultdict(list)
        for goal in _plan_goals(plan=plan, cutoff=cutoff, audience=audience):
            if goal.level == Goal.Level.SUB:
                by_sub_agreement[goal.sub_agreement_id].append(_goal_content(goal, quarter=quarter, kind=kind))
        for sa in result:
            sa["goals"] = by_sub_agreement.get(sa["id"], [])
    return result


def _current_decisions(*, plan: Plan, audience: ReportAudience):
    return (
        audience.meetings(
            Decision.objects.filter(is_current=True, agenda_item__meeting__body__plan=plan),
            field="agenda_item__meeting__body",
        )
        .select_related("agenda_item__meeting__body")
        .prefetch_related(Prefetch("agenda_item__goals", queryset=Goal.objects.order_by("level", "position", "title")))
    )


def _action_content(action: ActionItem, *, cutoff: ReportCutoff) -> dict:
    meeting = action.decision.agenda_item.meeting
    return {
        "id": action.pk,
        "title": action.title,
        "owner": action.owner.name,
        "due_date": _date(action.due_date),
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "overdue": action.status == ActionItem.Status.OPEN and action.due_date <= cutoff.day,
        "body": meeting.body.name,
        "meeting_date": _date(timezone.localtime(meeting.starts_at).date()),
        "item": action.decision.agenda_item.title,
        "goal_ids": sorted(goal.pk for goal in action.decision.agenda_item.goals.all()),
    }


def _actions_queryset():
    return (
        ActionItem.objects.filter(decision__is_current=True)
        .select_related("owner", "decision__agenda_item__meeting__body")
        .prefetch_related("decision__agenda_item__goals")
    )


def _overdue_actions(*, plan: Plan, cutoff: ReportCutoff, audience: ReportAudience) -> list[ActionItem]:
    """Action items of the audience's meetings (held by the cut-off) still open that were due by the cut-off."""
    return list(
        audience.meetings(_actions_queryset(), field="decision__agenda_item__meeting__body")
        .filter(
            decision__agenda_item__meeting__body__plan=plan,
            status=ActionItem.Status.OPEN,
            due_date__lte=cutoff.day,
            decision__agenda_item__meeting__starts_at__lt=cutoff.end,
        )
        .order_by("due_date", "pk")
    )


def section_decisions(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> list[dict]:
    """The current decisions taken at meetings in the quarter: every body's for the board, the
    group's own for a steering group."""
    start, end = quarter.bounds()[0], cutoff.end
    decisions = (
        _current_decisions(plan=plan, audience=audience)
        .filter(agenda_item__meeting__starts_at__gte=start, agenda_item__meeting__starts_at__lt=end)
        .order_by("agenda_item__meeting__starts_at", "agenda_item__meeting_id", "agenda_item__position")
    )
    if kind == StatusReport.Kind.FULL:
        decisions = decisions.prefetch_related(
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner").order_by("due_date", "pk"))
        )
    result = []
    for decision in decisions:
        item, meeting = decision.agenda_item, decision.agenda_item.meeting
        content = {
            "id": decision.pk,
            "body": meeting.body.name,
            "is_board": meeting.body.is_board,
            "meeting_date": _date(timezone.localtime(meeting.starts_at).date()),
            "item": item.title,
            "text": decision.text,
            "version": decision.version,
            "locked": decision.is_locked,
            "goals": [goal.title for goal in item.goals.all()],
        }
        if kind == StatusReport.Kind.FULL:
            content["actions"] = [
                {
                    "title": action.title,
                    "owner": action.owner.name,
                    "due_date": _date(action.due_date),
                    "status_label": str(action.get_status_display()),
                    "overdue": action.status == ActionItem.Status.OPEN and action.due_date <= cutoff.day,
                }
                for action in decision.actions.all()
            ]
        result.append(content)
    return result


def section_actions(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> dict:
    """Pixi: action items overdue at the quarter's end. Full: also every action decided in the quarter.
    A steering group's report has only the actions of its own meetings' decisions."""
    overdue = _overdue_actions(plan=plan, cutoff=cutoff, audience=audience)
    content = {"as_of": _date(cutoff.day), "overdue": [_action_content(a, cutoff=cutoff) for a in overdue]}
    if kind == StatusReport.Kind.FULL:
        start, end = quarter.bounds()[0], cutoff.end
        decided = (
            audience.meetings(_actions_queryset(), field="decision__agenda_item__meeting__body")
            .filter(
                decision__agenda_item__meeting__body__plan=plan,
                decision__agenda_item__meeting__starts_at__gte=start,
                decision__agenda_item__meeting__starts_at__lt=end,
            )
            .order_by("due_date", "pk")
        )
        content["decided"] = [_action_content(a, cutoff=cutoff) for a in decided]
    return content


def section_meetings(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> list[dict]:
    """Every meeting in the quarter with its items and decisions: the plan's bodies' for the board,
    the group's own for a steering group."""
    start, end = quarter.bounds()[0], cutoff.end
    meetings = (
        audience.meetings(Meeting.objects.filter(body__plan=plan, starts_at__gte=start, starts_at__lt=end))
        .select_related("body")
        .annotate(
            item_count=Count("agenda_items", distinct=True),
            decision_count=Count(
                "agenda_items__decisions", filter=Q(agenda_items__decisions__is_current=True), distinct=True
            ),
        )
        .order_by("starts_at", "pk")
    )
    return [
        {
            "title": meeting.title,
            "body": meeting.body.name,
            "date": _date(timezone.localtime(meeting.starts_at).date()),
            "kind_label": str(meeting.get_kind_display()),
            "status_label": str(meeting.get_status_display()),
            "item_count": meeting.item_count,
            "decision_count": meeting.decision_count,
        }
        for meeting in meetings
    ]


QUESTION_TITLE_LENGTH = 200  # AgendaItem.title


def _off_track_questions(*, plan: Plan, quarter: Quarter, audience: ReportAudience, cutoff: ReportCutoff) -> list[dict]:
    """Board: off-track goals with no decision about them at the board's last two meetings.
    Steering group: its own off-track delmål with no decision at the group's last two meetings."""
    goals = _plan_goals(plan=plan, cutoff=cutoff, audience=audience)
    by_id = {goal.pk: goal for goal in goals}
    if audience.is_board:
        own_meetings = Meeting.objects.filter(body__plan=plan, body__kind=Body.Kind.BOARD)
    else:
        own_meetings = Meeting.objects.filter(body=audience.body)
    last_board_meetings = list(
        own_meetings.filter(starts_at__lt=cutoff.meetings_before or cutoff.end)
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:2]
    )
    decided_goal_ids = set(
        AgendaItem.goals.through.objects.filter(
            agendaitem__meeting__in=last_board_meetings,
            agendaitem__decisions__is_current=True,
        ).values_list("goal_id", flat=True)
    )
    questions = []
    for goal in goals:
        if not audience.is_board and goal.level != Goal.Level.SUB:
            continue  # the strategic goals are the board's to decide
        content = _goal_content(goal, quarter=quarter, kind=StatusReport.Kind.PIXI)
        if content["status"] != Status.OFF_TRACK:
            continue
        # A decision about the goal, its strategic goal or one of its delmål counts.
        related = {goal.pk, goal.contributes_to_id} | {g.pk for g in goals if g.contributes_to_id == goal.pk}
        if related & decided_goal_ids:
            continue
        off = [i for i in content["indicators"] if i["status"] == Status.OFF_TRACK]
        figures = "; ".join(
            _("%(name)s: %(value)s %(unit)s mod målet %(target)s %(unit)s")
            % {
                "name": i["name"],
                "value": format_number(i["latest"]["value"]) if i["latest"] else "–",
                "target": format_number(i["target"]["value"]) if i["target"] else "–",
                "unit": i["unit"],
            }
            for i in off
        )
        level = _("Strategisk mål") if goal.level == Goal.Level.STRATEGIC else _("Delmål")
        questions.append(
            {
                "key": f"goal-{goal.pk}",
                "reason": "off_track_goal",
                "kind": AgendaItem.Kind.DECISION.value,
                "kind_label": str(AgendaItem.Kind.DECISION.label),
                "title": Truncator(_("%(level)s ude af kurs: %(title)s") % {"level": level, "title": goal.title}).chars(
                    QUESTION_TITLE_LENGTH
                ),
                "why": _(
                    "Målet er ude af kurs, og bestyrelsen har ikke truffet beslutning om det på de seneste to møder."
                )
                if audience.is_board
                else _(
                    "Målet er ude af kurs, og styregruppen har ikke truffet beslutning om det på de seneste to møder."
                ),
                "recommendation": (
                    _(
                        "Sekretariatet indstiller, at bestyrelsen drøfter, hvorfor målet „%(title)s“ er ude af kurs "
                        "(%(figures)s), og beslutter, om indsatserne skal justeres eller ressourcerne omprioriteres."
                    )
                    if audience.is_board
                    else _(
                        "Sekretariatet indstiller, at styregruppen drøfter, hvorfor målet „%(title)s“ er ude af kurs "
                        "(%(figures)s), og beslutter, om indsatserne skal justeres eller ressourcerne omprioriteres."
                    )
                )
                % {"title": goal.title, "figures": figures},
                "goal_ids": sorted(
                    {goal.pk} | ({goal.contributes_to_id} if goal.contributes_to_id in by_id else set())
                ),
            }
        )
    return questions


def _overdue_actions_question(
    *, plan: Plan, quarter: Quarter, audience: ReportAudience, cutoff: ReportCutoff
) -> list[dict]:
    overdue = _overdue_actions(plan=plan, cutoff=cutoff, audience=audience)
    if not overdue:
        return []
    lines = "; ".join(
        _("%(title)s (%(owner)s, frist %(due)s)")
        % {"title": a.title, "owner": a.owner.name, "due": format_date(a.due_date)}
        for a in overdue
    )
    return [
        {
            "key": "overdue-actions",
            "reason": "overdue_actions",
            "kind": AgendaItem.Kind.DISCUSSION.value,
            "kind_label": str(AgendaItem.Kind.DISCUSSION.label),
            "title": _("Overskredne handlingspunkter (%(count)s)") % {"count": len(overdue)},
            "why": _("Handlingspunkter fra bestyrelsens beslutninger er ikke fulgt op til tiden.")
            if audience.is_board
            else _("Handlingspunkter fra styregruppens beslutninger er ikke fulgt op til tiden."),
            "recommendation": (
                _(
                    "Sekretariatet indstiller, at bestyrelsen drøfter de overskredne handlingspunkter og aftaler nye "
                    "frister eller en anden ansvarlig: %(lines)s."
                )
                if audience.is_board
                else _(
                    "Sekretariatet indstiller, at styregruppen drøfter de overskredne handlingspunkter og aftaler nye "
                    "frister eller en anden ansvarlig: %(lines)s."
                )
            )
            % {"lines": lines},
            "goal_ids": sorted({goal.pk for a in overdue for goal in a.decision.agenda_item.goals.all()}),
        }
    ]


def _commitment_questions(
    *, plan: Plan, quarter: Quarter, audience: ReportAudience, cutoff: ReportCutoff
) -> list[dict]:
    """Co-financing shortfalls: parties that delivered less than they committed in years that had ended
    by the cut-off (a steering group: commitments tied to its delaftaler only)."""
    last_year = cutoff.day.year if (cutoff.day.month, cutoff.day.day) == (12, 31) else cutoff.day.year - 1
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    commitments = audience.sub_agreements(Commitment.objects.confirmed().filter(plan=plan), field="sub_agreement")
    rows = (
        commitments.filter(year__lte=last_year)
        .exclude(party__kind=Organisation.Kind.FUNDER)
        .values("party_id", "party__name")
        .annotate(committed=Sum("amount"), delivered=Sum(Coalesce("delivered_amount", zero)))
        .order_by("party__name", "party_id")
    )
    by_party = {row["party_id"]: row for row in rows if row["delivered"] < row["committed"]}
    if not by_party:
        return []
    years = defaultdict(list)
    for row in (
        commitments.filter(year__lte=last_year, party_id__in=list(by_party))
        .values("party_id", "year")
        .annotate(committed=Sum("amount"), delivered=Sum(Coalesce("delivered_amount", zero)))
        .order_by("year")
    ):
        if row["delivered"] < row["committed"]:
            years[row["party_id"]].append(str(row["year"]))
    questions = []
    for party_id, row in by_party.items():
        missing = row["committed"] - row["delivered"]
        questions.append(
            {
                "key": f"commitment-{party_id}",
                "reason": "commitment_not_honoured",
                "kind": AgendaItem.Kind.DISCUSSION.value,
                "kind_label": str(AgendaItem.Kind.DISCUSSION.label),
                "title": Truncator(_("Medfinansiering ikke leveret: %(party)s") % {"party": row["party__name"]}).chars(
                    QUESTION_TITLE_LENGTH
                ),
                "why": _("Parten har leveret mindre end sit tilsagn for afsluttede år."),
                "recommendation": (
                    _(
                        "Sekretariatet indstiller, at bestyrelsen drøfter med %(party)s, hvordan de manglende "
                        "%(missing)s kr. af tilsagnet for %(years)s leveres (tilsagn %(committed)s kr., leveret "
                        "%(delivered)s kr.)."
                    )
                    if audience.is_board
                    else _(
                        "Sekretariatet indstiller, at styregruppen drøfter med %(party)s, hvordan de manglende "
                        "%(missing)s kr. af tilsagnet for %(years)s leveres (tilsagn %(committed)s kr., leveret "
                        "%(delivered)s kr.)."
                    )
                )
                % {
                    "party": row["party__name"],
                    "missing": number_format(missing.quantize(Decimal(1)), 0, force_grouping=True),
                    "years": ", ".join(years[party_id]),
                    "committed": number_format(row["committed"].quantize(Decimal(1)), 0, force_grouping=True),
                    "delivered": number_format(row["delivered"].quantize(Decimal(1)), 0, force_grouping=True),
                },
                "goal_ids": [],
            }
        )
    return questions


def _obligation_questions(
    *, plan: Plan, quarter: Quarter, audience: ReportAudience, cutoff: ReportCutoff
) -> list[dict]:
    """Board: LBF's yearly obligations (selvevaluering, målopfyldelsesskema, regnskab …) past their deadline
    and not submitted by the cut-off. A steering group answers to the board, not to LBF: none."""
    if not audience.is_board:
        return []
    overdue = [
        obligation
        for obligation in Obligation.objects.filter(plan=plan, due_date__lt=cutoff.day).order_by("due_date", "pk")
        if obligation.submitted_on is None or obligation.submitted_on > cutoff.day
    ]
    if not overdue:
        return []
    lines = "; ".join(
        _("%(kind)s %(year)s (frist %(due)s)")
        % {
            "kind": obligation.get_kind_display(),
            "year": obligation.year,
            "due": format_date(obligation.due_date),
        }
        for obligation in overdue
    )
    return [
        {
            "key": "obligations-overdue",
            "reason": "overdue_obligations",
            "kind": AgendaItem.Kind.DECISION.value,
            "kind_label": str(AgendaItem.Kind.DECISION.label),
            "title": Truncator(_("Overskredne frister over for Landsbyggefonden")).chars(QUESTION_TITLE_LENGTH),
            "why": _("Forpligtelser over for LBF er ikke indsendt til tiden."),
            "recommendation": _(
                "Sekretariatet indstiller, at bestyrelsen fastlægger, hvornår følgende indsendes: %(lines)s."
            )
            % {"lines": lines},
            "goal_ids": [],
        }
    ]


def _composition_questions(
    *, plan: Plan, quarter: Quarter, audience: ReportAudience, cutoff: ReportCutoff
) -> list[dict]:
    """Board: what the bestyrelse lacks under the composition rule (``governance.bodies.composition``) as
    its memberships stood on the cut-off day: one question listing each missing piece with what to do
    (also kept as ``warnings``, so the frozen snapshot says exactly what was missing). A steering group
    does not answer for the board's composition: none."""
    if not audience.is_board:
        return []
    warnings = board_composition(plans=[plan], on=cutoff.day)[plan.pk]
    if not warnings:
        return []
    return [
        {
            "key": "board-composition",
            "reason": "board_composition",
            "kind": AgendaItem.Kind.DISCUSSION.value,
            "kind_label": str(AgendaItem.Kind.DISCUSSION.label),
            "title": Truncator(
                _("Bestyrelsens sammensætning: %(missing)s") % {"missing": warnings[0].message.rstrip(".")}
                if len(warnings) == 1
                else _("Bestyrelsens sammensætning: %(count)s mangler") % {"count": len(warnings)}
            ).chars(QUESTION_TITLE_LENGTH),
            "why": " ".join(warning.message for warning in warnings),
            "recommendation": _("Sekretariatet indstiller, at bestyrelsen får rettet op: %(todo)s")
            % {"todo": " ".join(warning.what_to_do for warning in warnings)},
            "warnings": [
                {"code": w.code, "message": w.message, "what_to_do": w.what_to_do, "party_id": w.party_id}
                for w in warnings
            ],
            "goal_ids": [],
        }
    ]


def section_questions(
    *, plan: Plan, quarter: Quarter, kind: str, audience: ReportAudience = BOARD, cutoff: "ReportCutoff"
) -> list[dict]:
    """Questions the audience must decide, each a proposed agenda item (key, kind, title, recommendation, goals):
    off-track goals with no decision about them in the audience's last two meetings, overdue action items,
    commitments not honoured in years that have ended, overdue LBF obligations and (the board only) what
    the board's composition lacks, each drawn from the audience's scope only.

    A report asks as of the quarter's end. The agenda builder (``governance.agenda``) asks as of now:
    ``before`` (a datetime: the last two meetings are those starting before it, the new meeting's
    start) and ``due_by`` (a date: actions due on or before it are overdue)."""
    return [
        question
        for source in QUESTION_SOURCES
        for question in source(plan=plan, quarter=quarter, audience=audience, cutoff=cutoff)
    ]


# Where the questions for the board come from, in the order they are listed: one function each,
# ``source(*, plan, quarter, audience, cutoff) -> list[question dict]`` (keys as in ``section_questions``),
# drawn from the audience's scope and counting only what happened by the cut-off. A new kind of question
# (e.g. overdue yearly LBF obligations, once monitoring has them) is one function added here.
QUESTION_SOURCES: list[Callable[..., list[dict]]] = [
    _off_track_questions,
    _overdue_actions_question,
    _commitment_questions,
    _obligation_questions,
    _composition_questions,
]


PIXI_SECTIONS: list[tuple[str, SectionBuilder]] = [
    ("goals", section_goals),
    ("sub_agreements", section_sub_agreements),
    ("commitments", section_commitments),
    ("actions", section_actions),
    ("decisions", section_decisions),
    ("questions", section_questions),
]


FULL_SECTIONS: list[tuple[str, SectionBuilder]] = [
    ("goals", section_goals),
    ("sub_agreements", section_sub_agreements),
    ("commitments", section_commitments),
    ("meetings", section_meetings),
    ("decisions", section_decisions),
    ("actions", section_actions),
    ("bodies", section_bodies),
]


SECTIONS: dict[str, list[tuple[str, SectionBuilder]]] = {
    StatusReport.Kind.PIXI: PIXI_SECTIONS,
    StatusReport.Kind.FULL: FULL_SECTIONS,
}


def build_report_snapshot(
    *,
    plan: Plan,
    period: str,
    kind: str,
    audience: str = StatusReport.Audience.BOARD,
    audience_body: Body | int | None = None,
    meeting: Meeting | None = None,
    data_cutoff: date | None = None,
) -> dict:
    """The report's content for its audience as a JSON-serialisable dict: header (recording the
    audience and the data cut-off) plus every section of ``kind``, each built from the audience's scope.

    Without ``meeting`` the report is the quarter's (data as of its last day); with ``meeting`` it is
    made for that meeting and counts what was approved by ``data_cutoff`` (default: the meeting's
    send-out deadline), see ``ReportCutoff``."""
    quarter = Quarter.parse(period)
    if meeting is not None:
        meeting = Meeting.objects.select_related("body").get(pk=meeting.pk)
        cutoff = ReportCutoff.for_meeting(meeting, data_cutoff)
    else:
        cutoff = ReportCutoff.for_quarter(quarter)
    kind = StatusReport.Kind(kind)
    plan = (
        Plan.objects.select_related("municipality", "secretariat")
        .prefetch_related("housing_organisations", "areas")
        .get(pk=plan.pk)
    )
    scope = ReportAudience.resolve(plan=plan, audience=audience, audience_body=audience_body)
    with translation.override("da"):
        snapshot = {
            "schema": SNAPSHOT_SCHEMA,
            "header": section_header(plan=plan, quarter=quarter, kind=kind, audience=scope, cutoff=cutoff),
            "sections": [],
        }
        for name, builder in SECTIONS[kind]:
            content = builder(plan=plan, quarter=quarter, kind=kind, audience=scope, cutoff=cutoff)
            if content is None:
                continue
            snapshot["sections"].append(name)
            snapshot[name] = content
    return snapshot


def canonical_json(snapshot: dict) -> bytes:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def snapshot_sha256(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


# --- The pixi's layout budget ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PixiBudget:
    """How much of each section a pixi shows, so that it fits two A4 pages by construction and is laid
    out once (no render-and-retry). Every row it shows has a bounded height: one-line entries are cut
    with an ellipsis (``white-space: nowrap``), titles are clamped to a fixed number of lines
    (``line-clamp``), charts have a fixed size. What is left out is counted on a "+ N flere" line that
    points to the full status report. The worst case (every section at its budget, every text at its
    longest) is about 1.8 pages; tests/test_report_pixi_layout.py renders it.

    The header is bounded as well: the plan's name in at most two lines, every other header line one
    line (report.css), so names at their maximum length (200 characters) do not push the sections onto
    a third page (tests/test_pixi_render_once.py renders every text at its field's maximum).

    Rows per section, worst case (8 pt, about 3.4 mm per line):
    goals: ``goals`` rows of at most 6 lines (title ≤ 3 lines + status beside a fixed 30 × 8 mm chart;
    ``indicators_per_goal`` + ``sub_goals_per_goal`` one-line entries and one "+ N flere" line);
    sub_agreements: two lines per row; overdue actions: one line; decisions: two lines; questions: title
    (one line) and recommendation (≤ 2 lines).
    """

    goals: int = 8
    indicators_per_goal: int = 2
    sub_goals_per_goal: int = 3
    sub_agreements: int = 6
    overdue_actions: int = 5
    decisions: int = 5
    questions: int = 6


PIXI_BUDGET = PixiBudget()

_SEVERITY = {status.value: status.severity for status in Status}


def _worst_first(items: list[dict], limit: int) -> tuple[list[dict], list[dict]]:
    """(shown, hidden): the ``limit`` items with the worst status (off track, at risk, on track, no data;
    ties in their own order), shown in their own order."""
    if len(items) <= limit:
        return list(items), []
    ranked = sorted(range(len(items)), key=lambda i: (-_SEVERITY.get(items[i].get("status"), 0), i))
    keep = set(ranked[:limit])
    return [item for i, item in enumerate(items) if i in keep], [item for i, item in enumerate(items) if i not in keep]


def _status_counts(items: list[dict]) -> list[dict]:
    counts = Counter(item.get("status") for item in items)
    return [
        {**_status_fields(status), "count": counts[status.value]}
        for status in (Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.NO_DATA)
        if counts.get(status.value)
    ]


def _budget_goals(section: dict, budget: PixiBudget) -> dict:
    goals, hidden = _worst_first(section["goals"], budget.goals)
    shown = []
    for goal in goals:
        indicators, more_indicators = _worst_first(goal["indicators"], budget.indicators_per_goal)
        sub_goals, more_sub_goals = _worst_first(goal.get("sub_goals") or [], budget.sub_goals_per_goal)
        shown.append(
            {
                **goal,
                "indicators": indicators,
                "more_indicators": len(more_indicators),
                "sub_goals": sub_goals,
                "more_sub_goals": len(more_sub_goals),
            }
        )
    return {
        **section,
        "goals": shown,
        "summary_counted": [row for row in section["summary"] if row["count"]],
        "more": len(hidden),
        "more_summary": _status_counts(hidden),
    }


def _budget_questions(questions: list[dict], limit: int) -> tuple[list[dict], int]:
    """The first question of each reason, then the rest in order, up to ``limit``; shown in order."""
    if len(questions) <= limit:
        return list(questions), 0
    keep, reasons = [], set()
    for index, question in enumerate(questions):
        if question.get("reason") not in reasons:
            reasons.add(question.get("reason"))
            keep.append(index)
    keep = keep[:limit]
    for index in range(len(questions)):
        if len(keep) >= limit:
            break
        if index not in keep:
            keep.append(index)
    return [questions[i] for i in sorted(keep)], len(questions) - len(keep)


def pixi_layout(snapshot: dict, budget: PixiBudget = PIXI_BUDGET) -> dict[str, object]:
    """Each pixi section as the PDF shows it: cut to ``budget``, with ``more`` counting what is left out.
    The snapshot itself keeps everything (the archive's questions for the board, the full report)."""
    layout: dict[str, object] = {}
    for name in snapshot["sections"]:
        section = snapshot[name]
        if name == "goals":
            layout[name] = _budget_goals(section, budget)
        elif name == "sub_agreements":
            layout[name] = {
                "rows": section[: budget.sub_agreements],
                "more": max(0, len(section) - budget.sub_agreements),
            }
        elif name == "actions":
            overdue = section["overdue"]
            layout[name] = {
                **section,
                "overdue": overdue[: budget.overdue_actions],
                "more": max(0, len(overdue) - budget.overdue_actions),
            }
        elif name == "decisions":  # the newest decisions of the period
            layout[name] = {"rows": section[-budget.decisions :], "more": max(0, len(section) - budget.decisions)}
        elif name == "questions":
            shown, more = _budget_questions(section, budget.questions)
            layout[name] = {"rows": shown, "more": more, "count": len(section)}
        else:
            layout[name] = section
    return layout


# --- HTML and PDF ----------------------------------------------------------------------------------------

REPORT_CSS = Path(__file__).with_name("report.css")


def full_report_url(plan_id: int) -> str:
    """Where the reader finds the full status report (the plan's report archive)."""
    return settings.PORTAL_BASE_URL + reverse("governance:report-archive", args=[plan_id])


def render_report_html(*, report: StatusReport, snapshot: dict) -> str:
    """The report as an HTML document (``lang="da"``), from the snapshot only. A pixi shows each section
    within its layout budget (``pixi_layout``); the stylesheet (``report.css``) is applied when the PDF
    is rendered (``render_report_pdf``), ``standalone_html`` writes it into the document."""
    kind = snapshot["header"]["kind"]
    shown = pixi_layout(snapshot) if kind == StatusReport.Kind.PIXI else snapshot
    context = {
        "header": snapshot["header"],
        "kind": kind,
        "full_report_url": full_report_url(snapshot["header"]["plan"]["id"]),
    }
    with translation.override("da"):
        sections = []
        for name in snapshot["sections"]:
            template = select_template(
                [f"governance/reports/sections/{name}_{kind}.html", f"governance/reports/sections/{name}.html"]
            )
            sections.append(mark_safe(template.render({**context, "section": shown[name]})))  # noqa: S308
        return render_to_string(f"governance/reports/{kind}.html", {**context, "report": report, "sections": sections})


PIXI_MAX_PAGES = 2  # "readable in five minutes" (issue 5); held by the layout budget, not by re-rendering


@lru_cache(maxsize=1)
def _weasyprint_resources():
    """The report stylesheet and WeasyPrint's font configuration, loaded once per process (worker)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return CSS(string=REPORT_CSS.read_text(encoding="utf-8"), font_config=font_config), font_config


def render_report_pdf(html: str) -> tuple[bytes, int]:
    """Tagged PDF (WeasyPrint's PDF/UA-1 variant) and its page count, from one layout of ``html`` with the
    cached stylesheet and fonts."""
    from weasyprint import HTML  # heavy import: only where PDFs are made

    stylesheet, font_config = _weasyprint_resources()
    document = HTML(string=html).render(stylesheets=[stylesheet], font_config=font_config)
    return write_tagged_pdf(document), len(document.pages)


def standalone_html(html: str) -> str:
    """``html`` with the report stylesheet written into it: the same document for any HTML renderer
    (the benchmark's bare WeasyPrint baseline, a browser)."""
    css = REPORT_CSS.read_text(encoding="utf-8")
    head = html.index("<style>")
    return f"{html[:head]}<style>\n{css}</style>\n{html[head:]}"
