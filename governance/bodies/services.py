"""Writes for bodies: memberships and the delaftaler a steering group covers."""

from django.db import transaction

from governance.bodies.models import Body, Membership
from plans.models import Role
from plans.services import role_assign


@transaction.atomic
def membership_create(
    *, body: Body, person, role: str, organisation, start_date, end_date=None, leadership_level: bool = False
) -> Membership:
    """Seat ``person`` in ``body``; a person with a login gets the matching access role.
    ``leadership_level``: the person sits as a senior leader of ``organisation`` (the board composition rule).

    Board members get ``board_member`` on the plan; steering-group members get
    ``steering_group_member`` on each delaftale their group owns.
    """
    membership = Membership(
        body=body,
        person=person,
        role=role,
        organisation=organisation,
        leadership_level=leadership_level,
        start_date=start_date,
        end_date=end_date,
    )
    membership.full_clean()
    membership.save()
    if person.user_id:
        if body.is_board:
            role_assign(user=person.user, role=Role.BOARD_MEMBER, plan=body.plan)
        else:
            for sub_agreement in body.sub_agreements.all():
                role_assign(user=person.user, role=Role.STEERING_GROUP_MEMBER, sub_agreement=sub_agreement)
    return membership


@transaction.atomic
def body_set_sub_agreements(*, body: Body, sub_agreements) -> Body:
    """Make ``body`` (a steering group) responsible for exactly these delaftaler."""
    sub_agreements = list(sub_agreements)
    body.validate_sub_agreements(sub_agreements)
    body.sub_agreements.set(sub_agreements)
    return body
