"""The agenda builder (issue #15, item 2): every new meeting is offered, ranked, what demands the body's
action; an accepted proposal lands where the secretariat puts it, with its evidence as a bilag; a decided
or dismissed proposal is not offered again until the situation behind it changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.agenda import sources
from governance.agenda.models import ProposalResponse
from governance.agenda.selectors import meeting_proposals
from governance.agenda.services import agenda_item_place, proposal_accept, proposal_dismiss
from governance.bodies.models import Body
from governance.meetings.models import ActionItem, AgendaItem, Attachment, Decision, Meeting

from .conftest import PLAN_A1
from .factories import ActionItemFactory
from .governance_helpers import demo_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _open(meeting):
    return {p.key: p for p in meeting_proposals(meeting=meeting).open}


def _new_board_meeting(demo, days=45) -> Meeting:
    from governance.meetings.services import meeting_create

    body = Body.objects.get(plan=demo.plan(PLAN_A1), kind=Body.Kind.BOARD)
    starts = timezone.now() + timedelta(days=days)
    return meeting_create(
        body=body, title="Ekstra bestyrelsesmøde", starts_at=starts, ends_at=starts + timedelta(hours=2), location="X"
    )


def _overdue_action(meeting: Meeting, title="Ny overskreden handling") -> ActionItem:
    """An open action past its due date on a current decision of an earlier meeting of the same body."""
    decision = Decision.objects.filter(
        agenda_item__meeting__body=meeting.body, agenda_item__meeting__starts_at__lt=meeting.starts_at, is_current=True
    ).first()
    return ActionItemFactory(decision=decision, title=title, due_date=timezone.localdate() - timedelta(days=3))


def test_creating_a_meeting_opens_the_builder_with_ranked_proposals(demo, login):
    client = login("demo-sekretariatsleder")
    plan = demo.plan(PLAN_A1)
    board = Body.objects.get(plan=plan, kind=Body.Kind.BOARD)
    day = (timezone.localdate() + timedelta(days=50)).isoformat()
    response = client.post(
        reverse("governance:meeting-create", args=[plan.pk]),
        {
            "body": board.pk,
            "kind": "regular",
            "title": "Forårsmøde",
            "starts_at": f"{day}T15:00",
            "ends_at": f"{day}T17:00",
            "location": "Beboerhuset",
        },
    )
    meeting = Meeting.objects.get(title="Forårsmøde")
    assert response.status_code == 302 and response.url == reverse("governance:agenda-builder", args=[meeting.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    proposals = meeting_proposals(meeting=meeting).open
    sources_in_order = [p.source for p in proposals]
    # Strategic questions (goals off track) lead, then collaboration (co-financing), then follow-up.
    assert sources_in_order.index("off_track_goal") < sources_in_order.index("cofinancing_shortfall")
    assert sources_in_order.index("cofinancing_shortfall") < sources_in_order.index("overdue_actions")
    assert [p.rank for p in proposals] == sorted(p.rank for p in proposals)
    text = page.content.decode()
    positions = [text.index(f'id="{p.anchor}"') for p in proposals]
    assert positions == sorted(positions)
    goal = next(p for p in proposals if p.source == "off_track_goal")
    assert reverse("monitoring:goal-tree", args=[plan.pk]) in text
    assert any(e.url.startswith(reverse("monitoring:indicator-detail", args=[plan.pk, 0])[:-2]) for e in goal.evidence)


def test_accept_places_the_item_with_its_evidence_and_does_not_offer_it_again(demo, login):
    meeting = _new_board_meeting(demo)
    before = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    proposal = next(p for p in _open(meeting).values() if p.source == "cofinancing_shortfall")
    client = login("demo-sekretariatsleder")
    response = client.post(
        reverse("governance:proposal-accept", args=[meeting.pk]),
        {"key": proposal.key, "fingerprint": proposal.fingerprint, "position": 1},
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting, question_key=proposal.key)
    assert item.position == 1 and item.title == proposal.title and item.recommendation == proposal.recommendation
    assert list(meeting.agenda_items.exclude(pk=item.pk).order_by("position").values_list("pk", flat=True)) == before
    bilag = Attachment.objects.get(agenda_item=item)
    assert bilag.content_type == "application/pdf" and bilag.original_name.startswith("evidens-")
    assert proposal.key not in _open(meeting)
    response = ProposalResponse.objects.get(meeting=meeting, key=proposal.key)
    assert response.outcome == "accepted" and response.agenda_item == item
    assert response.decided_by.username == "demo-sekretariatsleder"
    # The body's other upcoming meeting is not offered it either while nothing changed.
    other = demo_meeting(PLAN_A1)
    assert proposal.key not in _open(other)


def test_a_goal_proposal_links_its_goals_and_its_evidence_names_the_figures(demo):
    meeting = _new_board_meeting(demo)
    proposal = next(p for p in _open(meeting).values() if p.source == "off_track_goal")
    lead = demo.user("demo-sekretariatsleder")
    item = proposal_accept(meeting=meeting, key=proposal.key, fingerprint=proposal.fingerprint, user=lead)
    assert sorted(item.goals.values_list("pk", flat=True)) == sorted(proposal.goal_ids)
    assert item.position == 1  # the first accepted proposal leads the agenda by default
    from .test_reports_pdf import pdftotext

    text = pdftotext(Attachment.objects.get(agenda_item=item).file.path)
    assert "Evidens" in text and "Graf og målinger" in text


def test_dismissed_proposals_return_only_when_the_situation_changes(demo, login):
    meeting = _new_board_meeting(demo)
    proposal = _open(meeting)["overdue-actions"]
    client = login("demo-sekretariatsleder")
    client.post(
        reverse("governance:proposal-dismiss", args=[meeting.pk]),
        {"key": proposal.key, "fingerprint": proposal.fingerprint, "reason": "Tages på næste møde"},
    )
    dismissed = ProposalResponse.objects.get(meeting=meeting, key="overdue-actions")
    assert dismissed.outcome == "dismissed" and dismissed.reason == "Tages på næste møde"
    assert "overdue-actions" not in _open(meeting)
    assert not AgendaItem.objects.filter(meeting=meeting, question_key="overdue-actions").exists()
    _overdue_action(meeting)
    again = _open(meeting)["overdue-actions"]
    assert again.fingerprint != proposal.fingerprint and "Ny overskreden handling" in again.recommendation


def test_undoing_a_dismissal_and_deleting_an_accepted_item_offer_the_proposal_again(demo, login):
    from governance.meetings.services import agenda_item_delete

    meeting = _new_board_meeting(demo)
    lead = demo.user("demo-sekretariatsleder")
    proposals = _open(meeting)
    dismissed = proposal_dismiss(
        meeting=meeting, key="overdue-actions", fingerprint=proposals["overdue-actions"].fingerprint, user=lead
    )
    response = login("demo-sekretariatsleder").post(reverse("governance:proposal-restore", args=[dismissed.pk]))
    assert response.status_code == 302 and "overdue-actions" in _open(meeting)
    shortfall = next(p for p in proposals.values() if p.source == "cofinancing_shortfall")
    item = proposal_accept(meeting=meeting, key=shortfall.key, fingerprint=shortfall.fingerprint, user=lead)
    assert shortfall.key not in _open(meeting)
    agenda_item_delete(item=item)
    assert shortfall.key in _open(meeting)


def test_a_stale_fingerprint_changes_nothing(demo, login):
    meeting = _new_board_meeting(demo)
    proposal = _open(meeting)["overdue-actions"]
    _overdue_action(meeting)  # the situation changes while the page is open
    items = meeting.agenda_items.count()
    response = login("demo-sekretariatsleder").post(
        reverse("governance:proposal-accept", args=[meeting.pk]),
        {"key": proposal.key, "fingerprint": proposal.fingerprint},
        follow=True,
    )
    assert "Forslaget er ændret" in response.content.decode()
    assert meeting.agenda_items.count() == items
    assert not ProposalResponse.objects.filter(meeting=meeting).exists()


def test_unknown_proposals_are_refused(demo, login):
    meeting = _new_board_meeting(demo)
    response = login("demo-sekretariatsleder").post(
        reverse("governance:proposal-accept", args=[meeting.pk]),
        {"key": "goal-999999", "fingerprint": "0" * 64},
        follow=True,
    )
    assert "ikke længere åbent" in response.content.decode()
    assert not ProposalResponse.objects.filter(meeting=meeting).exists()


def test_a_steering_group_meeting_is_offered_its_own_scope_only(demo):
    group_meeting = demo_meeting(PLAN_A1, board=False)
    board_meeting = demo_meeting(PLAN_A1)
    group, board = _open(group_meeting), _open(board_meeting)
    assert "overdue-actions" in group
    assert not [k for k in group if k.startswith("commitment-")] or all(
        k in board for k in group if k.startswith("commitment-")
    )
    assert group["overdue-actions"].recommendation != board["overdue-actions"].recommendation


def test_the_last_two_meetings_are_those_before_the_new_meeting(demo):
    """A decision on an off-track goal at one of the body's last two meetings before this one answers it."""
    meeting = _new_board_meeting(demo)
    proposal = next(p for p in _open(meeting).values() if p.source == "off_track_goal")
    last_two = Meeting.objects.filter(body=meeting.body, starts_at__lt=meeting.starts_at).order_by("-starts_at")[:2]
    item = (
        AgendaItem.objects.filter(meeting__in=list(last_two), kind="decision").order_by("-meeting__starts_at").first()
    )
    assert item is not None, "the demo board has a decision item at one of its last two meetings"
    item.goals.add(*proposal.goal_ids)
    if not item.decisions.filter(is_current=True).exists():
        Decision.objects.create(agenda_item=item, text="Indsatsen justeres.")
    assert proposal.key not in _open(meeting)


