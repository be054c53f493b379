"""Reads in the governance app, always starting from the access rule."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Goal
from plans import access
from plans.access import Action
from plans.models import Intervention, Person, Plan, Role, SubAgreement
from plans.selectors import plan_sub_agreements

from .models import ActionItem, AgendaItem, Attachment, Body, Decision, Guest, Meeting, Membership, StatusReport


@dataclass
class OrganisationChart:
    """Bestyrelse → sekretariat → styregrupper → delaftaler → indsatser (seed 003, figure 1)."""

    boards: list[Body]
    groups: list[Body]
    sub_agreements: list
    unowned_sub_agreements: list


def plan_bodies(*, plan: Plan) -> QuerySet[Body]:
    members = Membership.objects.current().select_related("person", "organisation")
    return (
        Body.objects.filter(plan=plan)
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="current_memberships"))
        .order_by("kind", "name")
    )


def plan_organisation_chart(*, user, plan: Plan) -> OrganisationChart:
    """The chart for ``plan`` with only the delaftaler the user may see (a fixed number of queries)."""
    sub_agreements = list(plan_sub_agreements(user=user, plan=plan))
    visible = {sa.pk: sa for sa in sub_agreements}
    bodies = list(plan_bodies(plan=plan).prefetch_related("sub_agreements"))
    boards, groups, owned = [], [], set()
    for body in bodies:
        body.current_memberships.sort(key=lambda m: (Membership.ROLE_ORDER.index(m.role), m.person.name))
        if body.is_board:
            boards.append(body)
            continue
        body.visible_sub_agreements = [visible[sa.pk] for sa in body.sub_agreements.all() if sa.pk in visible]
        owned.update(sa.pk for sa in body.visible_sub_agreements)
        groups.append(body)
    unowned = [sa for sa in sub_agreements if sa.pk not in owned]
    return OrganisationChart(
        boards=boards, groups=groups, sub_agreements=sub_agreements, unowned_sub_agreements=unowned
    )


# --- Meetings, agendas, decisions -------------------------------------------------------------


def get_meeting_or_404(user, meeting_id, action: Action = Action.VIEW) -> Meeting:
    """The meeting (with body and plan) through the access rule: 404 outside, 403 when seen but not ``action``."""
    return access.get_or_404(user, Meeting.objects.select_related("body__plan"), action, pk=meeting_id)


def plan_meetings(*, user, plan: Plan) -> QuerySet[Meeting]:
    """The plan's meetings the user may see, with body and agenda counts, for the meeting list."""
    return (
        access.visible(user, Meeting)
        .filter(body__plan=plan)
        .select_related("body")
        .annotate(item_count=Count("agenda_items", distinct=True))
    )


def upcoming_meetings(*, user) -> QuerySet[Meeting]:
    """Every upcoming meeting the user may see, soonest first, with plan and body."""
    return (
        access.visible(user, Meeting)
        .filter(starts_at__gte=timezone.now())
        .select_related("body__plan")
        .annotate(item_count=Count("agenda_items", distinct=True))
        .order_by("starts_at")
    )


