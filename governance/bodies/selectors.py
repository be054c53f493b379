"""Reads for bodies: the plan's bodies, its people and the organisation chart."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import FilteredRelation, Prefetch, Q, QuerySet
from django.utils import timezone

from governance.bodies.composition import (
    TERM_EXPIRED_DAYS,
    CompositionWarning,
    Party,
    Seat,
    board_composition_warnings,
)
from governance.bodies.models import Body, Membership
from plans import access
from plans.models import Person, Plan, Role
from plans.selectors import plan_sub_agreements


@dataclass
class OrganisationChart:
    """Bestyrelse → sekretariat → styregrupper → delaftaler → indsatser (seed 003, figure 1), and what the
    bestyrelse lacks under the composition rule (``composition``, as of the chart's day)."""

    boards: list[Body]
    groups: list[Body]
    sub_agreements: list
    unowned_sub_agreements: list
    composition: list[CompositionWarning] = field(default_factory=list)


def _recent(prefix: str, on: date) -> Q:
    """Seats that matter on ``on``: current, still to come, or ended within ``TERM_EXPIRED_DAYS``."""
    since = on - timedelta(days=TERM_EXPIRED_DAYS)
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": since})


def plan_bodies(*, plan: Plan, on: date | None = None) -> QuerySet[Body]:
    """The plan's bodies with their seats that matter on ``on`` (``recent_memberships``: current, still to
    come or recently ended; one query for all of them)."""
    on = on or timezone.localdate()
    members = Membership.objects.filter(_recent("", on)).select_related("person", "organisation")
    return (
        Body.objects.filter(plan=plan)
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="recent_memberships"))
        .order_by("kind", "name")
    )


def plan_organisation_chart(*, user, plan: Plan) -> OrganisationChart:
    """The chart for ``plan`` with only the delaftaler the user may see, each body with its
    ``current_memberships``, and the board composition warnings (a fixed number of queries; ``plan``
    with its kommune and boligorganisationer loaded, as ``plans.selectors.plan_list`` gives it)."""
    on = timezone.localdate()
    sub_agreements = list(plan_sub_agreements(user=user, plan=plan))
    visible = {sa.pk: sa for sa in sub_agreements}
    bodies = list(plan_bodies(plan=plan, on=on).prefetch_related("sub_agreements"))
    boards, groups, owned = [], [], set()
    for body in bodies:
        body.current_memberships = sorted(
            (m for m in body.recent_memberships if _current(m, on)),
            key=lambda m: (Membership.ROLE_ORDER.index(m.role), m.person.name),
        )
        if body.is_board:
            boards.append(body)
            continue
        body.visible_sub_agreements = [visible[sa.pk] for sa in body.sub_agreements.all() if sa.pk in visible]
        owned.update(sa.pk for sa in body.visible_sub_agreements)
        groups.append(body)
    unowned = [sa for sa in sub_agreements if sa.pk not in owned]
    board = next((body for body in boards if body.kind == Body.Kind.BOARD), None)
    composition = board_composition_warnings(
        kommune=Party(plan.municipality_id, plan.municipality.name),
        housing_orgs=[Party(org.pk, org.name) for org in plan.housing_organisations.all()],
        seats=None if board is None else [_seat(m) for m in board.recent_memberships],
        on=on,
    )
    return OrganisationChart(
        boards=boards,
        groups=groups,
        sub_agreements=sub_agreements,
        unowned_sub_agreements=unowned,
        composition=composition,
    )


def _current(membership: Membership, on: date) -> bool:
    return membership.start_date <= on and (membership.end_date is None or membership.end_date >= on)


def _seat(membership: Membership) -> Seat:
    return Seat(
        person=membership.person.name,
        role=membership.role,
        organisation_id=membership.organisation_id,
        organisation_parent_id=membership.organisation.parent_id,
        leadership_level=membership.leadership_level,
        start_date=membership.start_date,
        end_date=membership.end_date,
    )


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


def board_composition(*, plans: Iterable[Plan], on: date, user=None) -> dict[int, list[CompositionWarning]]:
    """``{plan id: warnings}`` of the board composition rule (``governance.bodies.composition``) for every
    plan in ``plans`` (with their kommune loaded), as of ``on``; an empty list for a board that meets it.

    Two queries whatever the number of plans: the plans' bestyrelser with every seat that matters on
    ``on`` (current, to come, or recently ended; an outer join, so a board without such seats is still
    a board) and the plans' boligorganisationer. With ``user`` the boards are those the user may see
    (``plans.access``); without, a system job's view (the pixi)."""
    plans = list(plans)
    plan_ids = [plan.pk for plan in plans]
    boards = Body.objects.filter(plan_id__in=plan_ids, kind=Body.Kind.BOARD)
    if user is not None:
        boards = access.restrict(boards, user)
    rows = (
        boards.annotate(seat=FilteredRelation("memberships", condition=_recent("memberships__", on)))
        .values_list(
            "plan_id",
            "seat__person__name",
            "seat__role",
            "seat__organisation_id",
            "seat__organisation__parent_id",
            "seat__leadership_level",
            "seat__start_date",
            "seat__end_date",
        )
        .order_by()
    )
    seats: dict[int, list[Seat]] = {}
    for plan_id, person, role, organisation_id, parent_id, leader, start, end in rows:
        seats.setdefault(plan_id, [])
        if role is not None:
            seats[plan_id].append(Seat(person, role, organisation_id, parent_id, leader, start, end))
    housing_orgs: dict[int, list[Party]] = defaultdict(list)
    through = Plan.housing_organisations.through.objects.filter(plan_id__in=plan_ids)
    for plan_id, org_id, name in through.values_list("plan_id", "organisation_id", "organisation__name").order_by(
        "organisation__name", "organisation_id"
    ):
        housing_orgs[plan_id].append(Party(org_id, name))
    return {
        plan.pk: board_composition_warnings(
            kommune=Party(plan.municipality_id, plan.municipality.name),
            housing_orgs=housing_orgs[plan.pk],
            seats=seats.get(plan.pk),
            on=on,
        )
        for plan in plans
    }
