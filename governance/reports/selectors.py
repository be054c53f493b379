"""Reads for status reports and the questions for the board, always starting from the access rule."""

from dataclasses import dataclass

from django.db.models import QuerySet

from governance.meetings.models import AgendaItem, Meeting
from governance.reports.models import StatusReport
from plans import access
from plans.models import Plan


def get_status_report_or_404(user, *, plan: Plan, report_id, **filters) -> StatusReport:
    """One report of ``plan`` that ``user`` may read; 404 otherwise, whatever the reason."""
    reports = StatusReport.objects.select_related("audience_body").filter(plan=plan, **filters)
    return access.get_or_404(user, reports, pk=report_id)


def plan_status_reports(*, user, plan: Plan) -> QuerySet[StatusReport]:
    """Every version of the plan's reports the user may read, newest quarter first (one query)."""
    return (
        access.visible(user, StatusReport)
        .filter(plan=plan)
        .select_related("requested_by", "audience_body", "meeting")
        .defer("snapshot")
        .order_by("-period", "kind", "audience", "audience_body__name", "-version")
    )


@dataclass
class BoardQuestions:
    """The questions for the board from the plan's latest finished board pixi report (none without one)."""

    report: StatusReport | None
    questions: list[dict]


def board_questions(*, plan: Plan, user=None) -> BoardQuestions:
    """The latest done pixi report for the board of ``plan`` and its "questions for the board" (one query).

    With ``user``, only a report that user may read counts (``plans.access``): a reader who
    may not see the board's report gets no questions. ``user=None`` is for services whose caller
    has already been authorised (MANAGE on the plan).

    Each question is a proposed agenda item, a dict from the report's snapshot: ``key`` (stable per
    plan: ``goal-<id>``, ``overdue-actions``, ``commitment-<party id>``, ``obligations-overdue``,
    ``board-composition``), ``reason`` (``off_track_goal`` / ``overdue_actions`` /
    ``commitment_not_honoured`` / ``overdue_obligations`` / ``board_composition``, which also carries
    ``warnings``), ``kind`` and
    ``kind_label`` (agenda item kind), ``title``, ``why``, ``recommendation`` and ``goal_ids``.
    ``plan`` must already be resolved through ``plans.access`` by the caller (the dashboard or view).
    """
    return latest_questions(plan=plan, user=user)


def latest_questions(*, plan: Plan, audience_body=None, user=None) -> BoardQuestions:
    """``board_questions`` for any audience: the board's (``audience_body`` None) or one steering
    group's latest done pixi report and its questions (one query). The agenda builder asks for the
    meeting's body."""
    reports = access.visible(user, StatusReport) if user is not None else StatusReport.objects.all()
    audience = StatusReport.Audience.BOARD if audience_body is None else StatusReport.Audience.STEERING_GROUP
    report = (
        reports.for_audience(audience=audience, audience_body=audience_body)
        .filter(plan=plan, kind=StatusReport.Kind.PIXI, state=StatusReport.State.DONE)
        .order_by("-period", "-version")
        .first()
    )
    questions = list((report.snapshot or {}).get("questions") or []) if report else []
    return BoardQuestions(report=report, questions=questions)


def board_question_items(*, meeting: Meeting | None) -> dict[str, AgendaItem]:
    """Agenda items already created from board questions on ``meeting``, by question key (one query)."""
    if meeting is None:
        return {}
    return {item.question_key: item for item in meeting.agenda_items.exclude(question_key="")}
