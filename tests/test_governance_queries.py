"""Constant query counts on the meeting, agenda and decision-register pages (small vs larger data)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.meetings.models import AgendaItem, Attachment, Decision, Guest, Meeting, MinutesItem
from plans.models import Person

from .conftest import PLAN_A1
from .factories import ActionItemFactory, AgendaItemFactory, PersonFactory


def _grow(meeting: Meeting, items: int) -> None:
    """Add decision items, each with a guest, a bilag row, a link, minutes, a decision and two actions."""
    plan = meeting.body.plan
    sub_agreement = plan.sub_agreements.first()
    intervention = sub_agreement.interventions.first()
    goals = list(plan.goals.order_by("pk")[:2])
    presenter = Person.objects.get(user__username="demo-sekretariatsleder")
    start = (meeting.agenda_items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    for number in range(items):
        item = AgendaItemFactory(meeting=meeting, position=start + number, presenter=presenter)
        item.sub_agreements.add(sub_agreement)
        item.interventions.add(intervention)
        item.goals.add(*goals)
        Guest.objects.create(agenda_item=item, person=PersonFactory())
        Attachment.objects.create(
            agenda_item=item,
            file=f"bilag/x{item.pk}",
            original_name="a.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        )
        MinutesItem.objects.create(agenda_item=item, discussion="Drøftet")
        decision = Decision.objects.create(agenda_item=item, text="Besluttet")
        ActionItemFactory.create_batch(2, decision=decision)


@pytest.fixture
def meeting(demo):
    body = demo.plan(PLAN_A1).bodies.get(kind="board")
    start = timezone.now() + timedelta(days=40)
    return Meeting.objects.create(
        body=body, title="Målt møde", starts_at=start, ends_at=start + timedelta(hours=2), location="Her"
    )


def _count(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("username", ["demo-sekretariatsleder", "demo-bestyrelse"])
@pytest.mark.parametrize("url_name", ["governance:meeting-detail", "governance:meeting-agenda"])
def test_meeting_and_agenda_pages_are_constant(meeting, login, django_assert_max_num_queries, username, url_name):
    client = login(username)
    url = reverse(url_name, args=[meeting.pk])
    _grow(meeting, 2)
    client.get(url)  # the first visit puts the follow-up item on the agenda (a one-off write)
    small = _count(django_assert_max_num_queries, client, url, 40)
    _grow(meeting, 25)
    large = _count(django_assert_max_num_queries, client, url, small)
    assert large == small


@pytest.mark.parametrize("username", ["demo-sekretariatsleder", "demo-bestyrelse"])
def test_decision_register_is_constant(meeting, login, demo, django_assert_max_num_queries, username):
    client = login(username)
    url = reverse("governance:decision-register", args=[demo.plan(PLAN_A1).pk])
    _grow(meeting, 2)
    small = _count(django_assert_max_num_queries, client, url, 30)
    _grow(meeting, 25)
    # Corrections add earlier versions; they are prefetched too.
    for decision in Decision.objects.filter(agenda_item__meeting=meeting)[:5]:
        Decision.objects.filter(pk=decision.pk).update(is_current=False)
        Decision.objects.create(agenda_item=decision.agenda_item, version=2, text="Rettet", correction_reason="Fejl")
    large = _count(django_assert_max_num_queries, client, url, small)
    assert large == small
    filtered = url + "?action_status=open&q=Beslut"
    _count(django_assert_max_num_queries, client, filtered, small)


def test_meeting_list_is_constant(meeting, login, demo, django_assert_max_num_queries):
    client = login("demo-sekretariatsleder")
    url = reverse("governance:meeting-list", args=[demo.plan(PLAN_A1).pk])
    small = _count(django_assert_max_num_queries, client, url, 20)
    for number in range(20):
        start = timezone.now() + timedelta(days=100 + number)
        Meeting.objects.create(
            body=meeting.body,
            title=f"M{number}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            location="X",
        )
    assert _count(django_assert_max_num_queries, client, url, small) == small


def test_register_filters(meeting, login, demo):
    client = login("demo-sekretariatsleder")
    plan = demo.plan(PLAN_A1)
    url = reverse("governance:decision-register", args=[plan.pk])
    all_count = len(client.get(url).context["decisions"])
    assert all_count > 0
    board = plan.bodies.get(kind="board")
    by_body = client.get(url, {"body": board.pk}).context["decisions"]
    assert by_body and all(d.agenda_item.meeting.body_id == board.pk for d in by_body)
    sub_agreement = plan.sub_agreements.get(title="Delaftale: Beskæftigelse")
    by_sa = client.get(url, {"sub_agreement": sub_agreement.pk}).context["decisions"]
    assert by_sa and all(sub_agreement in d.agenda_item.sub_agreements.all() for d in by_sa)
    overdue = client.get(url, {"action_status": "overdue"}).context["decisions"]
    today = timezone.localdate()
    assert overdue and all(any(a.status == "open" and a.due_date < today for a in d.actions.all()) for d in overdue)
    future = client.get(url, {"date_from": (today + timedelta(days=1)).isoformat()}).context["decisions"]
    assert future == []
    search = client.get(url, {"q": "omprioriteringen"}).context["decisions"]
    assert search and all("omprioriteringen" in d.text for d in search)
    assert len(search) < all_count
    bad = client.get(url, {"date_from": "not-a-date"})
    assert bad.status_code == 200 and len(bad.context["decisions"]) == all_count
    assert AgendaItem.objects.exists()


def test_upcoming_overview_is_constant(meeting, login, django_assert_max_num_queries):
    client = login("demo-sekretariatsleder")
    url = reverse("governance:upcoming-meetings")
    small = _count(django_assert_max_num_queries, client, url, 20)
    for number in range(20):
        start = timezone.now() + timedelta(days=100 + number)
        Meeting.objects.create(
            body=meeting.body,
            title=f"M{number}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            location="X",
        )
    assert _count(django_assert_max_num_queries, client, url, small) == small
