"""Reads for bodies: the plan's bodies, its people and the organisation chart."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from governance.bodies.models import Body, Membership
from plans.models import Person, Plan, Role
from plans.selectors import plan_sub_agreements


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
