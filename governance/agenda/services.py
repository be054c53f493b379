"""Writes of the agenda builder: accept a proposal where the secretariat wants it, dismiss it, undo a
dismissal, and place any agenda item at a given position. Each is atomic and validated first."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.pdf import write_tagged_pdf
from governance.agenda.models import ProposalResponse
from governance.agenda.selectors import find_open_proposal
from governance.agenda.sources import Proposal
from governance.meetings.models import AgendaItem, Meeting
from governance.meetings.services import agenda_item_save, attachment_add
from monitoring.charts import indicator_chart_svg
from monitoring.models import Goal, Indicator, Measurement

# Positions are moved out of the way (above any real agenda length) before they are renumbered, so the
# unique (meeting, position) constraint holds after every single-row update.
_PARKED = 10_000


def _check_open(meeting: Meeting) -> None:
    if not meeting.agenda_is_open:
        raise ValidationError(_("Dagsordenen kan ikke ændres, når referatet er godkendt."))


@transaction.atomic
def agenda_item_place(*, item: AgendaItem, position: int) -> AgendaItem:
    """Put ``item`` at ``position`` (1 = first; beyond the end = last); the others keep their order."""
    _check_open(item.meeting)
    items = list(AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id).order_by("position", "pk"))
    if not position >= 1:
        raise ValidationError(_("Placeringen skal være et punktnummer fra 1."))
    order = [other for other in items if other.pk != item.pk]
    order.insert(min(position, len(order) + 1) - 1, item)
    if [other.pk for other in order] == [other.pk for other in items]:
        return item
    AgendaItem.objects.filter(meeting_id=item.meeting_id).update(position=F("position") + _PARKED)
    for number, other in enumerate(order, start=1):
        AgendaItem.objects.filter(pk=other.pk).update(position=number)
        if other.pk == item.pk:
            item.position = number
    return item


def default_position(meeting: Meeting) -> int:
    """Where an accepted proposal goes unless the secretariat says otherwise: after the items already
    made from proposals, ahead of the rest, so the agenda leads with what demands action (seed 003)."""
    made = meeting.agenda_items.exclude(question_key="").order_by("-position").values_list("position", flat=True)
    return (made.first() or 0) + 1


def _evidence_pdf(proposal: Proposal, meeting: Meeting) -> bytes:
    """The proposal's evidence as a bilag: the figures, each indicator's chart and the links (WeasyPrint)."""
    from weasyprint import HTML

    measurements = Measurement.objects.approved().totals().order_by("period_start")
    goals = list(
        Goal.objects.filter(plan=meeting.body.plan, pk__in=proposal.goal_ids).order_by("level", "position", "title")
    )
    charts = []
    indicators = Indicator.objects.filter(goal__in=goals).prefetch_related("targets").order_by("goal", "position")
    for indicator in indicators:
        points = list(measurements.filter(indicator=indicator))
        charts.append(
            {
                "name": indicator.name,
                "unit": indicator.unit,
                "latest": points[-1] if points else None,
                "svg": indicator_chart_svg(indicator, points, width=520, height=170),
            }
        )
    html = render_to_string(
        "governance/agenda/evidence_pdf.html",
        {
            "meeting": meeting,
            "proposal": proposal,
            "goals": goals,
            "charts": charts,
            "base_url": settings.PORTAL_BASE_URL,
            "made_at": timezone.localtime(),
            "for_pdf": True,
        },
    )
    return write_tagged_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)).render())


@transaction.atomic
def proposal_accept(
    *, meeting: Meeting, key: str, fingerprint: str, user, position: int | None = None, now=None
) -> AgendaItem:
    """Put an open proposal on the agenda at ``position`` (default: ``default_position``), with its
    evidence attached as a bilag (PDF), and remember it so it is not offered again in this situation.

    The proposal is recomputed here; when its situation changed since the page was shown
    (``fingerprint``), nothing is written and the secretariat sees the new version first."""
    meeting = Meeting.objects.select_for_update().select_related("body__plan").get(pk=meeting.pk)
    _check_open(meeting)
    proposal = find_open_proposal(meeting=meeting, key=key, now=now)
    if proposal is None:
        raise ValidationError(_("Forslaget er ikke længere åbent for dette møde."))
    if proposal.fingerprint != fingerprint:
        raise ValidationError(_("Forslaget er ændret, siden siden blev vist. Se det nye forslag, og vælg igen."))
    with translation.override(settings.LANGUAGE_CODE):
        description = proposal.why
        if proposal.report is not None:
            description = _("Fra pixi-rapporten for %(period)s (version %(version)s). %(why)s") % {
                "period": proposal.report.quarter.label,
                "version": proposal.report.version,
                "why": proposal.why,
            }
        item = agenda_item_save(
            meeting=meeting,
            title=proposal.title[:200],
            kind=proposal.kind,
            description=description.strip(),
            recommendation=proposal.recommendation,
            goals=Goal.objects.filter(plan=meeting.body.plan, pk__in=proposal.goal_ids),
            question_key=proposal.key,
        )
        agenda_item_place(item=item, position=position or default_position(meeting))
        pdf = _evidence_pdf(proposal, meeting)
    name = f"evidens-{slugify(proposal.key)}.pdf"
    attachment_add(item=item, upload=SimpleUploadedFile(name, pdf, content_type="application/pdf"), user=user)
    ProposalResponse.objects.update_or_create(
        meeting=meeting,
        key=proposal.key,
        fingerprint=proposal.fingerprint,
        defaults={
            "source": proposal.source,
            "title": proposal.title[:200],
            "outcome": ProposalResponse.Outcome.ACCEPTED,
            "reason": "",
            "agenda_item": item,
            "decided_by": user,
            "decided_at": timezone.now(),
        },
    )
    return item


@transaction.atomic
def proposal_dismiss(*, meeting: Meeting, key: str, fingerprint: str, user, reason: str = "", now=None):
    """Dismiss an open proposal for the meeting's body until its situation changes."""
    meeting = Meeting.objects.select_for_update().select_related("body__plan").get(pk=meeting.pk)
    _check_open(meeting)
    proposal = find_open_proposal(meeting=meeting, key=key, now=now)
    if proposal is None:
        raise ValidationError(_("Forslaget er ikke længere åbent for dette møde."))
    if proposal.fingerprint != fingerprint:
        raise ValidationError(_("Forslaget er ændret, siden siden blev vist. Se det nye forslag, og vælg igen."))
    response, _created = ProposalResponse.objects.update_or_create(
        meeting=meeting,
        key=proposal.key,
        fingerprint=proposal.fingerprint,
        defaults={
            "source": proposal.source,
            "title": proposal.title[:200],
            "outcome": ProposalResponse.Outcome.DISMISSED,
            "reason": reason.strip(),
            "agenda_item": None,
            "decided_by": user,
            "decided_at": timezone.now(),
        },
    )
    return response


@transaction.atomic
def proposal_restore(*, response: ProposalResponse) -> None:
    """Undo a dismissal: the proposal is offered again (an acceptance is undone by deleting its item)."""
    if response.outcome != ProposalResponse.Outcome.DISMISSED:
        raise ValidationError(_("Kun et afvist forslag kan fortrydes."))
    _check_open(response.meeting)
    response.delete()