def meeting_agenda(*, meeting: Meeting, reader=None) -> list[AgendaItem]:
    """The agenda with everything the meeting page and the pack show, in a fixed number of queries.

    With a ``reader``, the delaftaler, indsatser and goals an item links to are only those the
    reader may see (a steering group's meeting may concern a delaftale the reader does not see)."""
    sub_agreements, interventions, goals = SubAgreement.objects.all(), Intervention.objects.all(), Goal.objects.all()
    if reader is not None:
        sub_agreements = access.restrict(sub_agreements, reader)
        interventions = access.restrict(interventions, reader)
        goals = access.restrict(goals, reader)
    decisions = Decision.objects.order_by("-version").select_related("created_by")
    actions = ActionItem.objects.select_related("owner").order_by("due_date", "pk")
    return list(
        meeting.agenda_items.select_related("presenter", "minutes_item")
        .prefetch_related(
            Prefetch("sub_agreements", queryset=sub_agreements),
            Prefetch("interventions", queryset=interventions),
            Prefetch("goals", queryset=goals.order_by("level", "position", "title")),
            Prefetch("guests", queryset=Guest.objects.select_related("person")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            Prefetch("decisions", queryset=decisions.prefetch_related(Prefetch("actions", queryset=actions))),
            Prefetch(
                "carried_actions",
                queryset=ActionItem.objects.select_related("owner", "decision__agenda_item__meeting").order_by(
                    "due_date", "pk"
                ),
            ),
        )
        .order_by("position")
    )


def agenda_attachments(items: list[AgendaItem]) -> list[tuple[AgendaItem, Attachment]]:
    """(item, bilag) pairs in agenda order, from the prefetched agenda (no query)."""
    return [(item, attachment) for item in items for attachment in item.attachments.all()]


def current_decision(item: AgendaItem) -> Decision | None:
    """The current version from the prefetched decisions (no query)."""
    return next((d for d in item.decisions.all() if d.is_current), None)


def meeting_invitees(*, meeting: Meeting) -> list[tuple[Person, str]]:
    """(person, role label): current members of the body and invited bodies, then guests; no repeats."""
    on = meeting.meeting_day
    body_ids = [meeting.body_id, *meeting.invited_bodies.values_list("pk", flat=True)]
    seen: dict[int, tuple[Person, str]] = {}
    memberships = (
        Membership.objects.current(on)
        .filter(body_id__in=body_ids)
        .select_related("person__user")
        .order_by("person__name")
    )
    for membership in sorted(memberships, key=lambda m: Membership.ROLE_ORDER.index(m.role)):
        seen.setdefault(membership.person_id, (membership.person, membership.get_role_display()))
    guests = Guest.objects.filter(agenda_item__meeting=meeting).select_related("person__user", "agenda_item")
    for guest in guests.order_by("agenda_item__position"):
        label = _("Gæst (punkt %(position)s)") % {"position": guest.agenda_item.position}
        seen.setdefault(guest.person_id, (guest.person, label))
    return list(seen.values())


def plan_people(*, plan: Plan) -> QuerySet[Person]:
    """People who can present items or own actions: members of the plan's bodies and secretariat staff."""
    return (
        Person.objects.filter(
            Q(memberships__body__plan=plan)
            | Q(
                user__role_assignments__secretariat=plan.secretariat_id,
                user__role_assignments__role__in=[Role.SECRETARIAT_LEAD, Role.SECRETARIAT_STAFF],
            )
        )
        .distinct()
        .order_by("name")
    )


@dataclass
class RegisterFilters:
    body: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sub_agreement: int | None = None
    goal: int | None = None
    action_status: str = ""
    q: str = ""


def decision_register(*, user, plan: Plan, filters: RegisterFilters) -> QuerySet[Decision]:
    """Current decisions of the plan's meetings the user may see, filtered, with actions and versions."""
    decisions = Decision.objects.filter(
        is_current=True,
        agenda_item__meeting__in=access.visible(user, Meeting).filter(body__plan=plan).values("pk"),
    )
    if filters.body:
        decisions = decisions.filter(agenda_item__meeting__body_id=filters.body)
    if filters.date_from:
        decisions = decisions.filter(agenda_item__meeting__starts_at__date__gte=filters.date_from)
    if filters.date_to:
        decisions = decisions.filter(agenda_item__meeting__starts_at__date__lte=filters.date_to)
    if filters.sub_agreement:
        decisions = decisions.filter(
            agenda_item__in=AgendaItem.sub_agreements.through.objects.filter(
                subagreement_id=filters.sub_agreement
            ).values("agendaitem")
        )
    if filters.goal:
        # The goal itself or, for a strategic goal, one of the delmål that contribute to it.
        goal_ids = Goal.objects.filter(Q(pk=filters.goal) | Q(contributes_to_id=filters.goal), plan=plan).values("pk")
        decisions = decisions.filter(
            agenda_item__in=AgendaItem.goals.through.objects.filter(goal_id__in=goal_ids).values("agendaitem")
        )
    if filters.action_status == "overdue":
        decisions = decisions.filter(
            pk__in=ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_date__lt=timezone.localdate()).values(
                "decision"
            )
        )
    elif filters.action_status == "none":
        decisions = decisions.exclude(pk__in=ActionItem.objects.values("decision"))
    elif filters.action_status:
        decisions = decisions.filter(pk__in=ActionItem.objects.filter(status=filters.action_status).values("decision"))
    if filters.q:
        decisions = decisions.filter(Q(text__icontains=filters.q) | Q(agenda_item__title__icontains=filters.q))
    earlier = Decision.objects.filter(is_current=False).select_related("created_by").order_by("-version")
    return (
        decisions.select_related("agenda_item__meeting__body", "created_by")
        .prefetch_related(
            Prefetch("agenda_item__sub_agreements", queryset=access.visible(user, SubAgreement)),
            Prefetch("agenda_item__goals", queryset=access.visible(user, Goal).order_by("level", "position", "title")),
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner").order_by("due_date", "pk")),
            Prefetch("agenda_item__decisions", queryset=earlier, to_attr="earlier_versions"),
        )
        .order_by("-agenda_item__meeting__starts_at", "agenda_item__position")
    )


