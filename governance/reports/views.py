"""Thin views for the report archive: order, follow and download; the board's questions link to the agenda
builder of the board's next meeting (``governance.agenda``), the one way onto an agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    ordered = _("%(kind)s for %(period)s (version %(version)s) er bestilt. %(audience)s.") % {
        "kind": report.get_kind_display(),
        "period": report.quarter.label,
        "version": report.version,
        "audience": report.audience_label,
    }
    if getattr(report, "dispatch_failed", False):
        messages.warning(request, f"{ordered} {JOB_SYSTEM_DOWN}")
    else:
        messages.success(request, ordered)
    return redirect("governance:report-archive", plan_id=plan.pk)


JOB_SYSTEM_DOWN = gettext_lazy(
    "Jobsystemet svarer ikke lige nu: rapporten venter i kø og dannes automatisk, så snart jobsystemet er tilbage."
)


@login_required
@require_POST
def report_retry_view(request, plan_id: int, report_id: int):
    """«Prøv igen» on a failed report: the same version is queued again."""
    plan = access.get_plan_or_404(request.user, plan_id)
    report = selectors.get_status_report_or_404(request.user, plan=plan, report_id=report_id)
    if not access.can(request.user, access.CHANGE, plan):  # seen but not theirs to order: 403, unseen: 404
        raise PermissionDenied
    try:
        services.status_report_retry(report=report)
    except ValidationError as error:
        flash_error(request, error)
    else:
        if getattr(report, "dispatch_failed", False):
            messages.warning(request, str(JOB_SYSTEM_DOWN))
        else:
            messages.success(request, _("Rapporten er sat i kø igen."))
    return redirect("governance:report-archive", plan_id=plan.pk)


@login_required
@require_GET
def report_status_view(request, plan_id: int, report_id: int):
    """The small status fragment htmx polls while a report is queued or running."""
    plan = access.get_plan_or_404(request.user, plan_id)
    report = selectors.get_status_report_or_404(request.user, plan=plan, report_id=report_id)
    context = {"plan": plan, "report": report, "can_manage": access.can(request.user, access.CHANGE, plan)}
    return render(request, "governance/reports/_status.html", context)


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
