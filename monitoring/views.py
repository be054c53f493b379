"""Thin views for målstyring: scoped fetch (404 for outsiders), form, service, redirect.

A user who may see the plan but not do the action gets 403; one who may not see it gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common import jobs
from common.formatting import format_date
from common.page_cache import cached_fragment
from plans import access
from plans.xlsx import XLSX_CONTENT_TYPE

from .charts import indicator_chart_svg
from .forms import (
    GoalCreateForm,
    GoalForm,
    ImportUploadForm,
    IndicatorCreateForm,
    MeasurementForm,
    TargetCreateForm,
    TargetForm,
)
from .imports import (
    COLUMNS,
    NUMERIC_COLUMNS,
    import_job_request,
    import_progress,
    measurements_workbook,
    pending_upload_discard,
    pending_upload_open,
    pending_upload_store,
    read_table,
    validate_measurement_rows,
)
from .lbf_codes import describe
from .models import Goal, ImportJob, Measurement, Target
from .selectors import (
    indicator_detail,
    indicator_measurements,
    lbf_comparison,
    may_import,
    plan_goal_tree,
    plan_measurements_for_export,
)
from .services import (
    goal_create,
    goal_update,
    indicator_create,
    measurement_approve,
    measurement_create,
    target_create,
    target_update,
)
from .status import indicator_assessment


def _session_key(plan) -> str:
    return f"monitoring-import-{plan.pk}"


@login_required
def goal_tree_view(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)

    def context():
        return {
            "plan": plan,
            "tree": plan_goal_tree(user=request.user, plan=plan),
            "can_import": may_import(request.user, plan),
            "can_change": access.can(request.user, access.CHANGE, plan),
        }

    body = cached_fragment(request, f"goal-tree:{plan.pk}", "monitoring/_goal_tree_body.html", context)
    return render(request, "monitoring/goal_tree.html", {"plan": plan, "body": body})


@login_required
def indicator_detail_view(request, plan_id: int, indicator_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    indicator = indicator_detail(user=request.user, plan=plan, indicator_id=indicator_id)
    measurements = indicator_measurements(indicator=indicator)
    approved = [m for m in measurements if m.status == Measurement.Status.APPROVED and not m.breakdown_value]
    targets = list(indicator.targets.all())
    context = {
        "plan": plan,
        "indicator": indicator,
        "measurements": measurements,
        "targets": targets,
        "assessment": indicator_assessment(indicator, targets=targets, measurements=approved),
        "chart": mark_safe(indicator_chart_svg(indicator, approved, targets=targets)),  # noqa: S308 (escaped)
        "comparison": lbf_comparison(indicator=indicator, plan=plan) if indicator.is_lbf else None,
        "lbf_info": describe(indicator.lbf_indicator_code) if indicator.lbf_indicator_code else None,
        "can_enter": not indicator.is_lbf
        and access.can_create(request.user, access.CHANGE, Measurement, indicator=indicator),
        "can_approve": access.can_create(request.user, access.APPROVE, Measurement, indicator=indicator),
        "can_change": access.can(request.user, access.CHANGE, indicator),
        "target_history": _history(
            Target.history.filter(indicator_id=indicator.pk),
            [(_("Nås senest"), lambda h: format_date(h.due_date)), (_("Målværdi"), lambda h: h.value.normalize())],
        ),
    }
    return render(request, "monitoring/indicator_detail.html", context)


def _history(queryset, columns) -> dict:
    """History rows (newest first) as plain values for the history table."""
    records = queryset.select_related("history_user").order_by("-history_date")[:50]
    return {
        "headers": [label for label, _getter in columns],
        "rows": [
            {
                "when": record.history_date,
                "who": (record.history_user.get_full_name() or record.history_user.username)
                if record.history_user
                else "–",
                "reason": record.history_change_reason or "",
                "values": [getter(record) for _label, getter in columns],
            }
            for record in records
        ],
    }


def _edit(request, *, plan, form, save, title: str, back: str, history: dict | None = None):
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Ændringen er gemt med begrundelsen.") if history is not None else _("Oprettet.")
            )
            return redirect(back)
    context = {"plan": plan, "form": form, "title": title, "back": back, "history": history}
    return render(request, "monitoring/edit_with_reason.html", context)


@login_required
def goal_edit_view(request, plan_id: int, goal_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    goal = access.get_or_404(request.user, Goal.objects.filter(plan=plan), access.CHANGE, pk=goal_id)
    form = GoalForm(request.POST or None, instance=goal)
    return _edit(
        request,
        plan=plan,
        form=form,
        save=lambda f: goal_update(goal=goal, changed_by=request.user, reason=f.cleaned_data["reason"], **f.changes()),
        title=_("Ret mål: %(title)s") % {"title": goal.title},
        back=reverse("monitoring:goal-tree", args=[plan.pk]) + f"#goal-{goal.pk}",
        history=_history(
            goal.history.all(), [(_("Titel"), lambda h: h.title), (_("Måltype"), lambda h: h.get_kind_display())]
        ),
    )


@login_required
def target_edit_view(request, plan_id: int, indicator_id: int, target_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    indicator = indicator_detail(user=request.user, plan=plan, indicator_id=indicator_id)
    target = access.get_or_404(request.user, Target.objects.filter(indicator=indicator), access.CHANGE, pk=target_id)
    form = TargetForm(request.POST or None, instance=target)
    return _edit(
        request,
        plan=plan,
        form=form,
        save=lambda f: target_update(
            target=target, changed_by=request.user, reason=f.cleaned_data["reason"], **f.changes()
        ),
        title=_("Ret målværdi for %(name)s") % {"name": indicator.name},
        back=reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk]),
        history=_history(
            target.history.all(),
            [(_("Nås senest"), lambda h: format_date(h.due_date)), (_("Målværdi"), lambda h: h.value.normalize())],
        ),
    )


@login_required
def measurement_create_view(request, plan_id: int, indicator_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    indicator = indicator_detail(user=request.user, plan=plan, indicator_id=indicator_id)
    if indicator.is_lbf or not access.can_create(request.user, access.CHANGE, Measurement, indicator=indicator):
        raise PermissionDenied
    form = MeasurementForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            measurement_create(indicator=indicator, entered_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Målingen er gemt som kladde og venter på godkendelse."))
            return redirect("monitoring:indicator-detail", plan_id=plan.pk, indicator_id=indicator.pk)
    return render(request, "monitoring/measurement_form.html", {"plan": plan, "indicator": indicator, "form": form})


@login_required
@require_POST
def measurement_approve_view(request, plan_id: int, measurement_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    measurement = access.get_or_404(
        request.user, Measurement.objects.filter(indicator__goal__plan=plan), access.APPROVE, pk=measurement_id
    )
    try:
        measurement_approve(measurement=measurement, approved_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Målingen for %(period)s er godkendt.") % {"period": measurement.period})
    return redirect("monitoring:indicator-detail", plan_id=plan.pk, indicator_id=measurement.indicator_id)


@login_required
def import_upload_view(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    if not may_import(request.user, plan):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        replace = form.cleaned_data["replace_approved"]
        try:
            rows = read_table(uploaded, numeric_columns=NUMERIC_COLUMNS)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            preview = validate_measurement_rows(user=request.user, plan=plan, rows=rows, replace_approved=replace)
            pending_upload_discard(request.session.pop(_session_key(plan), {}).get("file"))
            if preview.is_valid:
                request.session[_session_key(plan)] = {
                    "file": pending_upload_store(uploaded),
                    "original_name": uploaded.name[:255],
                    "replace_approved": replace,
                    "reason": form.cleaned_data["reason"],
                }
    context = {"plan": plan, "form": form, "preview": preview, "columns": COLUMNS}
    return render(request, "monitoring/import.html", context)


@login_required
@require_POST
def import_confirm_view(request, plan_id: int):
    """Save the previewed file as a background job (a large file must not hold the request) and show
    its progress page."""
    plan = access.get_plan_or_404(request.user, plan_id)
    if not may_import(request.user, plan):
        raise PermissionDenied
    stored = request.session.get(_session_key(plan)) or {}
    name = stored.get("file") if isinstance(stored, dict) else None
    if pending_upload_open(name) is None:
        messages.error(request, _("Der er ingen fil at gemme. Indlæs filen igen."))
        return redirect("monitoring:import-upload", plan_id=plan.pk)
    job = import_job_request(
        user=request.user,
        plan=plan,
        file_name=name,
        original_name=stored.get("original_name", ""),
        replace_approved=bool(stored.get("replace_approved")),
        reason=stored.get("reason", ""),
    )
    request.session.pop(_session_key(plan), None)
    if job.dispatch_failed:
        messages.warning(request, JOB_SYSTEM_DOWN)
    return redirect("monitoring:import-job", plan_id=plan.pk, job_id=job.pk)


JOB_SYSTEM_DOWN = gettext_lazy(
    "Jobsystemet svarer ikke lige nu: filen venter i kø og gemmes automatisk, så snart jobsystemet er tilbage."
)


def _import_job_or_404(request, plan_id: int, job_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    job = access.get_or_404(request.user, ImportJob.objects.filter(plan=plan), access.VIEW, pk=job_id)
    return plan, job


@login_required
def import_job_view(request, plan_id: int, job_id: int):
    """The import's progress (a progress bar that refreshes itself while it runs) and its result."""
    plan, job = _import_job_or_404(request, plan_id, job_id)
    context = {"plan": plan, "job": job, "progress": import_progress(job.pk) if job.is_active else None}
    template = (
        "monitoring/_import_job_state.html" if request.headers.get("HX-Request") else "monitoring/import_job.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def import_job_retry_view(request, plan_id: int, job_id: int):
    """«Prøv igen» on a failed import: the same file is queued again (while it is still kept)."""
    plan, job = _import_job_or_404(request, plan_id, job_id)
    if not job.is_failed:
        messages.error(request, _("Kun en fejlet indlæsning kan prøves igen."))
    elif pending_upload_open(job.file_name) is None:
        messages.error(request, _("Filen findes ikke længere. Indlæs den igen."))
    else:
        jobs.retry_failed(job)
        messages.success(request, _("Indlæsningen er sat i kø igen."))
    return redirect("monitoring:import-job", plan_id=plan.pk, job_id=job.pk)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def plan_export_view(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    measurements = plan_measurements_for_export(user=request.user, plan=plan)
    return _xlsx_response(measurements_workbook(measurements), f"maalinger-{slugify(plan.name)}.xlsx")


@login_required
def indicator_export_view(request, plan_id: int, indicator_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    indicator = indicator_detail(user=request.user, plan=plan, indicator_id=indicator_id)
    measurements = plan_measurements_for_export(user=request.user, plan=plan, indicator=indicator)
    return _xlsx_response(measurements_workbook(measurements), f"maalinger-{slugify(indicator.name)}.xlsx")


def _manageable_plan(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    if not access.can(request.user, access.CHANGE, plan):
        raise PermissionDenied
    return plan


@login_required
def goal_create_view(request, plan_id: int):
    plan = _manageable_plan(request, plan_id)
    form = GoalCreateForm(request.POST or None, plan=plan)
    fields = GoalCreateForm.Meta.fields
    return _edit(
        request,
        plan=plan,
        form=form,
        save=lambda f: goal_create(
            plan=plan, changed_by=request.user, **{name: f.cleaned_data[name] for name in fields}
        ),
        title=_("Nyt mål"),
        back=reverse("monitoring:goal-tree", args=[plan.pk]),
    )


@login_required
def indicator_create_view(request, plan_id: int, goal_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    goal = access.get_or_404(request.user, Goal.objects.filter(plan=plan), access.CHANGE, pk=goal_id)
    form = IndicatorCreateForm(request.POST or None, goal=goal)
    return _edit(
        request,
        plan=plan,
        form=form,
        save=lambda f: indicator_create(
            goal=goal,
            changed_by=request.user,
            interventions=f.cleaned_data["interventions"],
            targets=[(f.cleaned_data["target_value"], f.cleaned_data["target_date"])],
            **f.indicator_fields(),
        ),
        title=_("Ny indikator for %(title)s") % {"title": goal.title},
        back=reverse("monitoring:goal-tree", args=[plan.pk]) + f"#goal-{goal.pk}",
    )


@login_required
def target_create_view(request, plan_id: int, indicator_id: int):
    plan = access.get_plan_or_404(request.user, plan_id)
    indicator = indicator_detail(user=request.user, plan=plan, indicator_id=indicator_id)
    if not access.can(request.user, access.CHANGE, plan):
        raise PermissionDenied
    form = TargetCreateForm(request.POST or None, indicator=indicator)
    return _edit(
        request,
        plan=plan,
        form=form,
        save=lambda f: target_create(indicator=indicator, changed_by=request.user, **f.cleaned_data),
        title=_("Ny målværdi for %(name)s") % {"name": indicator.name},
        back=reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk]),
    )