def test_items_are_placed_by_position_buttons_and_field(demo, login):
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    order = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    last = AgendaItem.objects.get(pk=order[-1])
    url = reverse("governance:item-place", args=[last.pk])
    response = client.post(url, {"position": 1, "next": "builder"})
    assert response.status_code == 302 and "byg-dagsorden" in response.url
    assert list(meeting.agenda_items.order_by("position").values_list("pk", flat=True)) == [order[-1], *order[:-1]]
    client.post(url, {"position": 99})  # beyond the end: last
    assert list(meeting.agenda_items.order_by("position").values_list("pk", flat=True)) == order
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == list(
        range(1, len(order) + 1)
    )
    response = client.post(url, {"position": 0}, follow=True)
    assert "Angiv et punktnummer" in response.content.decode()
    assert list(meeting.agenda_items.order_by("position").values_list("pk", flat=True)) == order


def test_placing_is_refused_once_the_minutes_are_approved(demo):
    meeting = demo_meeting(PLAN_A1, title="Bestyrelsesmøde (efterår)")
    item = meeting.agenda_items.order_by("position").last()
    with pytest.raises(Exception, match="referatet er godkendt"):
        agenda_item_place(item=item, position=1)


BUILDER_STATUS = [
    ("demo-sekretariatsleder", 200),
    ("demo-admin", 200),
    ("demo-bestyrelse", 403),
    ("demo-koordinator", 403),
    ("demo-boligorg", 403),
    ("demo-koordinator-2", 404),
    ("demo-boligorg-2", 404),
]


