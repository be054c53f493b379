"""The access rule: the one place that decides which plans, and so which rows, a user may see or change.

Every selector, view, API viewset, export and task starts from these querysets. A plan outside
the result answers 404 (see ``get_plan_or_404``), never 403, so outsiders learn nothing.

Actions:
- ``VIEW``: read the plan (every role that touches it).
- ``MANAGE``: change anything inside the plan (sekretariatsleder, admin).
- ``EDIT_CONTENT``: interventions, measurements and drafts (secretariat, steering groups on their
  delaftaler, boligorganisation staff on plans their organisation is party to).
- ``COMMIT``: the kommune's co-financing commitments (kommunal koordinator, sekretariatsleder).
"""

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Plan, Role, RoleAssignment, SubAgreement


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"
    EDIT_CONTENT = "edit_content"
    COMMIT = "commit"


VIEW, MANAGE, EDIT_CONTENT, COMMIT = Action.VIEW, Action.MANAGE, Action.EDIT_CONTENT, Action.COMMIT

ROLES_FOR_ACTION: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset(Role),
    Action.MANAGE: frozenset({Role.SECRETARIAT_LEAD}),
    Action.EDIT_CONTENT: frozenset(
        {Role.SECRETARIAT_LEAD, Role.SECRETARIAT_STAFF, Role.STEERING_GROUP_MEMBER, Role.HOUSING_ORG_STAFF}
    ),
    Action.COMMIT: frozenset({Role.SECRETARIAT_LEAD, Role.MUNICIPAL_COORDINATOR}),
}

SECRETARIAT_ROLES = {Role.SECRETARIAT_LEAD, Role.SECRETARIAT_STAFF}


def _assignments(user, roles) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user_id=user.pk, role__in=list(roles))


def _is_admin(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def _plan_condition(user, roles, *, include_sub_agreement_roles: bool = True) -> Q:
    """Plans reached through the user's role assignments, as one Q built from subqueries."""
    assignments = _assignments(user, roles)
    condition = Q(pk__in=[])
    roles = set(roles)
    if roles & SECRETARIAT_ROLES:
        condition |= Q(secretariat__in=assignments.filter(role__in=SECRETARIAT_ROLES).values("secretariat"))
    if Role.MUNICIPAL_COORDINATOR in roles:
        condition |= Q(municipality__in=assignments.filter(role=Role.MUNICIPAL_COORDINATOR).values("organisation"))
    if Role.BOARD_MEMBER in roles:
        condition |= Q(pk__in=assignments.filter(role=Role.BOARD_MEMBER).values("plan"))
    if Role.HOUSING_ORG_STAFF in roles:
        condition |= Q(
            pk__in=Plan.housing_organisations.through.objects.filter(
                organisation__in=assignments.filter(role=Role.HOUSING_ORG_STAFF).values("organisation")
            ).values("plan")
        )
    if include_sub_agreement_roles and Role.STEERING_GROUP_MEMBER in roles:
        condition |= Q(
            pk__in=SubAgreement.objects.filter(
                pk__in=assignments.filter(role=Role.STEERING_GROUP_MEMBER).values("sub_agreement")
            ).values("plan")
        )
    return condition


def plans_for(user, action: Action = Action.VIEW, *, through_sub_agreements: bool = True) -> QuerySet[Plan]:
    """The plans ``user`` may perform ``action`` on. One SQL query when evaluated.

    With ``through_sub_agreements=False`` only plan-wide roles count: a steering-group member,
    who reaches a plan only through their delaftaler, is left out (used for plan-level content
    such as strategic goals' measurements).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    if _is_admin(user):
        return Plan.objects.all()
    return Plan.objects.filter(
        _plan_condition(user, ROLES_FOR_ACTION[Action(action)], include_sub_agreement_roles=through_sub_agreements)
    )


def sub_agreements_for(user, action: Action = Action.VIEW) -> QuerySet[SubAgreement]:
    """Delaftaler ``user`` may perform ``action`` on.

    Roles held on a plan, a secretariat or an organisation reach every delaftale of those plans;
    a steering-group member reaches only the delaftaler their group owns.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return SubAgreement.objects.none()
    if _is_admin(user):
        return SubAgreement.objects.all()
    roles = ROLES_FOR_ACTION[Action(action)]
    plan_wide = Plan.objects.filter(_plan_condition(user, roles, include_sub_agreement_roles=False))
    condition = Q(plan__in=plan_wide.values("pk"))
    if Role.STEERING_GROUP_MEMBER in roles:
        condition |= Q(pk__in=_assignments(user, {Role.STEERING_GROUP_MEMBER}).values("sub_agreement"))
    return SubAgreement.objects.filter(condition)


def plans_for_roles(user, roles) -> QuerySet[Plan]:
    """The plans ``user`` reaches through these roles only (admins: all plans).

    For rules finer than a plan, e.g. governance's "a board member sees the board's meetings but
    not the steering groups' ones".
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    if _is_admin(user):
        return Plan.objects.all()
    return Plan.objects.filter(_plan_condition(user, frozenset(roles)))


def can(user, action: Action, plan: Plan) -> bool:
    return plans_for(user, action).filter(pk=plan.pk).exists()


def get_plan_or_404(user, plan_id, action: Action = Action.VIEW, queryset: QuerySet[Plan] | None = None) -> Plan:
    """The plan if ``user`` may perform ``action`` on it; otherwise 404, whatever the reason."""
    base = queryset if queryset is not None else Plan.objects.all()
    try:
        return base.filter(pk__in=plans_for(user, action).values("pk")).get(pk=plan_id)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404("Plan not found") from None


def user_roles(user) -> set[Role]:
    """The roles a user holds anywhere (for landing pages and navigation)."""
    if not user.is_authenticated:
        return set()
    return {Role(role) for role in user.role_assignments.values_list("role", flat=True).distinct()}
