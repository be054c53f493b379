"""Minutes, decisions and follow-up: locking, versioned corrections, action carry-over."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.meetings import services
from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting, Minutes
from plans.models import Person

from .conftest import PLAN_A1
from .governance_helpers import demo_meeting


def approved_decision() -> Decision:
    """A locked decision with actions on plan A1's board (from the demo)."""
    return Decision.objects.get(
        agenda_item__meeting__body__plan__name=PLAN_A1,
        agenda_item__meeting__title="Bestyrelsesmøde (sommer)",
        agenda_item__title="Lektiecaféen når ikke målgruppen",
        is_current=True,
    )


def _meeting_with_decision_item(demo):
    meeting = demo_meeting(PLAN_A1, title="Bestyrelsesmøde (temamøde)")
    item = services.agenda_item_save(
        meeting=meeting,
        title="Nyt beslutningspunkt",
        kind=AgendaItem.Kind.DECISION,
        recommendation="Sekretariatet indstiller, at forslaget godkendes.",
    )
    return meeting, item


# --- Recording and approving minutes through the views -------------------------------------------


def test_secretariat_lead_records_decision_action_and_approves(demo, login):
    client = login("demo-sekretariatsleder")
    meeting, item = _meeting_with_decision_item(demo)
    data = {
        f"decision-{item.pk}": "Bestyrelsen godkendte forslaget.",
        f"discussion-{item.pk}": "God drøftelse.",
    }
    response = client.post(reverse("governance:minutes-edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    decision = Decision.objects.get(agenda_item=item, is_current=True)
    assert decision.text == "Bestyrelsen godkendte forslaget." and not decision.is_locked
    owner = Person.objects.get(user__username="demo-sekretariatsleder")
    due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("governance:action-create", args=[decision.pk]),
        {"action-title": "Følg op", "action-owner": owner.pk, "action-due_date": due.isoformat()},
    )
    assert response.status_code == 302
    assert decision.actions.get().owner == owner
    # The other decision items on this meeting need a decision before approval.
    for other in meeting.agenda_items.filter(kind=AgendaItem.Kind.DECISION).exclude(pk=item.pk):
        services.minutes_save(
            meeting=meeting, user=None, entries={other.pk: services.MinutesEntry(decision="Godkendt.")}
        )
    # Minutes are approved once the meeting has started (issue #15): the meeting is held by now.
    started = timezone.now() - timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started, ends_at=started + timedelta(hours=2))
    response = client.post(reverse("governance:minutes-approve", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    decision.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_APPROVED
    assert decision.is_locked
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.version == 1 and minutes.approved_by.username == "demo-sekretariatsleder"


def test_approval_refused_while_a_decision_item_has_no_decision(demo, login):
    client = login("demo-sekretariatsleder")
    meeting, _item = _meeting_with_decision_item(demo)
    response = client.post(reverse("governance:minutes-approve", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status != Meeting.Status.MINUTES_APPROVED
    assert not Minutes.objects.filter(meeting=meeting).exists()


def test_decision_item_needs_a_recommendation(demo, login):
    client = login("demo-sekretariatsleder")
    meeting = demo_meeting(PLAN_A1)
    before = meeting.agenda_items.count()
    response = client.post(
        reverse("governance:item-create", args=[meeting.pk]),
        {"title": "Uden indstilling", "kind": "decision"},
    )
    assert response.status_code == 200
    assert "skal have en indstilling" in response.content.decode()
    assert meeting.agenda_items.count() == before


def test_items_can_be_reordered(demo, login):
    client = login("demo-sekretariatsleder")
    meeting = demo_meeting(PLAN_A1)
    first, second = list(meeting.agenda_items.order_by("position"))[:2]
    client.post(reverse("governance:item-move", args=[second.pk]), {"direction": "up"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)


def test_readers_cannot_write_minutes(demo, login):
    meeting, item = _meeting_with_decision_item(demo)
    # Readers of the board's meeting get 403; the steering group, who cannot see it, 404.
    for username, status in (("demo-bestyrelse", 403), ("demo-koordinator", 403), ("demo-styregruppe", 404)):
        response = login(username).post(
            reverse("governance:minutes-edit", args=[meeting.pk]), {f"decision-{item.pk}": "Hacket."}
        )
        assert response.status_code == status, username
    assert not Decision.objects.filter(agenda_item=item).exists()


# --- Locked decisions ----------------------------------------------------------------------------


def test_locked_decision_cannot_be_changed_through_the_minutes_view(demo, login):
    decision = approved_decision()
    meeting = decision.agenda_item.meeting
    client = login("demo-sekretariatsleder")
    response = client.post(
        reverse("governance:minutes-edit", args=[meeting.pk]),
        {f"decision-{decision.agenda_item_id}": "Stille ændring"},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.text != "Stille ændring"
    assert Decision.objects.filter(agenda_item=decision.agenda_item).count() == 1


def test_locked_decision_cannot_be_changed_through_services_or_model(demo):
    decision = approved_decision()
    with pytest.raises(ValidationError):
        services.minutes_save(
            meeting=decision.agenda_item.meeting,
            user=None,
            entries={decision.agenda_item_id: services.MinutesEntry(decision="Stille ændring")},
        )
    decision.text = "Stille ændring"
    with pytest.raises(ValidationError):
        decision.full_clean()
    with pytest.raises(ValidationError):
        services.action_item_create(
            decision=Decision.objects.get(pk=decision.pk),
            title="Ny",
            owner=Person.objects.first(),
            due_date=timezone.localdate(),
        )


def test_locked_decision_is_read_only_in_admin(demo, login):
    decision = approved_decision()
    original = decision.text
    client = login("demo-admin")
    url = reverse("admin:governance_decision_change", args=[decision.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="text"' not in page.content.decode()
    client.post(
        url,
        {
            "text": "Ændret i admin",
            "correction_reason": "x",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    decision.refresh_from_db()
    assert decision.text == original
    delete = client.post(reverse("admin:governance_decision_delete", args=[decision.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_unlocked_decision_is_editable_in_admin(demo, login):
    _meeting, item = _meeting_with_decision_item(demo)
    decision = Decision.objects.create(agenda_item=item, text="Udkast")
    page = login("demo-admin").get(reverse("admin:governance_decision_change", args=[decision.pk]))
    assert 'name="text"' in page.content.decode()


def test_correction_is_a_new_version_with_reason_and_history(demo, login):
    decision = approved_decision()
    original_text = decision.text
    action_ids = set(decision.actions.values_list("pk", flat=True))
    client = login("demo-sekretariatsleder")
    url = reverse("governance:decision-correct", args=[decision.pk])
    # Without a reason nothing changes.
    response = client.post(url, {"text": "Rettet tekst", "reason": ""})
    assert response.status_code == 200
    assert Decision.objects.filter(agenda_item=decision.agenda_item).count() == 1
    response = client.post(url, {"text": "Rettet tekst", "reason": "Beløbet var forkert i referatet."})
    assert response.status_code == 302
    old = Decision.objects.get(pk=decision.pk)
    new = Decision.objects.get(agenda_item=decision.agenda_item, is_current=True)
    assert old.text == original_text and not old.is_current
    assert new.version == 2 and new.text == "Rettet tekst" and new.is_locked
    assert new.correction_reason == "Beløbet var forkert i referatet."
    assert new.created_by.username == "demo-sekretariatsleder"
    assert set(new.actions.values_list("pk", flat=True)) == action_ids
    minutes = Minutes.objects.filter(meeting=decision.agenda_item.meeting).order_by("version")
    assert [m.version for m in minutes] == [1, 2]
    assert "Beløbet var forkert" in minutes[1].correction_reason
    assert new.history.first().history_user.username == "demo-sekretariatsleder"
    # The register shows the history.
    register = client.get(reverse("governance:decision-register", args=[demo.plan(PLAN_A1).pk]))
    body = register.content.decode()
    assert "Rettet tekst" in body and original_text in body and "Beløbet var forkert" in body


def test_board_member_cannot_correct(demo, login):
    decision = approved_decision()
    response = login("demo-bestyrelse").post(
        reverse("governance:decision-correct", args=[decision.pk]), {"text": "x", "reason": "y"}
    )
    assert response.status_code == 403
    assert Decision.objects.filter(agenda_item=decision.agenda_item).count() == 1


# --- Action items and carry-over ----------------------------------------------------------------


def test_action_status_update_keeps_history(demo, login):
    decision = approved_decision()
    action = decision.actions.filter(status=ActionItem.Status.OPEN).first()
    client = login("demo-sekretariatsleder")
    response = client.post(
        reverse("governance:action-status", args=[action.pk]),
        {"status": "done", "note": "Aftalt med skolerne."},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE
    assert action.history.count() >= 2
    assert action.history.first().history_user.username == "demo-sekretariatsleder"


def test_action_status_bad_input_and_readers(demo, login):
    action = approved_decision().actions.filter(status=ActionItem.Status.OPEN).first()
    url = reverse("governance:action-status", args=[action.pk])
    login("demo-sekretariatsleder").post(url, {"status": "finished"})
    assert login("demo-bestyrelse").post(url, {"status": "done"}).status_code == 403
    assert login("demo-boligorg-2").post(url, {"status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.status == ActionItem.Status.OPEN


def test_open_actions_are_carried_to_the_bodys_next_meeting(demo):
    board_meeting = demo_meeting(PLAN_A1)
    body = board_meeting.body
    open_actions = set(
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN,
            decision__agenda_item__meeting__body=body,
            decision__agenda_item__meeting__starts_at__lt=board_meeting.starts_at,
        ).values_list("pk", flat=True)
    )
    assert open_actions
    follow_up = board_meeting.agenda_items.get(is_follow_up=True)
    assert set(follow_up.carried_actions.values_list("pk", flat=True)) == open_actions
    # Done and cancelled actions are not carried; actions of other bodies neither.
    assert not follow_up.carried_actions.exclude(status=ActionItem.Status.OPEN).exists()
    assert not follow_up.carried_actions.exclude(decision__agenda_item__meeting__body=body).exists()


def test_only_the_bodys_next_meeting_gets_the_follow_up_item(demo, login):
    winter = demo_meeting(PLAN_A1)
    later = demo_meeting(PLAN_A1, title="Bestyrelsesmøde (temamøde)")
    assert winter.agenda_items.filter(is_follow_up=True).exists()
    assert not later.agenda_items.filter(is_follow_up=True).exists()  # waits for the winter meeting
    # A meeting planned before the winter meeting becomes the next one and takes the item over.
    start = timezone.now() + timedelta(days=2)
    sooner = services.meeting_create(
        body=winter.body,
        title="Ekstra møde",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Her",
    )
    item = sooner.agenda_items.get(is_follow_up=True)
    assert item.position == 1 and item.carried_actions.exists()
    # Creating the earlier meeting moved the item: the winter meeting's is gone without a page view.
    assert not winter.agenda_items.filter(is_follow_up=True).exists()


def test_follow_up_item_disappears_when_all_actions_are_done(demo, login):
    """Changing the last open action (a write) removes the item; opening the page writes nothing."""
    winter = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    for action in ActionItem.objects.filter(decision__agenda_item__meeting__body=winter.body, status="open"):
        response = client.post(reverse("governance:action-status", args=[action.pk]), {"status": "done", "note": ""})
        assert response.status_code == 302
    assert not winter.agenda_items.filter(is_follow_up=True).exists()


def test_later_meeting_gets_the_item_once_earlier_minutes_are_approved(demo):
    winter = demo_meeting(PLAN_A1)
    later = demo_meeting(PLAN_A1, title="Bestyrelsesmøde (temamøde)")
    Meeting.objects.filter(pk=winter.pk).update(status=Meeting.Status.MINUTES_APPROVED)
    item = services.meeting_sync_follow_up(meeting=later)
    assert item is not None and item.carried_actions.exists()


def test_meeting_of_a_body_without_open_actions_has_no_follow_up(demo):
    group = demo_meeting(PLAN_A1).body.plan.bodies.get(name="Styregruppen for tryghed")
    start = timezone.now() + timedelta(days=20)
    meeting = services.meeting_create(
        body=group,
        title="Tryghed",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        location="Beboerhuset",
    )
    assert not meeting.agenda_items.exists()


def test_meeting_create_view_and_bad_input(demo, login):
    client = login("demo-sekretariatsleder")
    plan = demo.plan(PLAN_A1)
    board = plan.bodies.get(kind="board")
    url = reverse("governance:meeting-create", args=[plan.pk])
    before = Meeting.objects.count()
    bad = client.post(
        url,
        {
            "body": board.pk,
            "kind": "regular",
            "title": "X",
            "starts_at": "2027-03-01T15:00",
            "ends_at": "2027-03-01T14:00",
            "location": "Rådhuset",
        },
    )
    assert bad.status_code == 200 and Meeting.objects.count() == before
    no_place = client.post(
        url,
        {
            "body": board.pk,
            "kind": "regular",
            "title": "X",
            "starts_at": "2027-03-01T15:00",
            "ends_at": "2027-03-01T17:00",
        },
    )
    assert no_place.status_code == 200 and Meeting.objects.count() == before
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    good = client.post(
        url,
        {
            "body": board.pk,
            "kind": "regular",
            "title": "Marts-møde",
            "starts_at": f"{tomorrow}T15:00",
            "ends_at": f"{tomorrow}T17:00",
            "location": "Rådhuset",
        },
    )
    assert good.status_code == 302
    meeting = Meeting.objects.get(title="Marts-møde")
    assert meeting.agenda_items.filter(is_follow_up=True).exists()
    assert good["Location"] == reverse("governance:agenda-builder", args=[meeting.pk])  # the agenda builder
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk]))
    assert "Frist for udsendelse" in page.content.decode()
    assert login("demo-bestyrelse").post(url, {"body": board.pk}).status_code == 403
    assert login("demo-koordinator-2").post(url, {"body": board.pk}).status_code == 404


def test_item_without_decision_can_be_deleted_and_items_move_up(demo, login):
    client = login("demo-sekretariatsleder")
    meeting = demo_meeting(PLAN_A1)
    items = list(meeting.agenda_items.order_by("position"))
    response = client.post(reverse("governance:item-delete", args=[items[0].pk]))
    assert response.status_code == 302
    assert list(meeting.agenda_items.order_by("position").values_list("pk", "position")) == [
        (item.pk, number) for number, item in enumerate(items[1:], start=1)
    ]


def test_item_with_decision_or_by_reader_is_not_deleted(demo, login):
    decision = approved_decision()
    client = login("demo-sekretariatsleder")
    client.post(reverse("governance:item-delete", args=[decision.agenda_item_id]))
    assert AgendaItem.objects.filter(pk=decision.agenda_item_id).exists()
    item = demo_meeting(PLAN_A1).agenda_items.first()
    assert login("demo-bestyrelse").post(reverse("governance:item-delete", args=[item.pk])).status_code == 403
    assert login("demo-koordinator-2").post(reverse("governance:item-delete", args=[item.pk])).status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_carried_actions_can_be_followed_up_from_the_minutes_page(demo, login):
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    url = reverse("governance:minutes-edit", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Opfølgning på tidligere handlingspunkter" in page
    action = meeting.agenda_items.get(is_follow_up=True).carried_actions.first()
    response = client.post(reverse("governance:action-status", args=[action.pk]), {"status": "done", "next": url})
    assert response["Location"] == url
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE


def test_admin_keeps_approved_agenda_items_and_locked_actions_read_only(demo, login):
    decision = approved_decision()
    client = login("demo-admin")
    item_page = client.get(reverse("admin:governance_agendaitem_change", args=[decision.agenda_item_id]))
    assert item_page.status_code == 200
    assert 'name="recommendation"' not in item_page.content.decode()
    decision_page = client.get(reverse("admin:governance_decision_change", args=[decision.pk])).content.decode()
    assert 'name="actions-0-status"' in decision_page  # follow-up of status stays possible
    assert 'name="actions-0-title"' not in decision_page
    assert 'name="actions-__prefix__-title"' not in decision_page  # no new actions on a locked decision


@pytest.mark.parametrize(
    "model",
    [
        "meeting",
        "agendaitem",
        "attachment",
        "minutes",
        "minutesitem",
        "decision",
        "actionitem",
        "sendout",
        "reminderlog",
        "calendartoken",
    ],
)
def test_admin_pages_load(demo, login, model):
    from django.apps import apps

    client = login("demo-admin")
    assert client.get(reverse(f"admin:governance_{model}_changelist")).status_code == 200
    obj = apps.get_model("governance", model).objects.first()
    if obj is not None:
        assert client.get(reverse(f"admin:governance_{model}_change", args=[obj.pk])).status_code == 200
        assert client.get(reverse(f"admin:governance_{model}_history", args=[obj.pk])).status_code == 200


def test_register_shows_who_changed_an_action(demo, login):
    action = approved_decision().actions.filter(status=ActionItem.Status.OPEN).first()
    client = login("demo-sekretariatsleder")
    client.post(reverse("governance:action-status", args=[action.pk]), {"status": "done"})
    response = client.get(reverse("governance:decision-register", args=[demo.plan(PLAN_A1).pk]))
    decision = next(d for d in response.context["decisions"] if d.pk == action.decision_id)
    changes = next(a for a in decision.actions.all() if a.pk == action.pk).changes
    assert changes[-1].status == "done" and changes[-1].history_user.username == "demo-sekretariatsleder"
    assert "Signe Lauridsen" in response.content.decode()
