"""Projektbank with results (issue #15, item 8), the demo's indsatser without clones, and the board
member's personal Læsesal (item 7)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.bodies.models import Body
from governance.meetings.models import ActionItem
from monitoring.models import Goal
from plans.models import Intervention, Organisation

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    InterventionFactory,
    MeetingFactory,
    SubAgreementFactory,
)

pytestmark = pytest.mark.django_db


# --- Demo data without clones --------------------------------------------------------------------


def test_demo_indsatser_are_distinct_and_complete(demo):
    interventions = list(Intervention.objects.prefetch_related("partners", "indicators"))
    names = Counter(i.name for i in interventions)
    assert [name for name, count in names.items() if count > 1] == []
    descriptions = Counter(i.description for i in interventions)
    assert [d for d, count in descriptions.items() if count > 1] == []
    for intervention in interventions:
        assert len(intervention.description) > 60, intervention.name
        assert intervention.budget and intervention.budget > 0, intervention.name
    assert len({i.budget for i in interventions}) > len(interventions) // 2
    # Every indsats of a delaftale with goals shows results, and has partners beyond the responsible one.
    for plan_name in (PLAN_A1, PLAN_B):
        for intervention in (i for i in interventions if i.sub_agreement.plan.name == plan_name):
            assert intervention.indicators.all(), intervention.name
    assert sum(1 for i in interventions if i.partners.all()) >= len(interventions) - 1


# --- Projektbank ------------------------------------------------------------------------------------


def test_project_bank_shows_delaftale_goals_status_partners_and_budget(login, demo):
    html = login("demo-sekretariatsleder").get(reverse("project-bank"), {"q": "Lektiecafé for"}).content.decode()
    cafe = Intervention.objects.get(name="Lektiecafé for 4.–10. klasse")
    assert "1 indsats fundet" in html
    assert reverse("governance:sub-agreement-detail", args=[cafe.sub_agreement_id]) in html
    assert "Flere elever bruger lektiecaféen fast" in html  # the delmål its indicators measure
    assert "Antal faste deltagere i lektiecaféen" in html
    assert "På rette vej" in html  # the derived status of that indicator (demo scenario)
    assert "1.600.000 kr." in html  # budget after the board's adjustment in the demo
    for partner in cafe.partners.all():
        assert partner.name in html


def test_project_bank_filters_by_kommune_goal_and_theme(login, demo):
    client = login("demo-admin")
    fjordby = Organisation.objects.get(name="Fjordby Kommune")
    html = client.get(reverse("project-bank"), {"municipality": fjordby.pk}).content.decode()
    expected = Intervention.objects.filter(sub_agreement__plan__municipality=fjordby).count()
    assert f"{expected} indsatser fundet" in html and PLAN_B not in html.split("indsatser fundet", 1)[1]
    goal = Goal.objects.get(plan__name=PLAN_A1, title="Flere beboere deltager i fællesskaber og beboerdemokrati")
    html = client.get(reverse("project-bank"), {"goal": goal.pk}).content.decode()
    followed = Intervention.objects.filter(indicators__goal=goal).distinct()
    assert followed.count() > 1 and f"{followed.count()} indsatser fundet" in html
    for intervention in followed:
        assert intervention.name in html
    html = client.get(reverse("project-bank"), {"goal": "x", "municipality": "999999"}).content.decode()
    assert f"{Intervention.objects.count()} indsatser fundet" in html  # invalid choices filter nothing


def test_project_bank_goal_choices_and_results_follow_the_access_rule(login, demo):
    html = login("demo-styregruppe").get(reverse("project-bank")).content.decode()
    assert "Færre hærværkssager i afdelingerne" not in html  # a delmål of a delaftale they do not see
    assert "Gadeplansteam aften og weekend" not in html
    assert PLAN_A2 not in html and PLAN_B not in html


@pytest.mark.parametrize("username", ["demo-sekretariatsleder", "demo-koordinator-2"])
def test_project_bank_queries_do_not_grow_with_the_page(login, demo, django_assert_max_num_queries, username):
    client = login(username)
    plan = demo.plan(PLAN_A1 if username == "demo-sekretariatsleder" else PLAN_B)
    sub_agreement = SubAgreementFactory(plan=plan)
    query = {"thematic_area": sub_agreement.thematic_area_id}
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("project-bank"), query)
    department = Organisation.objects.filter(parent=plan.municipality).first()
    for number in range(30):
        intervention = InterventionFactory(sub_agreement=sub_agreement, responsible_partner=department)
        intervention.partners.add(plan.housing_organisations.first())
        if number % 3 == 0:
            intervention.indicators.add(*plan.goals.first().indicators.all())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("project-bank"), query)
    assert response.status_code == 200


# --- Læsesal made personal -------------------------------------------------------------------------


def test_reading_room_is_personal(login, demo):
    user = demo.user("demo-bestyrelse")
    html = login("demo-bestyrelse").get(reverse("reading-room")).content.decode()
    assert "Dit næste møde" in html and "Bestyrelsesmøde (vinter)" in html
    assert "Mødepakken er ikke udsendt endnu" in html  # the demo's winter pack is late
    own = ActionItem.objects.filter(owner__user=user)
    assert own.exists()
    for action in own:
        assert action.title in html
    assert "overskredet" in html  # the demo has an overdue one of theirs
    others = ActionItem.objects.exclude(owner__user=user).filter(
        decision__agenda_item__meeting__body__plan__name=PLAN_A1
    )
    assert "Revidér budgettet for delaftalen om uddannelse" in set(others.values_list("title", flat=True))
    assert "Revidér budgettet for delaftalen om uddannelse" not in html  # the lead's task, not theirs


def test_reading_room_queries_stay_constant(login, demo, django_assert_max_num_queries):
    user = demo.user("demo-bestyrelse")
    client = login("demo-bestyrelse")
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("reading-room"))
    board = Body.objects.get(plan__name=PLAN_A1, kind=Body.Kind.BOARD)
    for days in range(1, 8):
        meeting = MeetingFactory(body=board, starts_at=timezone.now() - timedelta(days=days * 10))
        decision = DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting))
        ActionItemFactory(decision=decision, owner=user.person)
        MeetingFactory(body=board, starts_at=timezone.now() + timedelta(days=days * 10))
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("reading-room")).content.decode()
    assert html.count("Handling ") >= 7


def test_the_member_answers_afbud_for_the_next_meeting_from_the_reading_room(login, demo):
    """Issue 15.7: the next meeting's card offers deltager / afbud to an invited member, shows the
    answer given, and the answer is the one the meeting's attendance sheet records."""
    from governance.meetings.attendance.models import Attendance

    client = login("demo-bestyrelse")
    html = client.get(reverse("reading-room")).content.decode()
    assert "Meld afbud" in html and "Du har ikke svaret endnu" in html
    import re

    (action,) = re.findall(r'action="([^"]*/tilmelding/)"', html)
    response = client.post(action, {"answer": "absent"})
    assert response.status_code == 302
    person = demo.user("demo-bestyrelse").person
    assert Attendance.objects.filter(person=person, answer="absent").count() == 1
    assert "Du har meldt afbud" in client.get(reverse("reading-room")).content.decode()
