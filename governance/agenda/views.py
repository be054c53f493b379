"""Thin views of the agenda builder: the proposals for a meeting, accept (placed), dismiss, undo, and
placing an agenda item at a position (buttons and a position field; drag is an enhancement on top)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.forms import flash_error
from governance.agenda import selectors, services
from governance.agenda.forms import PlaceForm, ProposalForm
from governance.agenda.models import ProposalResponse
from governance.meetings.models import AgendaItem
from governance.meetings.selectors import get_meeting_or_404
from plans import access


def _builder_url(meeting_id: int, anchor: str = "") -> str:
    return reverse("governance:agenda-builder", args=[meeting_id]) + (f"#{anchor}" if anchor else "")


@login_required
@require_GET
def agenda_builder(request, meeting_id: int):
    """The agenda and, beside it, the ranked proposals of what demands the body's action."""
    meeting = get_meeting_or_404(request.user, meeting_id, access.CHANGE)
    found = selectors.meeting_proposals(meeting=meeting)
    items = list(meeting.agenda_items.order_by("position"))
    context = {
        "meeting": meeting,
        "plan": meeting.body.plan,
        "items": items,
        "proposals": found.open,
        "responses": found.responses,
        "positions": range(1, len(items) + 2),
        "default_position": services.default_position(meeting),
    }
    return render(request, "governance/agenda/builder.html", context)


@login_required
@require_POST
def proposal_accept(request, meeting_id: int):
    meeting = get_meeting_or_404(request.user, meeting_id, access.CHANGE)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Forslaget kunne ikke læses. Prøv igen."))
        return redirect(_builder_url(meeting.pk))
    try:
        item = services.proposal_accept(
            meeting=meeting,
            key=form.cleaned_data["key"],
            fingerprint=form.cleaned_data["fingerprint"],
            position=form.cleaned_data["position"],
            user=request.user,
        )
    except ValidationError as error:
        flash_error(request, error)
        return redirect(_builder_url(meeting.pk))
    messages.success(
        request,
        _("„%(title)s“ er sat på dagsordenen som punkt %(position)s.")
        % {"title": item.title, "position": item.position},
    )
    return redirect(_builder_url(meeting.pk, f"punkt-{item.pk}"))


@login_required
@require_POST
def proposal_dismiss(request, meeting_id: int):
    meeting = get_meeting_or_404(request.user, meeting_id, access.CHANGE)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Forslaget kunne ikke læses. Prøv igen."))
        return redirect(_builder_url(meeting.pk))
    try:
        response = services.proposal_dismiss(
            meeting=meeting,
            key=form.cleaned_data["key"],
            fingerprint=form.cleaned_data["fingerprint"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(
            request,
            _("„%(title)s“ er afvist og foreslås ikke igen, før situationen ændrer sig.") % {"title": response.title},
        )
    return redirect(_builder_url(meeting.pk))


@login_required
@require_POST
def proposal_restore(request, response_id: int):
    response = access.get_or_404(
        request.user, ProposalResponse.objects.select_related("meeting__body__plan"), access.CHANGE, pk=response_id
    )
    try:
        services.proposal_restore(response=response)
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Forslaget „%(title)s“ er foreslået igen.") % {"title": response.title})
    return redirect(_builder_url(response.meeting_id))


@login_required
@require_POST
def item_place(request, item_id: int):
    """Move an agenda item to a position; answers the builder (``next=builder``) or the meeting page."""
    item = access.get_or_404(request.user, AgendaItem.objects.select_related("meeting"), access.CHANGE, pk=item_id)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Angiv et punktnummer fra 1."))
    else:
        try:
            services.agenda_item_place(item=item, position=form.cleaned_data["position"])
        except ValidationError as error:
            flash_error(request, error)
    if request.POST.get("next") == "builder":
        return redirect(_builder_url(item.meeting_id, f"punkt-{item.pk}"))
    return redirect(reverse("governance:meeting-detail", args=[item.meeting_id]) + f"#punkt-{item.pk}")
