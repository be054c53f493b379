"""Thin views for the report archive: order, follow, download, and add a question to the agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.forms import flash_error
from governance.meetings.selectors import next_board_meeting
from governance.reports import selectors, services
from governance.reports.forms import StatusReportRequestForm
from governance.reports.models import StatusReport
from governance.reports.selectors import plan_status_reports
from governance.reports.services import status_report_request
from plans import access


@login_required
@require_GET
def report_archive_view(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    can_manage = access.can(request.user, access.CHANGE, plan)
    context = {
        "plan": plan,
        "reports": plan_status_reports(user=request.user, plan=plan),
        "can_manage": can_manage,
        "form": StatusReportRequestForm(plan=plan, user=request.user) if can_manage else None,
        **_board_questions_context(request.user, plan),
    }
    return render(request, "governance/reports/archive.html", context)


def _board_questions_context(user, plan) -> dict:
    """The board's questions, only for readers of the board's report (``plans.access``)."""
    found = selectors.board_questions(plan=plan, user=user)
    meeting = next_board_meeting(plan=plan) if found.questions else None
    on_agenda = selectors.board_question_items(meeting=meeting)
    return {
        "questions_report": found.report,
        "questions": [{**question, "item": on_agenda.get(question.get("key"))} for question in found.questions],
        "next_board_meeting": meeting,
    }


@login_required
@require_POST
def board_question_add_view(request, plan_id: int):
    """ "Tilføj til næste bestyrelsesmøde": one click puts a pixi question on the board's next agenda."""
    plan = access.get_plan_or_404(request.user, plan_id, access.CHANGE)
    try:
        result = services.board_question_add_to_agenda(plan=plan, key=request.POST.get("key", ""), user=request.user)
    except ValidationError as error:
        flash_error(request, error)
    else:
        meeting = result.item.meeting
        if result.created:
            message = _("Punktet „%(title)s“ er sat på dagsordenen for %(meeting)s.")
        else:
            message = _("Punktet „%(title)s“ står allerede på dagsordenen for %(meeting)s.")
        messages.success(request, message % {"title": result.item.title, "meeting": meeting})
    return redirect(reverse("governance:report-archive", args=[plan.pk]) + "#questions-heading")


@login_required
@require_POST
def report_request_view(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id, access.CHANGE)
    form = StatusReportRequestForm(request.POST, plan=plan, user=request.user)
    if not form.is_valid():
        context = {
            "plan": plan,
            "reports": plan_status_reports(user=request.user, plan=plan),
            "can_manage": True,
            "form": form,
            **_board_questions_context(request.user, plan),
        }
        return render(request, "governance/reports/archive.html", context, status=400)
    audience, audience_body = form.cleaned_data["audience"]
    try:
        report = status_report_request(
            plan=plan,
            period=form.cleaned_data["period"],
            kind=form.cleaned_data["kind"],
            requested_by=request.user,
            via=StatusReport.Via.USER,
            audience=audience,
            audience_body=audience_body,
            meeting=form.cleaned_data["meeting"],
            data_cutoff=form.cleaned_data["data_cutoff"],
        )
    except ValidationError as error:
        flash_error(request, error)
        return redirect("governance:report-archive", plan_id=plan.pk)
    messages.success(
        request,
        _("%(kind)s for %(period)s (version %(version)s) er bestilt. %(audience)s.")
        % {
            "kind": report.get_kind_display(),
            "period": report.quarter.label,
            "version": report.version,
            "audience": report.audience_label,
        },
    )
    return redirect("governance:report-archive", plan_id=plan.pk)


@login_required
@require_GET
def report_status_view(request, plan_id: int, report_id: int):
    """The small status fragment htmx polls while a report is queued or running."""
    plan = access.get_plan_or_404(request.user, plan_id)
    report = selectors.get_status_report_or_404(request.user, plan=plan, report_id=report_id)
    return render(request, "governance/reports/_status.html", {"plan": plan, "report": report})


@login_required
@require_GET
def report_download_view(request, plan_id: int, report_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    report = selectors.get_status_report_or_404(
        request.user, plan=plan, report_id=report_id, state=StatusReport.State.DONE
    )
    if not report.pdf:
        raise Http404("Report has no file")
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("Report file is missing") from None
    return FileResponse(handle, content_type="application/pdf", filename=report.filename)
