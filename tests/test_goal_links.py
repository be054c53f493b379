"""Agenda items and decisions link to the målstyring goals they concern (issue 3)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.bodies.selectors import plan_people
from governance.meetings.forms import AgendaItemForm
from governance.meetings.models import AgendaItem, Decision
from governance.meetings.services import agenda_item_save
from monitoring.models import Goal
from plans.models import SubAgreement

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import DecisionFactory
from .governance_helpers import demo_meeting


def _form(meeting, data=None):
    plan = meeting.body.plan
    return AgendaItemForm(
        data, plan=plan, people=plan_people(plan=plan), sub_agreements=SubAgreement.objects.filter(plan=plan)
    )


def test_the_item_form_offers_only_the_meetings_plans_goals(demo):
    meeting = demo_meeting(PLAN_A1)
    offered = set(_form(meeting).fields["goals"].queryset)
    assert offered == set(Goal.objects.filter(plan__name=PLAN_A1))
    assert any(goal.level == Goal.Level.SUB for goal in offered)
    other = Goal.objects.filter(plan__name=PLAN_B).first()
    form = _form(meeting, {"title": "Punkt", "kind": "information", "goals": [other.pk]})
    assert not form.is_valid() and "goals" in form.errors


def test_the_lead_links_goals_through_the_page(demo, login):
    meeting = demo_meeting(PLAN_A1)
    goal = Goal.objects.filter(plan__name=PLAN_A1, level=Goal.Level.STRATEGIC).first()
    client = login("demo-sekretariatsleder")
    page = client.get(reverse("governance:item-create", args=[meeting.pk]))
    assert page.status_code == 200 and f'value="{goal.pk}"' in page.content.decode()
    response = client.post(
        reverse("governance:item-create", args=[meeting.pk]),
        {"title": "Mål ude af kurs", "kind": "decision", "recommendation": "Justér indsatsen.", "goals": [goal.pk]},
    )
    assert response.status_code == 302
    item = meeting.agenda_items.get(title="Mål ude af kurs")
    assert list(item.goals.all()) == [goal]
    detail = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert goal.title in detail and f"#goal-{goal.pk}" in detail
    # The change is in the item's history.
    assert item.history.count() >= 1


def test_the_service_refuses_another_plans_goal_and_changes_nothing(demo):
    meeting = demo_meeting(PLAN_A1)
    before = AgendaItem.objects.count()
    other = Goal.objects.filter(plan__name=PLAN_A2).first()
    with pytest.raises(ValidationError):
        agenda_item_save(meeting=meeting, title="Forkert mål", kind="information", goals=[other])
    assert AgendaItem.objects.count() == before


def test_the_register_filters_by_goal_including_its_delmaal(demo, login):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    url = reverse("governance:decision-register", args=[plan.pk])
    everything = client.get(url).context["decisions"]
    sub_goal = Goal.objects.filter(plan=plan, level=Goal.Level.SUB, contributes_to__isnull=False).first()
    strategic = sub_goal.contributes_to
    meeting = demo_meeting(PLAN_A1, title="Bestyrelsesmøde (sommer)")
    only_sub = DecisionFactory(agenda_item__meeting=meeting, agenda_item__position=90, agenda_item__title="Kun delmål")
    only_sub.agenda_item.goals.add(sub_goal)
    by_strategic = client.get(url, {"goal": strategic.pk}).context["decisions"]
    titles = {d.agenda_item.title for d in by_strategic}
    assert "Kun delmål" in titles
    assert 0 < len(by_strategic) < len(everything) + 1
    for decision in by_strategic:
        linked = set(decision.agenda_item.goals.all())
        assert linked & {strategic, sub_goal} or linked & set(strategic.sub_goals.all())
    by_sub = client.get(url, {"goal": sub_goal.pk}).context["decisions"]
    assert "Kun delmål" in {d.agenda_item.title for d in by_sub}
    assert all(sub_goal in d.agenda_item.goals.all() for d in by_sub)
    unlinked = Goal.objects.create(plan=plan, level=Goal.Level.STRATEGIC, title="Nyt mål uden beslutninger")
    assert list(client.get(url, {"goal": unlinked.pk}).context["decisions"]) == []
    page = client.get(url, {"goal": strategic.pk}).content.decode()
    assert strategic.title in page


def test_the_register_refuses_another_plans_goal(demo, login):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    other = Goal.objects.filter(plan__name=PLAN_B).first()
    response = client.get(reverse("governance:decision-register", args=[plan.pk]), {"goal": other.pk})
    assert response.status_code == 200 and response.context["form"].errors.get("goal")


def test_the_demo_links_decisions_to_goals(demo):
    for name in (PLAN_A1, PLAN_A2, PLAN_B):
        linked = Decision.objects.filter(agenda_item__meeting__body__plan__name=name, agenda_item__goals__isnull=False)
        assert linked.exists()
        for decision in linked:
            assert all(goal.plan.name == name for goal in decision.agenda_item.goals.all())
