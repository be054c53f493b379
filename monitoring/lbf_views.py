"""Thin views for the LBF year of a plan: the obligations (årshjul), a plan's own deadlines, an
obligation's state and file, and the målopfyldelsesskema. Outside the plan: 404; a reader who may
see the plan but not its LBF year (a steering group) or not change it: 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import access
from plans.models import Plan
from plans.xlsx import XLSX_CONTENT_TYPE

from .goal_attainment import (
    goal_attainment_save,
    goal_attainment_submit,
    render_pdf,
    report_for,
    report_rows,
    rows_by_goal,
    rows_workbook,
)
from .lbf_forms import DeadlineForm, ObligationForm
from .models import GoalAttainmentReport, Obligation, ObligationDeadline
from .obligations import DEFAULT_DEADLINES, obligation_deadline_set, obligation_update, obligations_generate


def _plan(request, plan_id: int, action=access.VIEW, model=Obligation) -> Plan:
    """The plan (404 outside the reader's scope), 403 unless the reader may ``action`` its LBF year."""
    plan = access.get_plan_or_404(request.user, plan_id)
    if not access.can_create(request.user, action, model, plan=plan):
        raise PermissionDenied
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def obligations_view(request, plan_id: int):
    """The plan's årshjul: every yearly obligation with deadline, responsible and state. The
    sekretariatsleder can (re)generate them from the plan's period (POST)."""
    plan = _plan(request, plan_id)
    can_change = access.can_create(request.user, access.CHANGE, Obligation, plan=plan)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        created, moved = obligations_generate(plan=plan)
        messages.success(
            request,
            _("Årshjulet er opdateret: %(created)d nye, %(moved)d flyttede frister.")
            % {"created": created, "moved": moved},
        )
        return redirect("lbf:obligations", plan_id=plan.pk)
    obligations = list(
        access.visible(request.user, Obligation)
        .filter(plan=plan)
        .select_related("responsible")
        .order_by("due_date", "kind", "sequence")
    )
    reports = {r.year: r for r in GoalAttainmentReport.objects.filter(plan=plan).only("year", "state")}
    context = {
        "plan": plan,
        "obligations": obligations,
        "reports": reports,
        "today": timezone.localdate(),
        "can_change": can_change,
    }
    return render(request, "monitoring/obligations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deadlines_view(request, plan_id: int):
    """The plan's own deadlines beside the portal's defaults (LBF's rules change)."""
    plan = _plan(request, plan_id, access.CHANGE, ObligationDeadline)
    form = DeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obligation_deadline_set(plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Fristen er gemt, og årshjulet er opdateret."))
            return redirect("lbf:deadlines", plan_id=plan.pk)
    own = {(d.kind, d.sequence): d for d in plan.obligation_deadlines.all()}
    defaults = [
        {"kind": kind, "sequence": sequence, "default": rule, "own": own.get((kind, sequence))}
        for (kind, sequence), rule in DEFAULT_DEADLINES.items()
    ]
    context = {"plan": plan, "form": form, "defaults": defaults, "own": list(own.values())}
    return render(request, "monitoring/obligation_deadlines.html", context, status=400 if form.errors else 200)


def _obligation(request, plan_id: int, obligation_id: int, action) -> tuple[Plan, Obligation]:
    """The obligation of a plan the reader sees (404 otherwise, also for another plan's obligation);
    403 when the reader may not ``action`` the plan's LBF year."""
    plan = access.get_plan_or_404(request.user, plan_id)
    obligation = Obligation.objects.filter(plan=plan, pk=obligation_id).select_related("responsible").first()
    if obligation is None:
        raise Http404("no such obligation in this plan")
    if not access.can(request.user, access.VIEW, obligation) or not access.can(request.user, action, obligation):
        raise PermissionDenied
    return plan, obligation


@login_required
@require_http_methods(["GET", "POST"])
def obligation_edit_view(request, plan_id: int, obligation_id: int):
    plan, obligation = _obligation(request, plan_id, obligation_id, access.CHANGE)
    initial = {
        "state": obligation.state,
        "responsible": obligation.responsible_id,
        "submitted_on": obligation.submitted_on,
        "note": obligation.note,
    }
    form = ObligationForm(request.POST or None, request.FILES or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            obligation_update(
                obligation=obligation,
                state=data["state"],
                responsible=data["responsible"],
                submitted_on=data["submitted_on"],
                note=data["note"],
                upload=data["file"] or None,
                checked_file=getattr(form, "checked_file", None),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(obligation)s er gemt.") % {"obligation": obligation})
            return redirect("lbf:obligations", plan_id=plan.pk)
    context = {"plan": plan, "obligation": obligation, "form": form}
    return render(request, "monitoring/obligation_form.html", context, status=400 if form.errors else 200)


@login_required
def obligation_file_view(request, plan_id: int, obligation_id: int):
    _plan_obj, obligation = _obligation(request, plan_id, obligation_id, access.VIEW)
    if not obligation.file:
        raise Http404("no file")
    response = FileResponse(
        obligation.file.open("rb"),
        as_attachment=True,
        filename=obligation.file_name or obligation.file.name.rsplit("/", 1)[-1],
        content_type=obligation.file_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _year(plan: Plan, year: int) -> int:
    if year not in plan.years:
        raise Http404("year outside the plan's period")
    return year


@login_required
@require_http_methods(["GET", "POST"])
def goal_attainment_view(request, plan_id: int, year: int):
    """The målopfyldelsesskema, pre-filled; the sekretariatsleder adds the board's comments until it is submitted."""
    plan = _plan(request, plan_id, model=GoalAttainmentReport)
    year = _year(plan, year)
    report = report_for(plan=plan, year=year)
    can_change = access.can_create(request.user, access.CHANGE, GoalAttainmentReport, plan=plan)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        comments = {
            key.removeprefix("comment-"): value for key, value in request.POST.items() if key.startswith("comment-")
        }
        try:
            goal_attainment_save(plan=plan, year=year, comments=comments, note=request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Kommentarerne er gemt."))
        return redirect("lbf:goal-attainment", plan_id=plan.pk, year=year)
    rows = report_rows(report)
    context = {
        "plan": plan,
        "year": year,
        "report": report,
        "groups": rows_by_goal(rows),
        "can_edit": can_change and not report.is_submitted,
    }
    return render(request, "monitoring/goal_attainment.html", context)


@login_required
@require_POST
def goal_attainment_submit_view(request, plan_id: int, year: int):
    plan = _plan(request, plan_id, access.CHANGE, GoalAttainmentReport)
    year = _year(plan, year)
    try:
        report = goal_attainment_submit(plan=plan, year=year, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Skemaet er indsendt og frosset (SHA-256 %(hash)s).") % {"hash": report.sha256[:12] + "…"}
        )
    return redirect("lbf:goal-attainment", plan_id=plan.pk, year=year)


@login_required
def goal_attainment_xlsx_view(request, plan_id: int, year: int):
    plan = _plan(request, plan_id, access.EXPORT, GoalAttainmentReport)
    year = _year(plan, year)
    content = rows_workbook(rows=report_rows(report_for(plan=plan, year=year)))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="maalopfyldelsesskema-{slugify(plan.name)}-{year}.xlsx"'
    return response


@login_required
def goal_attainment_pdf_view(request, plan_id: int, year: int):
    """The submitted form's frozen PDF (the very bytes its SHA-256 was taken of), or a draft made now."""
    plan = _plan(request, plan_id, access.EXPORT, GoalAttainmentReport)
    year = _year(plan, year)
    report = report_for(plan=plan, year=year)
    filename = f"maalopfyldelsesskema-{slugify(plan.name)}-{year}.pdf"
    if report.is_submitted and report.pdf:
        content = report.pdf.open("rb").read()
    else:
        content = render_pdf(plan=plan, year=year, rows=report_rows(report), note=report.note)
        filename = filename.replace(".pdf", "-kladde.pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if report.is_submitted:
        response["X-Content-SHA256"] = report.sha256
    return response
