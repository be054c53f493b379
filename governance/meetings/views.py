"""Thin views for meetings, agendas, bilag, minutes, the decision register and the calendar feed.

Every view resolves its object through ``plans.access`` first: outsiders get 404, readers who
may not change it get 403.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.forms import errors_to_form, flash_error
from governance.bodies.selectors import plan_people
from governance.meetings import selectors, services
from governance.meetings.forms import (
    ActionItemForm,
    ActionStatusForm,
    AgendaItemForm,
    AttachmentForm,
    CorrectionForm,
    MeetingForm,
    RegisterFilterForm,
    SendOutForm,
)
from governance.meetings.ical import meetings_calendar
from governance.meetings.models import ActionItem, AgendaItem, Attachment, CalendarToken, Decision, SendOut
from governance.meetings.uploads import EXTENSIONS
from monitoring.models import Goal
from plans import access
from plans.selectors import plan_sub_agreements


@login_required
def upcoming_meetings(request):
    """Kommende møder across every plan the user may see, with send-out deadlines (the lead's overview)."""
    meetings = list(selectors.upcoming_meetings(user=request.user))
    late = [m for m in meetings if m.send_out_state() == "late"]
    return render(request, "governance/upcoming_meetings.html", {"meetings": meetings, "late": late})


@login_required
def meeting_list(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    meetings = list(selectors.plan_meetings(user=request.user, plan=plan))
    now = timezone.now()
    context = {
        "plan": plan,
        "upcoming": sorted((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at),
        "past": sorted((m for m in meetings if m.starts_at < now), key=lambda m: m.starts_at, reverse=True),
        "can_manage": access.can(request.user, access.CHANGE, plan),
        "today": timezone.localdate(),
    }
    return render(request, "governance/meeting_list.html", context)


def _meeting_form_data(form) -> dict:
    data = dict(form.cleaned_data)
    return data


@login_required
def meeting_create(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id, access.CHANGE)
    form = MeetingForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(**_meeting_form_data(form))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Mødet er oprettet. Her er forslagene til dagsordenen."))
            return redirect("governance:agenda-builder", meeting.pk)
    return render(request, "governance/meeting_form.html", {"plan": plan, "form": form, "meeting": None})


@login_required
def meeting_edit(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id, access.CHANGE)
    plan = meeting.body.plan
    initial = {
        "body": meeting.body,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "location": meeting.location,
        "video_link": meeting.video_link,
        "invited_bodies": list(meeting.invited_bodies.all()),
    }
    form = MeetingForm(request.POST or None, plan=plan, initial=initial)
    form.fields["body"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = _meeting_form_data(form)
        data.pop("body")
        try:
            services.meeting_update(meeting=meeting, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Mødet er gemt."))
            return redirect("governance:meeting-detail", meeting.pk)
    return render(request, "governance/meeting_form.html", {"plan": plan, "form": form, "meeting": meeting})


@login_required
def meeting_detail(request, meeting_id: int):
    """The meeting page. Reads only (GET never writes): the follow-up item is kept up to date by the
    writes that change it (``services.body_sync_follow_up``)."""
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    can_manage = access.can(request.user, access.CHANGE, meeting)
    items = selectors.meeting_agenda(meeting=meeting, reader=request.user)
    for item in items:
        item.current_decision = selectors.current_decision(item)
    send_outs = list(meeting.send_outs.select_related("requested_by")[:5])
    latest = send_outs[0] if send_outs else None
    deliveries = list(access.restrict(latest.deliveries.all(), request.user, access.CHANGE)) if latest else []
    context = {
        "meeting": meeting,
        "plan": meeting.body.plan,
        "items": items,
        "invitees": selectors.meeting_invitees(meeting=meeting),
        "recipients": selectors.send_out_recipients(meeting=meeting) if can_manage else [],
        "send_outs": send_outs,
        "latest_send_out": latest,
        "deliveries": deliveries,
        "delivery_counts": selectors.delivery_counts(deliveries),
        "only_information": bool(items) and all(item.kind == AgendaItem.Kind.INFORMATION for item in items),
        "has_pack": any(send_out.pack for send_out in send_outs),
        "minutes_versions": list(meeting.minutes.select_related("approved_by")),
        "can_manage": can_manage,
        # The pixi for this meeting is ordered on the report archive's URL (who may: MANAGE on the plan).
        "can_order_report": access.can(request.user, access.CHANGE, meeting.body.plan),
        "send_state": meeting.send_out_state(),
        "send_form": SendOutForm(),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "governance/meeting_detail.html", context)


@login_required
def meeting_agenda(request, meeting_id: int):
    """The printable agenda (the same template as the PDF meeting pack)."""
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    items = selectors.meeting_agenda(meeting=meeting, reader=request.user)
    context = {
        "meeting": meeting,
        "items": items,
        "attachments": selectors.agenda_attachments(items),
        "recipients": selectors.send_out_recipients(meeting=meeting),
        "for_pdf": False,
    }
    return render(request, "governance/meeting_pack.html", context)


JOB_SYSTEM_DOWN = gettext_lazy(
    "Jobsystemet svarer ikke lige nu. Udsendelsen er gemt og går automatisk ud, så snart jobsystemet er tilbage."
)


@login_required
@require_POST
def meeting_send(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id, access.SEND)
    form = SendOutForm(request.POST)
    resend = form.is_valid() and form.cleaned_data["resend"]
    try:
        send_out = services.meeting_request_send_out(meeting=meeting, user=request.user, resend=resend)
    except ValidationError as error:
        flash_error(request, error)
    else:
        if send_out is None:
            if meeting.send_outs.filter(state__in=[SendOut.State.QUEUED, SendOut.State.RUNNING]).exists():
                messages.info(request, _("Udsendelsen er allerede i kø eller i gang."))
            else:
                messages.warning(
                    request, _("Dagsordenen er allerede sendt. Sæt hak i genudsendelse for at sende den igen.")
                )
        elif send_out.dispatch_failed:
            messages.warning(request, str(JOB_SYSTEM_DOWN))
        else:
            messages.success(request, _("Dagsordenen er sat i kø til udsendelse."))
    return redirect("governance:meeting-detail", meeting.pk)


@login_required
@require_POST
def meeting_send_retry(request, meeting_id: int):
    """«Prøv igen»: the latest send-out again, to the recipients it did not reach (never to one it did)."""
    meeting = selectors.get_meeting_or_404(request.user, meeting_id, access.SEND)
    send_out = meeting.send_outs.order_by("-requested_at", "-pk").first()
    if send_out is None:
        messages.error(request, _("Dagsordenen er ikke sendt endnu."))
        return redirect("governance:meeting-detail", meeting.pk)
    try:
        services.send_out_retry(send_out=send_out)
    except ValidationError as error:
        flash_error(request, error)
    else:
        if getattr(send_out, "dispatch_failed", False):
            messages.warning(request, str(JOB_SYSTEM_DOWN))
        else:
            messages.success(request, _("Udsendelsen er sat i kø igen til de modtagere, der ikke fik den."))
    return redirect(f"{_meeting_url(meeting.pk)}#send-heading")


@login_required
def meeting_pack_download(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    # The latest pack built: also one whose send-out reached nobody by e-mail (the invitees without an
    # address get it another way, so it must be downloadable).
    send_out = meeting.send_outs.exclude(pack="").order_by("-requested_at", "-pk").first()
    if send_out is None:
        raise Http404("No pack")
    guest_items = access.guest_items(request.user, meeting)
    if guest_items is not None:  # a guest gets only their own items, never the whole pack
        return FileResponse(
            io.BytesIO(services.meeting_pack_pdf(meeting=meeting, only_items=guest_items)),
            as_attachment=True,
            filename=f"moedepakke-{meeting.pk}-gaest.pdf",
            content_type="application/pdf",
        )
    return FileResponse(
        send_out.pack.open("rb"),
        as_attachment=True,
        filename=f"moedepakke-{meeting.pk}.pdf",
        content_type="application/pdf",
    )


def _item_form(request, meeting, **kwargs):
    plan = meeting.body.plan
    return AgendaItemForm(
        request.POST or None,
        plan=plan,
        people=plan_people(plan=plan),
        sub_agreements=plan_sub_agreements(user=request.user, plan=plan),
        **kwargs,
    )


@login_required
def agenda_item_create(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id, access.CHANGE)
    form = _item_form(request, meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_save(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Punktet er tilføjet."))
            return redirect("governance:meeting-detail", meeting.pk)
    return render(request, "governance/agenda_item_form.html", {"meeting": meeting, "form": form, "item": None})


def _get_item_or_404(user, item_id: int, action=access.VIEW) -> AgendaItem:
    return access.get_or_404(user, AgendaItem.objects.select_related("meeting__body__plan"), action, pk=item_id)


@login_required
def agenda_item_edit(request, item_id: int):
    item = _get_item_or_404(request.user, item_id, access.CHANGE)
    meeting = item.meeting
    initial = {
        "title": item.title,
        "kind": item.kind,
        "description": item.description,
        "recommendation": item.recommendation,
        "presenter": item.presenter,
        "sub_agreements": list(item.sub_agreements.all()),
        "interventions": list(item.interventions.all()),
        "goals": list(item.goals.all()),
        "guests": [guest.person for guest in item.guests.select_related("person")],
    }
    form = _item_form(request, meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_save(meeting=meeting, item=item, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Punktet er gemt."))
            return redirect("governance:meeting-detail", meeting.pk)
    return render(request, "governance/agenda_item_form.html", {"meeting": meeting, "form": form, "item": item})


@login_required
@require_POST
def agenda_item_delete(request, item_id: int):
    item = _get_item_or_404(request.user, item_id, access.CHANGE)
    try:
        services.agenda_item_delete(item=item)
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Punktet er slettet."))
    return redirect("governance:meeting-detail", item.meeting_id)


@login_required
@require_POST
def agenda_item_move(request, item_id: int):
    item = _get_item_or_404(request.user, item_id, access.CHANGE)
    try:
        services.agenda_item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        flash_error(request, error)
    return redirect(f"{_meeting_url(item.meeting_id)}#punkt-{item.pk}")


def _meeting_url(meeting_id: int) -> str:
    return reverse("governance:meeting-detail", args=[meeting_id])


@login_required
@require_POST
def attachment_upload(request, item_id: int):
    item = _get_item_or_404(request.user, item_id, access.CHANGE)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            attachment = services.attachment_add(item=item, upload=form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            flash_error(request, error)
        else:
            messages.success(request, _("Bilaget %(name)s er tilføjet.") % {"name": attachment.original_name})
    return redirect(f"{_meeting_url(item.meeting_id)}#punkt-{item.pk}")


def _get_attachment_or_404(user, attachment_id: int, action=access.VIEW) -> Attachment:
    return access.get_or_404(user, Attachment.objects.select_related("agenda_item__meeting"), action, pk=attachment_id)


@login_required
@require_GET
def attachment_download(request, attachment_id: int):
    """Serve a bilag only to users who may see its meeting; everybody else gets 404."""
    attachment = _get_attachment_or_404(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("File missing") from None
    # The type sniffed at upload (never the browser's claim); anything unexpected is plain bytes.
    content_type = attachment.content_type if attachment.content_type in EXTENSIONS else "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, attachment_id: int):
    attachment = _get_attachment_or_404(request.user, attachment_id, access.CHANGE)
    meeting_id, item_id = attachment.agenda_item.meeting_id, attachment.agenda_item_id
    try:
        services.attachment_delete(attachment=attachment)
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Bilaget er fjernet."))
    return redirect(f"{_meeting_url(meeting_id)}#punkt-{item_id}")


@login_required
def minutes_edit(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id, access.CHANGE)
    if meeting.is_minutes_approved:
        messages.info(request, _("Referatet er godkendt og låst."))
        return redirect("governance:meeting-detail", meeting.pk)
    items = selectors.meeting_agenda(meeting=meeting, reader=request.user)
    error_messages: list[str] = []
    if request.method == "POST":
        entries = {
            item.pk: services.MinutesEntry(
                discussion=request.POST.get(f"discussion-{item.pk}", ""),
                decision=request.POST.get(f"decision-{item.pk}", ""),
            )
            for item in items
        }
        try:
            services.minutes_save(meeting=meeting, user=request.user, entries=entries)
        except ValidationError as error:
            error_messages = error.messages
        else:
            messages.success(request, _("Referatet er gemt."))
            return redirect("governance:minutes-edit", meeting.pk)
    people = plan_people(plan=meeting.body.plan)
    for item in items:
        item.current_decision = selectors.current_decision(item)
        if request.method == "POST":
            item.discussion_value = request.POST.get(f"discussion-{item.pk}", "")
            item.decision_value = request.POST.get(f"decision-{item.pk}", "")
        else:
            minutes_item = getattr(item, "minutes_item", None)
            item.discussion_value = minutes_item.discussion if minutes_item else ""
            item.decision_value = item.current_decision.text if item.current_decision else ""
    context = {
        "meeting": meeting,
        "items": items,
        "error_messages": error_messages,
        "action_form": ActionItemForm(people=people, prefix="action"),
        "has_decisions": any(item.current_decision for item in items),
        "meeting_started": meeting.starts_at <= timezone.now(),
        "status_choices": ActionItem.Status.choices,
    }
    return render(request, "governance/minutes_form.html", context)


@login_required
@require_POST
def action_create(request, decision_id: int):
    decision = access.get_or_404(
        request.user,
        Decision.objects.select_related("agenda_item__meeting__body__plan").filter(is_current=True),
        access.CHANGE,
        pk=decision_id,
    )
    meeting = decision.agenda_item.meeting
    form = ActionItemForm(request.POST, people=plan_people(plan=meeting.body.plan), prefix="action")
    if form.is_valid():
        try:
            services.action_item_create(decision=decision, **form.cleaned_data)
        except ValidationError as error:
            flash_error(request, error)
        else:
            messages.success(request, _("Handlingspunktet er tilføjet."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(f"{_minutes_url(meeting.pk)}#punkt-{decision.agenda_item_id}")


def _minutes_url(meeting_id: int) -> str:
    return reverse("governance:minutes-edit", args=[meeting_id])


@login_required
@require_POST
def minutes_approve(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id, access.APPROVE)
    try:
        services.minutes_approve(meeting=meeting, user=request.user)
    except ValidationError as error:
        flash_error(request, error)
        return redirect("governance:minutes-edit", meeting.pk)
    messages.success(request, _("Referatet er godkendt. Beslutningerne er nu låst."))
    return redirect("governance:meeting-detail", meeting.pk)


@login_required
def decision_correct(request, decision_id: int):
    decision = access.get_or_404(
        request.user, Decision.objects.select_related("agenda_item__meeting__body__plan"), access.CHANGE, pk=decision_id
    )
    form = CorrectionForm(request.POST or None, initial={"text": decision.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_correct(
                decision=decision,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Rettelsen er gemt som en ny version."))
            return redirect("governance:meeting-detail", decision.agenda_item.meeting_id)
    return render(request, "governance/decision_correct.html", {"decision": decision, "form": form})


@login_required
@require_POST
def action_status(request, action_id: int):
    action = access.get_or_404(
        request.user,
        ActionItem.objects.select_related("decision__agenda_item__meeting__body__plan"),
        access.CHANGE,
        pk=action_id,
    )
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_set_status(
                action=action,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"] or action.note,
            )
        except ValidationError as error:
            flash_error(request, error)
        else:
            messages.success(request, _("Status er opdateret."))
    else:
        messages.error(request, _("Ugyldig status."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("governance:decision-register", action.decision.agenda_item.meeting.body.plan_id)


@login_required
def decision_register(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    sub_agreements = plan_sub_agreements(user=request.user, plan=plan)
    goals = access.visible(request.user, Goal).filter(plan=plan).select_related("sub_agreement")
    goals = goals.order_by("level", "sub_agreement__title", "position", "title")
    form = RegisterFilterForm(request.GET or None, plan=plan, sub_agreements=sub_agreements, goals=goals)
    filters = selectors.RegisterFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.RegisterFilters(
            body=data["body"].pk if data["body"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            sub_agreement=data["sub_agreement"].pk if data["sub_agreement"] else None,
            goal=data["goal"].pk if data["goal"] else None,
            action_status=data["action_status"] or "",
            q=(data["q"] or "").strip(),
        )
    decisions = selectors.attach_action_history(
        selectors.decision_register(user=request.user, plan=plan, filters=filters)
    )
    context = {
        "plan": plan,
        "form": form,
        "decisions": decisions,
        "can_manage": access.can(request.user, access.CHANGE, plan),
        "today": timezone.localdate(),
        "status_choices": ActionItem.Status.choices,
    }
    return render(request, "governance/decision_register.html", context)


@login_required
def calendar_settings(request):
    """Create, replace or revoke the user's feed link. A new link is shown once, in the answer to the
    POST that made it (only its hash is stored); afterwards the page shows its beginning and date."""
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("op") == "revoke":
            for token in access.visible(request.user, CalendarToken).filter(revoked_at__isnull=True):
                services.calendar_token_revoke(token=token)
            messages.success(request, _("Kalenderlinket er tilbagekaldt."))
            return redirect("governance:calendar-settings")
        _token, secret = services.calendar_token_create(user=request.user)
        feed_url = request.build_absolute_uri(reverse("governance:calendar-feed", args=[secret]))
    token = access.visible(request.user, CalendarToken).filter(revoked_at__isnull=True).first()
    response = render(request, "governance/calendar_settings.html", {"token": token, "feed_url": feed_url})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def calendar_feed(request, token: str):
    """The iCal feed; the secret token is the only credential. Revoked or unknown tokens get 404."""
    calendar_token = CalendarToken.objects.find_active(token)
    if calendar_token is None or not calendar_token.user.is_active:
        raise Http404("Unknown calendar")
    meetings = selectors.calendar_meetings(user=calendar_token.user)
    body = meetings_calendar(meetings, name=_("Møder – Helhedsplan Portal"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="moeder.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
