"""Model invariants: what the database and full_clean() refuse."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.bodies.models import Body, Membership
from governance.bodies.services import body_set_sub_agreements, membership_create
from plans.models import Commitment, CooperationAgreement, Organisation, Plan, Role, RoleAssignment
from plans.services import role_assign

from .factories import (
    BodyFactory,
    CommitmentFactory,
    DepartmentFactory,
    HousingOrgFactory,
    MunicipalityFactory,
    PersonFactory,
    PlanFactory,
    SubAgreementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_department_must_belong_to_a_municipality():
    housing_org = HousingOrgFactory()
    department = Organisation(name="Forvaltning X", kind=Organisation.Kind.DEPARTMENT, parent=housing_org)
    with pytest.raises(ValidationError) as excinfo:
        department.full_clean()
    assert "parent" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Forvaltning Y", kind=Organisation.Kind.DEPARTMENT)


def test_department_knows_its_municipality():
    department = DepartmentFactory()
    assert department.municipality == department.parent
    assert department.parent.municipality == department.parent
    assert HousingOrgFactory().municipality is None


def test_plan_must_end_after_it_starts():
    plan = PlanFactory()
    plan.start_date, plan.end_date = date(2025, 1, 1), date(2024, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        plan.full_clean()
    assert "end_date" in excinfo.value.message_dict


def test_plan_secretariat_must_belong_to_the_plans_municipality():
    plan = PlanFactory()
    plan.municipality = MunicipalityFactory()
    with pytest.raises(ValidationError) as excinfo:
        plan.full_clean()
    assert "secretariat" in excinfo.value.message_dict


def test_cooperation_agreement_follows_draft_board_lbf():
    plan = PlanFactory()
    agreement = CooperationAgreement.objects.create(plan=plan, version=1, title="Aftale")
    agreement.status = CooperationAgreement.Status.APPROVED_BY_LBF
    agreement.approved_by_board_on = date(2023, 1, 1)
    agreement.approved_by_lbf_on = date(2023, 2, 1)
    with pytest.raises(ValidationError):  # cannot skip the board
        agreement.full_clean()
    agreement.status = CooperationAgreement.Status.APPROVED_BY_BOARD
    agreement.full_clean()
    agreement.save()
    agreement.status = CooperationAgreement.Status.APPROVED_BY_LBF
    agreement.full_clean()
    agreement.save()
    agreement.status = CooperationAgreement.Status.DRAFT
    with pytest.raises(ValidationError):  # an approved agreement is never silently re-opened
        agreement.full_clean()


def test_commitment_year_must_be_inside_the_plan_period():
    commitment = CommitmentFactory.build(plan=PlanFactory(), party=DepartmentFactory(), year=2030)
    with pytest.raises(ValidationError) as excinfo:
        commitment.full_clean()
    assert "year" in excinfo.value.message_dict


def test_commitment_needs_amount_or_hours_and_no_negative_amount():
    plan = PlanFactory()
    empty = Commitment(plan=plan, party=DepartmentFactory(), year=2024, form="cash", amount=Decimal("0"))
    with pytest.raises(ValidationError):
        empty.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(plan=plan, amount=Decimal("-1"))


def test_commitment_sub_agreement_must_belong_to_the_plan():
    commitment = CommitmentFactory.build(
        plan=PlanFactory(), party=DepartmentFactory(), sub_agreement=SubAgreementFactory()
    )
    with pytest.raises(ValidationError) as excinfo:
        commitment.full_clean()
    assert "sub_agreement" in excinfo.value.message_dict


def test_commitments_keep_history():
    commitment = CommitmentFactory()
    commitment.amount = Decimal("200000")
    commitment.save()
    assert [h.amount for h in commitment.history.order_by("history_date")] == [Decimal("100000"), Decimal("200000")]


def test_role_assignment_scope_must_match_the_role():
    user, plan = UserFactory(), PlanFactory()
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.SECRETARIAT_LEAD, plan=plan)
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.MUNICIPAL_COORDINATOR, organisation=HousingOrgFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.BOARD_MEMBER, secretariat=plan.secretariat)
    assert not RoleAssignment.objects.filter(user=user).exists()
    first = role_assign(user=user, role=Role.BOARD_MEMBER, plan=plan)
    assert role_assign(user=user, role=Role.BOARD_MEMBER, plan=plan) == first


def test_a_board_owns_no_sub_agreements_and_groups_only_their_own_plans():
    board = BodyFactory(kind=Body.Kind.BOARD, name="Bestyrelse")
    group = BodyFactory(plan=board.plan)
    with pytest.raises(ValidationError):
        body_set_sub_agreements(body=board, sub_agreements=[SubAgreementFactory(plan=board.plan)])
    with pytest.raises(ValidationError):
        body_set_sub_agreements(body=group, sub_agreements=[SubAgreementFactory()])
    own = SubAgreementFactory(plan=board.plan)
    body_set_sub_agreements(body=group, sub_agreements=[own])
    assert list(group.sub_agreements.all()) == [own]


def test_only_one_board_per_plan():
    plan = PlanFactory()
    BodyFactory(plan=plan, kind=Body.Kind.BOARD, name="Bestyrelse 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        BodyFactory(plan=plan, kind=Body.Kind.BOARD, name="Bestyrelse 2")


def test_board_meets_at_least_twice_a_year():
    board = BodyFactory.build(plan=PlanFactory(), kind=Body.Kind.BOARD, meetings_per_year=1)
    with pytest.raises(ValidationError):
        board.full_clean()


def test_membership_dates_and_single_chair():
    group = BodyFactory()
    org = DepartmentFactory(parent=group.plan.municipality)  # a party of the body's plan
    membership_create(
        body=group, person=PersonFactory(), role=Membership.Role.CHAIR, organisation=org, start_date=date(2023, 1, 1)
    )
    with pytest.raises(ValidationError):
        membership_create(
            body=group,
            person=PersonFactory(),
            role=Membership.Role.CHAIR,
            organisation=org,
            start_date=date(2024, 1, 1),
        )
    with pytest.raises(ValidationError):
        membership_create(
            body=group,
            person=PersonFactory(),
            role=Membership.Role.MEMBER,
            organisation=org,
            start_date=date(2024, 1, 1),
            end_date=date(2023, 1, 1),
        )
    assert group.memberships.count() == 1


def test_membership_grants_access_roles_to_people_with_logins():
    plan = PlanFactory()
    board = BodyFactory(plan=plan, kind=Body.Kind.BOARD, name="Bestyrelse")
    group = BodyFactory(plan=plan)
    sub_agreement = SubAgreementFactory(plan=plan)
    body_set_sub_agreements(body=group, sub_agreements=[sub_agreement])
    board_user, group_user = UserFactory(), UserFactory()
    org = DepartmentFactory(parent=plan.municipality)
    membership_create(
        body=board, person=PersonFactory(user=board_user), role="member", organisation=org, start_date=date(2024, 1, 1)
    )
    membership_create(
        body=group, person=PersonFactory(user=group_user), role="member", organisation=org, start_date=date(2024, 1, 1)
    )
    assert RoleAssignment.objects.filter(user=board_user, role=Role.BOARD_MEMBER, plan=plan).exists()
    assert RoleAssignment.objects.filter(
        user=group_user, role=Role.STEERING_GROUP_MEMBER, sub_agreement=sub_agreement
    ).exists()


def test_memberships_keep_history():
    group = BodyFactory()
    membership = membership_create(
        body=group,
        person=PersonFactory(),
        role="member",
        organisation=DepartmentFactory(parent=group.plan.municipality),
        start_date=date(2024, 1, 1),
    )
    membership.end_date = date(2025, 6, 30)
    membership.save()
    assert membership.history.count() == 2


def test_plan_years_cover_the_period():
    plan = Plan(start_date=date(2022, 7, 1), end_date=date(2026, 12, 31))
    assert plan.years == [2022, 2023, 2024, 2025, 2026]
