"""Demo bodies and memberships for the demo world (see plans.demo). Idempotent."""

import random
from datetime import date

from django.db import transaction

from plans.demo import DemoWorld, demo_person, person_name
from plans.models import Organisation, Person, Plan

from .models import Body, Membership
from .services import body_set_sub_agreements, membership_create

# Steering groups per plan: name -> the thematic areas whose delaftaler the group owns.
GROUPS_LARGE = {
    "Styregruppen for uddannelse og beskæftigelse": ["Uddannelse og livschancer", "Beskæftigelse"],
    "Styregruppen for tryghed": ["Kriminalitetsforebyggelse"],
    "Styregruppen for fællesskab": ["Sammenhængskraft og medborgerskab"],
}
GROUPS_SMALL = {
    "Styregruppen for uddannelse og beskæftigelse": ["Uddannelse og livschancer", "Beskæftigelse"],
    "Styregruppen for tryghed og fællesskab": [
        "Kriminalitetsforebyggelse",
        "Sammenhængskraft og medborgerskab",
    ],
}

BOARD_TITLES = [
    ("chair", "municipality", "Direktør, Beskæftigelses- og Integrationsforvaltningen"),
    ("vice_chair", "housing_org", "Direktør"),
    ("member", "department", "Områdechef, skoler"),
    ("member", "department", "Vicedirektør, social"),
    ("member", "department", "Politiinspektør, lokalpolitiet"),
    ("member", "housing_org", "Formand for organisationsbestyrelsen"),
    ("member", "housing_org", "Formand for afdelingsbestyrelsen"),
    ("member", "housing_org", "Boligsocial chef"),
    ("member", "department", "Chef for fritid og kultur"),
    ("observer", "department", "Formand for styregruppen"),
    ("observer", "housing_org", "Formand for styregruppen"),
]


def _person(rng: random.Random, organisation: Organisation, title: str) -> Person:
    name = person_name(rng)
    person, _ = Person.objects.get_or_create(
        name=name, organisation=organisation, defaults={"title": title, "email": ""}
    )
    return person


def _seat(body: Body, person: Person, role: str, organisation: Organisation, start: date) -> None:
    if Membership.objects.filter(body=body, person=person).exists():
        return
    membership_create(body=body, person=person, role=role, organisation=organisation, start_date=start)


def _board(world: DemoWorld, plan: Plan, index: int) -> None:
    rng = random.Random(f"board-{index}")
    board, _ = Body.objects.get_or_create(
        plan=plan,
        kind=Body.Kind.BOARD,
        defaults={
            "name": f"Bestyrelsen for {plan.name}",
            "meetings_per_year": 4,
            "escalation_threshold": 25000,
        },
    )
    departments = world.departments[plan.municipality.name]
    housing_orgs = list(plan.housing_organisations.order_by("name"))
    seats = BOARD_TITLES[: 9 + index]  # 10, 11 and 12 seats
    for number, (role, side, title) in enumerate(seats):
        organisation = {
            "municipality": plan.municipality,
            "department": departments[number % len(departments)],
            "housing_org": housing_orgs[number % len(housing_orgs)],
        }[side]
        _seat(board, _person(rng, organisation, title), role, organisation, plan.start_date)
    if index == 1:
        demo_board_member = demo_person(world.users["demo-bestyrelse"], housing_orgs[0], "Direktør")
        _seat(board, demo_board_member, Membership.Role.MEMBER, housing_orgs[0], plan.start_date)
    if plan.secretariat.name == "Områdesekretariatet Fjordby":
        lead = world.users["demo-sekretariatsleder"].person
        _seat(board, lead, Membership.Role.SECRETARY, plan.municipality, plan.start_date)


def _groups(world: DemoWorld, plan: Plan, index: int) -> None:
    rng = random.Random(f"groups-{index}")
    groups = GROUPS_LARGE if index == 1 else GROUPS_SMALL
    departments = world.departments[plan.municipality.name]
    housing_org = plan.housing_organisations.order_by("name").first()
    for number, (name, thematic_areas) in enumerate(groups.items()):
        group, _ = Body.objects.get_or_create(
            plan=plan, name=name, defaults={"kind": Body.Kind.STEERING_GROUP, "meetings_per_year": 6}
        )
        body_set_sub_agreements(
            body=group, sub_agreements=plan.sub_agreements.filter(thematic_area__name__in=thematic_areas)
        )
        department = departments[number % len(departments)]
        for role, organisation, title in [
            (Membership.Role.CHAIR, department, "Afdelingschef"),
            (Membership.Role.MEMBER, housing_org, "Boligsocial medarbejder"),
            (Membership.Role.MEMBER, departments[(number + 1) % len(departments)], "Teamleder"),
            (Membership.Role.MEMBER, world.partners[(index + number) % len(world.partners)], "Leder"),
        ]:
            _seat(group, _person(rng, organisation, title), role, organisation, plan.start_date)
        if index == 1 and number == 0:
            member = demo_person(world.users["demo-styregruppe"], department, "Konsulent")
            _seat(group, member, Membership.Role.MEMBER, department, plan.start_date)


@transaction.atomic
def seed(world: DemoWorld) -> None:
    for index, plan in enumerate(world.plans, start=1):
        _board(world, plan, index)
        _groups(world, plan, index)
