"""Where the agenda builder's proposals come from: a list of small source functions.

A board meeting should lead with the items that demand action (seed 003: strategic, collaboration
and prioritisation questions, not only status). Each source looks at the body's situation as of the
new meeting and returns ``Proposal``s; ``SOURCES`` lists them, and ``proposals_for`` in
``governance.agenda.selectors`` runs them all, merges the evidence of the latest pixi report into
the live proposals with the same key, ranks them and leaves out those already settled.

The live questions are the pixi report's own question builders
(``governance.reports.content.section_questions``) asked as of now instead of a quarter's end: one
concept, one place. The latest report's questions (``governance.reports.selectors.latest_questions``)
are a source of their own for those the live data no longer raise.

To add a source (e.g. LBF's yearly obligations due before the body's next meeting): write
``def lbf_obligations(situation: Situation) -> list[Proposal]`` below, returning proposals with a
stable ``key`` (``obligation-<id>``), a ``rank`` (``RANK_OBLIGATION``) and the ``situation`` it
stands for (e.g. the obligation's due date and state), and add it to ``SOURCES``.
``Situation.horizon`` is the start of the body's next meeting after this one.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.formatting import format_date
from common.periods import Quarter
from governance.bodies.models import Body
from governance.meetings.models import AgendaItem, Meeting
from governance.reports.content import ReportAudience, ReportCutoff, section_questions
from governance.reports.models import StatusReport
from governance.reports.selectors import BoardQuestions, latest_questions
from monitoring.models import Goal, Obligation
from plans.models import Plan

# Lower ranks lead the agenda: strategic questions first (seed 003), then collaboration
# (a partner not delivering), then follow-up, then compliance, then what only the report still asks.
RANK_STRATEGIC_GOAL = 10
RANK_SUB_GOAL = 20
RANK_COFINANCING = 30
RANK_OVERDUE_ACTIONS = 40
RANK_OBLIGATION = 50
RANK_BOARD_COMPOSITION = 55
RANK_REPORT_QUESTION = 60


@dataclass
class Evidence:
    """A link to what backs a proposal up: a målstyring chart, the decision register, the report."""

    label: str
    url: str


@dataclass
class Proposal:
    """A proposed agenda item and the situation it stands for."""

    key: str
    source: str
    rank: int
    kind: str
    title: str
    why: str
    recommendation: str
    goal_ids: list[int] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    situation: object = None  # JSON-serialisable: the figures the proposal rests on
    report: StatusReport | None = None  # the pixi report that also asks it

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the key and the situation: the same while nothing behind the proposal changes."""
        text = json.dumps([self.key, self.situation], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def kind_label(self) -> str:
        return str(AgendaItem.Kind(self.kind).label)

    @property
    def anchor(self) -> str:
        return f"forslag-{self.key}"


@dataclass
class Situation:
    """What the sources look at: the new meeting, its body and plan, as of ``now``."""

    meeting: Meeting
    now: datetime

    @property
    def body(self) -> Body:
        return self.meeting.body

    @property
    def plan(self) -> Plan:
        return self.meeting.body.plan

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @cached_property
    def audience(self) -> ReportAudience:
        if self.body.is_board:
            return ReportAudience()
        return ReportAudience.resolve(
            plan=self.plan, audience=StatusReport.Audience.STEERING_GROUP, audience_body=self.body
        )

    @cached_property
    def horizon(self) -> datetime:
        """The start of the body's next meeting after this one (or a year divided by its meetings)."""
        later = (
            Meeting.objects.filter(body_id=self.meeting.body_id, starts_at__gt=self.meeting.starts_at)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        return later or self.meeting.starts_at + timedelta(days=365 // max(self.body.meetings_per_year, 1))

    @cached_property
    def live_questions(self) -> list[dict]:
        """The pixi report's questions asked now: goal status in the current quarter, the body's last
        two meetings before this one, actions due before today. In Danish, as the agenda is."""
        with translation.override(settings.LANGUAGE_CODE):
            return section_questions(
                plan=self.plan,
                quarter=Quarter.containing(self.today),
                kind=StatusReport.Kind.PIXI,
                audience=self.audience,
                # As of yesterday's end: meetings held before today, actions due before today.
                cutoff=ReportCutoff(day=self.today - timedelta(days=1), meetings_before=self.meeting.starts_at),
            )

    @cached_property
    def latest_report(self) -> BoardQuestions:
        return latest_questions(plan=self.plan, audience_body=None if self.body.is_board else self.body)

    @cached_property
    def goals(self) -> dict[int, Goal]:
        """The plan's goals with their indicators, for the evidence links (two queries)."""
        return {goal.pk: goal for goal in Goal.objects.filter(plan=self.plan).prefetch_related("indicators")}


def _question_proposal(question: dict, *, source: str, rank: int, evidence: list[Evidence]) -> Proposal:
    return Proposal(
        key=question["key"],
        source=source,
        rank=rank,
        kind=question["kind"],
        title=question["title"],
        why=question.get("why", ""),
        recommendation=question.get("recommendation", ""),
        goal_ids=list(question.get("goal_ids") or []),
        evidence=evidence,
        # The question states the figures it rests on (values and targets, owners and due dates,
        # amounts and years): they are the situation.
        situation={"title": question["title"], "why": question.get("why", ""), "figures": question["recommendation"]},
    )


def _goal_evidence(situation: Situation, goal_ids) -> list[Evidence]:
    plan_id = situation.plan.pk
    evidence = []
    for goal_id in goal_ids:
        goal = situation.goals.get(goal_id)
        if goal is None:
            continue
        tree = reverse("monitoring:goal-tree", args=[plan_id])
        evidence.append(Evidence(_("Målstyring: %(goal)s") % {"goal": goal.title}, f"{tree}#goal-{goal.pk}"))
        for indicator in goal.indicators.all():
            evidence.append(
                Evidence(
                    _("Graf og målinger: %(indicator)s") % {"indicator": indicator.name},
                    reverse("monitoring:indicator-detail", args=[plan_id, indicator.pk]),
                )
            )
    return evidence


def off_track_goals(situation: Situation) -> list[Proposal]:
    """Goals off track with no decision about them at the body's last two meetings (strategic first)."""
    proposals = []
    for question in situation.live_questions:
        if question["reason"] != "off_track_goal":
            continue
        goal = situation.goals.get(int(question["key"].removeprefix("goal-")))
        rank = RANK_STRATEGIC_GOAL if goal is None or goal.level == Goal.Level.STRATEGIC else RANK_SUB_GOAL
        evidence = _goal_evidence(situation, question.get("goal_ids") or [])
        proposals.append(_question_proposal(question, source="off_track_goal", rank=rank, evidence=evidence))
    return proposals


def _live_question_proposals(
    situation: Situation, reason: str, source: str, rank: int, evidence: Evidence
) -> list[Proposal]:
    """The live pixi questions with this ``reason``, each a proposal from ``source`` with ``evidence``."""
    return [
        _question_proposal(question, source=source, rank=rank, evidence=[evidence])
        for question in situation.live_questions
        if question["reason"] == reason
    ]


def cofinancing_shortfalls(situation: Situation) -> list[Proposal]:
    """Parties that delivered less co-financing than they committed for years that have ended."""
    url = reverse("plan-detail", args=[situation.plan.pk]) + "#commitments-heading"
    evidence = Evidence(_("Medfinansiering: tilsagn og leverancer"), url)
    return _live_question_proposals(
        situation, "commitment_not_honoured", "cofinancing_shortfall", RANK_COFINANCING, evidence
    )


def overdue_actions(situation: Situation) -> list[Proposal]:
    """Open action items of the body's decisions whose due date has passed."""
    url = reverse("governance:decision-register", args=[situation.plan.pk]) + "?action_status=overdue"
    evidence = Evidence(_("Beslutningsregister: overskredne handlingspunkter"), url)
    return _live_question_proposals(situation, "overdue_actions", "overdue_actions", RANK_OVERDUE_ACTIONS, evidence)


def lbf_obligations(situation: Situation) -> list[Proposal]:
    """The board's part of the LBF year: obligations not submitted whose deadline falls before the
    body's next meeting (or has passed), one proposal each; a steering group answers to the board."""
    if not situation.body.is_board:
        return []
    horizon = timezone.localdate(situation.horizon)
    url = reverse("lbf:obligations", args=[situation.plan.pk])
    proposals = []
    for obligation in (
        Obligation.objects.filter(plan=situation.plan, due_date__lte=horizon)
        .exclude(state=Obligation.State.SUBMITTED)
        .select_related("responsible")
        .order_by("due_date", "pk")
    ):
        overdue = obligation.due_date < situation.today
        values = {
            "kind": obligation.get_kind_display(),
            "year": obligation.year,
            "due": format_date(obligation.due_date),
            "state": obligation.get_state_display().lower(),
        }
        proposals.append(
            Proposal(
                key=f"obligation-{obligation.pk}",
                source="lbf_obligation",
                rank=RANK_OBLIGATION,
                kind=AgendaItem.Kind.DECISION,
                title=(
                    _("Frist overskredet: %(kind)s %(year)s")
                    if overdue
                    else _("Frist før næste møde: %(kind)s %(year)s")
                )
                % values,
                why=_("Fristen over for Landsbyggefonden er %(due)s; forpligtelsen er %(state)s.") % values,
                recommendation=(
                    _("Sekretariatet indstiller, at bestyrelsen godkender en plan for at indsende %(kind)s %(year)s.")
                    % values
                ),
                evidence=[Evidence(_("Årshjul: LBF-forpligtelser og frister"), url)],
                situation={"due": str(obligation.due_date), "state": obligation.state},
            )
        )
    return proposals


def board_composition(situation: Situation) -> list[Proposal]:
    """What the board lacks under the composition rule (leaders from the kommune and each
    boligorganisation, a chair, current terms), with what to do; the board's meetings only."""
    url = reverse("plan-detail", args=[situation.plan.pk]) + "#board-composition"
    evidence = Evidence(_("Planens side: organisering og bestyrelsens sammensætning"), url)
    return _live_question_proposals(
        situation, "board_composition", "board_composition", RANK_BOARD_COMPOSITION, evidence
    )


def report_questions(situation: Situation) -> list[Proposal]:
    """The questions of the body's latest pixi report (the merge in ``proposals_for`` keeps the live
    version of a question the data still raise and adds the report to its evidence)."""
    found = situation.latest_report
    if found.report is None:
        return []
    proposals = []
    for question in found.questions:
        evidence = _goal_evidence(situation, question.get("goal_ids") or [])
        proposal = _question_proposal(question, source="report_question", rank=RANK_REPORT_QUESTION, evidence=evidence)
        proposal.report = found.report
        proposals.append(proposal)
    return proposals


def report_evidence(report: StatusReport) -> Evidence:
    return Evidence(
        _("Pixi-rapport for %(period)s, version %(version)s (PDF)")
        % {"period": report.quarter.label, "version": report.version},
        reverse("governance:report-download", args=[report.plan_id, report.pk]),
    )


# The sources, in the order they are asked. Add a source here (see the module docstring).
SOURCES: list[Callable[[Situation], list[Proposal]]] = [
    off_track_goals,
    cofinancing_shortfalls,
    overdue_actions,
    lbf_obligations,
    board_composition,
    report_questions,
]