@pytest.mark.parametrize(("username", "status"), BUILDER_STATUS)
def test_the_builder_and_its_writes_per_role(demo, login, username, status):
    meeting = demo_meeting(PLAN_A1)
    client = login(username)
    assert client.get(reverse("governance:agenda-builder", args=[meeting.pk])).status_code == status
    proposal = _open(meeting)["overdue-actions"]
    data = {"key": proposal.key, "fingerprint": proposal.fingerprint}
    write_status = 302 if status == 200 else status
    item = meeting.agenda_items.order_by("position").last()
    assert client.post(reverse("governance:item-place", args=[item.pk]), {"position": 1}).status_code == write_status
    assert client.post(reverse("governance:proposal-dismiss", args=[meeting.pk]), data).status_code == write_status
    dismissed = ProposalResponse.objects.filter(meeting=meeting).first() or proposal_dismiss(
        meeting=meeting, user=None, **data
    )
    restore = client.post(reverse("governance:proposal-restore", args=[dismissed.pk]))
    assert restore.status_code == write_status
    assert client.post(reverse("governance:proposal-accept", args=[meeting.pk]), data).status_code == write_status
    assert AgendaItem.objects.filter(meeting=meeting, question_key="overdue-actions").exists() == (status == 200)


def test_writes_are_post_only(demo, login):
    meeting = demo_meeting(PLAN_A1)
    client = login("demo-sekretariatsleder")
    assert client.get(reverse("governance:proposal-accept", args=[meeting.pk])).status_code == 405
    assert client.get(reverse("governance:proposal-dismiss", args=[meeting.pk])).status_code == 405


