"""The demo world's parts that span apps (run by ``seed_demo`` after every app's own seed):
which board members sit at leadership level (plans.Person) given the seats governance made."""

from django.db.models import Q

from governance.bodies.models import Body, Membership
from plans.demo import DemoWorld
from plans.models import Person

# Titles of senior administrative leaders (seed 003: the board consists of such leaders).
LEADER_TITLES = ("Direktør", "Vicedirektør", "Områdechef", "Chef for", "Boligsocial chef")
# The board the demo shows missing a leader from the kommune.
WITHOUT_KOMMUNE_LEADER = "Helhedsplan Søndermarken"


def seed_board_leadership(world: DemoWorld) -> None:
    """Mark the board members with a leader's title; on one board, the kommune's members are not leaders."""
    leaders = Q()
    for title in LEADER_TITLES:
        leaders |= Q(title__startswith=title)
    Person.objects.filter(leadership_level=False).filter(leaders).update(leadership_level=True)
    plan = next((p for p in world.plans if p.name == WITHOUT_KOMMUNE_LEADER), None)
    if plan is None:
        return
    kommune_seats = Membership.objects.filter(body__plan=plan, body__kind=Body.Kind.BOARD).filter(
        Q(organisation=plan.municipality) | Q(organisation__parent=plan.municipality)
    )
    Person.objects.filter(pk__in=kommune_seats.values("person")).update(leadership_level=False)
