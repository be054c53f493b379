"""Reads for meetings, always starting from the access rule (``plans.access``)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.bodies.models import Body, Membership
from governance.meetings.models import ActionItem, AgendaItem, Attachment, Decision, Guest, Meeting
from monitoring.models import Goal
from plans import access
from plans.access import Action
from plans.models import Intervention, Person, Plan, SubAgreement


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


def plan_meetings_around(*, user, plan: Plan, now, count: int = 3) -> tuple[list[Meeting], list[Meeting]]:
    """The plan's next ``count`` meetings (soonest first) and last ``count`` (latest first) within a
    year of ``now`` that the user may see, with their bodies, in one query (the plan page's meetings
    tab; a plan's bodies meet a few dozen times a year, so the year is a short list)."""
    year = timedelta(days=365)
    rows = list(
        access.visible(user, Meeting)
        .filter(body__plan=plan, starts_at__gte=now - year, starts_at__lt=now + year)
        .select_related("body")
        .order_by("starts_at", "pk")
    )
    upcoming = [m for m in rows if m.starts_at >= now][:count]
    past = [m for m in rows if m.starts_at < now][::-1][:count]
    return upcoming, past


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


@dataclass
class Recipient:
    """One address a send-out mails (or one invitee without an address): what the page lists before
    sending, what the pack lists and what the delivery log records, so their counts agree."""

    name: str
    role: str
    kind: str  # SendOutDelivery.Kind: member, observer or guest
    email: str
    person_id: int | None = None
    items: tuple[int, ...] = ()  # a guest's agenda items (their pack); empty: the whole pack


def _email_of(person: Person) -> str:
    return (person.email or (person.user.email if person.user_id and person.user else "")).strip()


def send_out_recipients(*, meeting: Meeting) -> list[Recipient]:
    """The send-out's recipients: current members (and observers) of the body and invited bodies, then
    guests who are not members, with the items of their guest pack; one per e-mail address (two people
    sharing an address get one e-mail: a member's whole pack wins over a guest pack). Invitees without
    an address are listed with an empty ``email`` (flagged on the page and in the pack)."""
    on = meeting.meeting_day
    body_ids = [meeting.body_id, *meeting.invited_bodies.values_list("pk", flat=True)]
    memberships = sorted(
        Membership.objects.current(on)
        .filter(body_id__in=body_ids)
        .select_related("person__user")
        .order_by("person__name", "pk"),
        key=lambda m: Membership.ROLE_ORDER.index(m.role),
    )
    people: dict[int, Recipient] = {}
    for membership in memberships:
        if membership.person_id in people:
            continue
        kind = "observer" if membership.role == Membership.Role.OBSERVER else "member"
        people[membership.person_id] = Recipient(
            name=membership.person.name,
            role=membership.get_role_display(),
            kind=kind,
            email=_email_of(membership.person),
            person_id=membership.person_id,
        )
    guests = Guest.objects.filter(agenda_item__meeting=meeting).select_related("person__user", "agenda_item")
    guest_items: dict[int, list] = {}
    for guest in guests.order_by("agenda_item__position", "pk"):
        if guest.person_id not in people:
            guest_items.setdefault(guest.person_id, []).append(guest)
    guest_rows = [
        Recipient(
            name=invites[0].person.name,
            role=_("Gæst (punkt %(position)s)")
            % {"position": ", ".join(str(guest.agenda_item.position) for guest in invites)},
            kind="guest",
            email=_email_of(invites[0].person),
            person_id=person_id,
            items=tuple(guest.agenda_item_id for guest in invites),
        )
        for person_id, invites in guest_items.items()
    ]
    by_address: dict[str, Recipient] = {}
    result: list[Recipient] = []
    for recipient in [*people.values(), *guest_rows]:
        key = recipient.email.lower()
        if key and key in by_address:
            shared = by_address[key]
            shared.name = f"{shared.name} / {recipient.name}"
            continue
        if key:
            by_address[key] = recipient
        result.append(recipient)
    return result


@dataclass
class DeliveryCounts:
    total: int = 0  # every recipient row, with or without an address (the pack's list)
    with_email: int = 0
    sent: int = 0
    failed: int = 0  # failed or bounced: «Prøv igen» sends to them
    pending: int = 0
    no_email: int = 0


def delivery_counts(deliveries) -> DeliveryCounts:
    """Counts of a send-out's delivery log, from rows already loaded (no query)."""
    counts = DeliveryCounts()
    for delivery in deliveries:
        counts.total += 1
        if delivery.status == "no_email":
            counts.no_email += 1
            continue
        counts.with_email += 1
        if delivery.status == "sent":
            counts.sent += 1
        elif delivery.status in ("failed", "bounced"):
            counts.failed += 1
        else:
            counts.pending += 1
    return counts


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


def next_board_meeting(*, plan: Plan, now=None) -> Meeting | None:
    """The plan's board's next meeting that has not started and whose minutes are not approved."""
    return (
        Meeting.objects.filter(body__plan=plan, body__kind=Body.Kind.BOARD, starts_at__gt=now or timezone.now())
        .exclude(status=Meeting.Status.MINUTES_APPROVED)
        .select_related("body")
        .order_by("starts_at", "pk")
        .first()
    )


def meeting_member_ids(*, meeting: Meeting) -> set[int]:
    """Ids of the people who sit in the meeting's body or an invited body on the meeting day (one query)."""
    return set(
        Membership.objects.current(meeting.meeting_day)
        .filter(Q(body_id=meeting.body_id) | Q(body__in=meeting.invited_bodies.values("pk")))
        .values_list("person_id", flat=True)
    )
