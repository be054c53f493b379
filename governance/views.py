"""Thin views for the plan's status reports: archive, ordering, progress and download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from plans import access

from .forms import StatusReportRequestForm
from .models import StatusReport
from .selectors import plan_status_reports
from .services import status_report_request


@login_required
@require_GET
def report_archive_view(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    can_manage = access.can(request.user, access.MANAGE, plan)
    context = {
        "plan": plan,
        "reports": plan_status_reports(plan=plan),
        "can_manage": can_manage,
        "form": StatusReportRequestForm(plan=plan) if can_manage else None,
    }
    return render(request, "governance/reports/archive.html", context)


@login_required
@require_POST
def report_request_view(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id, access.MANAGE)
    form = StatusReportRequestForm(request.POST, plan=plan)
    if not form.is_valid():
        context = {"plan": plan, "reports": plan_status_reports(plan=plan), "can_manage": True, "form": form}
        return render(request, "governance/reports/archive.html", context, status=400)
    report = status_report_request(
        plan=plan,
        period=form.cleaned_data["period"],
        kind=form.cleaned_data["kind"],
        requested_by=request.user,
        via=StatusReport.Via.USER,
    )
    messages.success(
        request,
        _("%(kind)s for %(period)s (version %(version)s) er bestilt.")
        % {"kind": report.get_kind_display(), "period": report.quarter.label, "version": report.version},
    )
    return redirect("report-archive", plan_id=plan.pk)


@login_required
@require_GET
def report_status_view(request, plan_id: int, report_id: int):
    """The small status fragment htmx polls while a report is queued or running."""
    plan = access.get_plan_or_404(request.user, plan_id)
    report = get_object_or_404(StatusReport, plan=plan, pk=report_id)
    return render(request, "governance/reports/_status.html", {"plan": plan, "report": report})


@login_required
@require_GET
def report_download_view(request, plan_id: int, report_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    report = get_object_or_404(StatusReport, plan=plan, pk=report_id, state=StatusReport.State.DONE)
    if not report.pdf:
        raise Http404("Report has no file")
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("Report file is missing") from None
    return FileResponse(handle, content_type="application/pdf", filename=report.filename)