def test_the_builder_answers_in_a_constant_number_of_queries(demo, login, django_assert_max_num_queries):
    meeting = _new_board_meeting(demo)
    client = login("demo-sekretariatsleder")
    url = reverse("governance:agenda-builder", args=[meeting.pk])
    with django_assert_max_num_queries(60):
        assert client.get(url).status_code == 200
    for number in range(6):
        _overdue_action(meeting, title=f"Ekstra handling {number}")
    lead = demo.user("demo-sekretariatsleder")
    for proposal in list(_open(meeting).values())[:3]:
        proposal_dismiss(meeting=meeting, key=proposal.key, fingerprint=proposal.fingerprint, user=lead)
    with django_assert_max_num_queries(60):
        assert client.get(url).status_code == 200


def test_sources_are_a_list_one_more_source_is_one_more_entry(demo, monkeypatch):
    """An obligations source (or any other) is added in one place: ``sources.SOURCES``."""
    meeting = _new_board_meeting(demo)

    def obligations(situation):
        return [
            sources.Proposal(
                key="obligation-1",
                source="lbf_obligation",
                rank=sources.RANK_OBLIGATION,
                kind="information",
                title="Selvevaluering til LBF",
                why="Fristen ligger før næste møde.",
                recommendation="",
                situation={"due": situation.horizon.date().isoformat()},
            )
        ]

    monkeypatch.setattr(sources, "SOURCES", [*sources.SOURCES, obligations])
    monkeypatch.setattr("governance.agenda.selectors.SOURCES", sources.SOURCES)
    keys = [p.key for p in meeting_proposals(meeting=meeting).open]
    assert "obligation-1" in keys and keys.index("overdue-actions") < keys.index("obligation-1")


def test_lbf_obligations_due_before_the_next_meeting_are_proposed_to_the_board_only(demo):
    """The demo's overdue regnskab and any obligation due before the board's next meeting are proposed;
    submitted ones and a steering group's meeting get none (issue 14: proposed for the next board agenda)."""
    from monitoring.models import Obligation

    meeting = _new_board_meeting(demo)
    plan = demo.plan(PLAN_A1)
    overdue = Obligation.objects.get(plan=plan, kind="accounts", year=timezone.localdate().year - 1)
    proposals = _open(meeting)
    assert proposals[f"obligation-{overdue.pk}"].source == "lbf_obligation"
    assert "Frist overskredet" in proposals[f"obligation-{overdue.pk}"].title
    submitted = Obligation.objects.filter(plan=plan, state=Obligation.State.SUBMITTED).first()
    assert f"obligation-{submitted.pk}" not in proposals
    Obligation.objects.filter(pk=overdue.pk).update(state=Obligation.State.SUBMITTED, submitted_on=timezone.localdate())
    assert f"obligation-{overdue.pk}" not in _open(meeting)
    group_meeting = demo_meeting(PLAN_A1, board=False)
    assert not [key for key in _open(group_meeting) if key.startswith("obligation-")]
