"""Reads for the agenda builder: the ranked proposals a meeting is offered, and what was done with earlier ones."""

from dataclasses import dataclass

from django.utils import timezone

from governance.agenda.models import ProposalResponse
from governance.agenda.sources import SOURCES, Proposal, Situation, report_evidence
from governance.meetings.models import AgendaItem, Meeting


@dataclass
class Proposals:
    """What the builder shows: proposals still open, ranked, and the responses given at this meeting."""

    open: list[Proposal]
    responses: list[ProposalResponse]


def gather(meeting: Meeting, *, now=None) -> list[Proposal]:
    """Every source's proposals for ``meeting``, one per key, ranked (settled ones included).

    A question both the live data and the latest report raise is kept once, in its live form, with
    the report added to its evidence."""
    situation = Situation(meeting=meeting, now=now or timezone.now())
    by_key: dict[str, Proposal] = {}
    for source in SOURCES:
        for proposal in source(situation):
            existing = by_key.get(proposal.key)
            if existing is None:
                by_key[proposal.key] = proposal
            elif proposal.report is not None and existing.report is None:
                existing.report = proposal.report
    for proposal in by_key.values():
        if proposal.report is not None:
            proposal.evidence.append(report_evidence(proposal.report))
    return sorted(by_key.values(), key=lambda p: p.rank)


def settled_keys(meeting: Meeting, proposals: list[Proposal]) -> set[str]:
    """Keys of proposals not to offer again: on this meeting's agenda already, or accepted or dismissed
    for the same body in the same situation (an acceptance counts while its item exists). Two queries."""
    keys = [p.key for p in proposals]
    on_agenda = set(
        AgendaItem.objects.filter(meeting=meeting, question_key__in=keys).values_list("question_key", flat=True)
    )
    responses = ProposalResponse.objects.filter(meeting__body_id=meeting.body_id, key__in=keys).values_list(
        "key", "fingerprint", "outcome", "agenda_item_id"
    )
    settled = {
        (key, fingerprint)
        for key, fingerprint, outcome, item_id in responses
        if outcome == ProposalResponse.Outcome.DISMISSED or item_id is not None
    }
    return on_agenda | {p.key for p in proposals if (p.key, p.fingerprint) in settled}


def meeting_proposals(*, meeting: Meeting, now=None) -> Proposals:
    """The builder's content for ``meeting`` (already resolved through ``plans.access`` by the view)."""
    proposals = gather(meeting, now=now)
    settled = settled_keys(meeting, proposals)
    responses = list(
        ProposalResponse.objects.filter(meeting=meeting)
        .select_related("decided_by", "agenda_item")
        .order_by("-decided_at", "-pk")
    )
    return Proposals(open=[p for p in proposals if p.key not in settled], responses=responses)


def find_open_proposal(*, meeting: Meeting, key: str, now=None) -> Proposal | None:
    """The open proposal with ``key`` for ``meeting``, recomputed (never taken from the request)."""
    return next((p for p in meeting_proposals(meeting=meeting, now=now).open if p.key == key), None)