def attach_action_history(decisions) -> list[Decision]:
    """Give every action of these decisions ``changes``: its history rows, oldest first (one query)."""
    decisions = list(decisions)
    actions = {action.pk: action for decision in decisions for action in decision.actions.all()}
    for action in actions.values():
        action.changes = []
    if actions:
        rows = (
            ActionItem.history.filter(id__in=list(actions))
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        for row in rows:
            actions[row.id].changes.append(row)
    return decisions


def overdue_actions(*, today: date) -> QuerySet[ActionItem]:
    """Every open action past its due date, with what a reminder needs."""
    return (
        ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_date__lt=today)
        .select_related("owner__user", "decision__agenda_item__meeting__body__plan__secretariat")
        .order_by("due_date", "pk")
    )


def calendar_meetings(*, user) -> QuerySet[Meeting]:
    """Meetings the user is invited to (and may see), for the iCal feed."""
    return access.visible(user, Meeting).filter(access.invited(user)).select_related("body__plan").order_by("starts_at")


# --- Status reports (pixi and full) ------------------------------------------------------------


def get_status_report_or_404(user, *, plan: Plan, report_id, **filters) -> StatusReport:
    """One report of ``plan`` that ``user`` may read; 404 otherwise, whatever the reason."""
    reports = StatusReport.objects.select_related("audience_body").filter(plan=plan, **filters)
    return access.get_or_404(user, reports, pk=report_id)


def plan_status_reports(*, user, plan: Plan) -> QuerySet[StatusReport]:
    """Every version of the plan's reports the user may read, newest quarter first (one query)."""
    return (
        access.visible(user, StatusReport)
        .filter(plan=plan)
        .select_related("requested_by", "audience_body")
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
    plan: ``goal-<id>``, ``overdue-actions``, ``commitment-<party id>``), ``reason``
    (``off_track_goal`` / ``overdue_actions`` / ``commitment_not_honoured``), ``kind`` and
    ``kind_label`` (agenda item kind), ``title``, ``why``, ``recommendation`` and ``goal_ids``.
    ``plan`` must already be resolved through ``plans.access`` by the caller (the dashboard or view).
    """
    reports = access.visible(user, StatusReport) if user is not None else StatusReport.objects.all()
    report = (
        reports.filter(
            plan=plan,
            kind=StatusReport.Kind.PIXI,
            state=StatusReport.State.DONE,
            audience=StatusReport.Audience.BOARD,
        )
        .order_by("-period", "-version")
        .first()
    )
    questions = list((report.snapshot or {}).get("questions") or []) if report else []
    return BoardQuestions(report=report, questions=questions)


def next_board_meeting(*, plan: Plan, now=None) -> Meeting | None:
    """The plan's board's next meeting that has not started and whose minutes are not approved."""
    return (
        Meeting.objects.filter(body__plan=plan, body__kind=Body.Kind.BOARD, starts_at__gt=now or timezone.now())
        .exclude(status=Meeting.Status.MINUTES_APPROVED)
        .select_related("body")
        .order_by("starts_at", "pk")
        .first()
    )


def board_question_items(*, meeting: Meeting | None) -> dict[str, AgendaItem]:
    """Agenda items already created from board questions on ``meeting``, by question key (one query)."""
    if meeting is None:
        return {}
    return {item.question_key: item for item in meeting.agenda_items.exclude(question_key="")}


# --- Meeting packs for guests ------------------------------------------------------------------


def meeting_member_ids(*, meeting: Meeting) -> set[int]:
    """Ids of the people who sit in the meeting's body or an invited body on the meeting day (one query)."""
    return set(
        Membership.objects.current(meeting.meeting_day)
        .filter(Q(body_id=meeting.body_id) | Q(body__in=meeting.invited_bodies.values("pk")))
        .values_list("person_id", flat=True)
    )
