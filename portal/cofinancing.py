"""Medfinansiering kept by those who pay (issue #14, item 1): a plan's co-financing page, recording
and changing commitments, proposals the party confirms, and deliveries. Thin views: the access rule
(``plans.access``) decides who may do what, ``plans.services`` writes.

- The kommunal koordinator keeps the kommune's and its forvaltningers commitments, a
  boligorganisation's staff their organisation's; the sekretariatsleder sees all of the plan,
  proposes (the party confirms) and keeps LBF's and local partners'.
- The cross-plan page per kommune is ``portal.dashboards.cofinancing_view``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import access
from plans.models import Commitment, CommitmentDelivery, SubAgreement
from plans.selectors import plan_commitment_summary, plan_commitments
from plans.services import (
    commitment_confirm,
    commitment_create,
    commitment_delivery_add,
    commitment_delivery_delete,
    commitment_reject,
    commitment_update,
)

from .forms import CommitmentForm, DeliveryForm
from .xlsx import xlsx_response


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def plan_cofinancing_view(request, plan_id: int):
    """A plan's co-financing: party × year committed, delivered and missing, each party's share and
    the local share against LBF's 25 %; the commitments one by one, proposals first."""
    plan = access.get_plan_or_404(request.user, plan_id)
    summary = plan_commitment_summary(plan=plan, commitments=access.visible(request.user, Commitment))
    if request.GET.get("format") == "xlsx":
        return _plan_xlsx(plan, summary)
    commitments = list(plan_commitments(user=request.user, plan=plan))
    context = {
        "plan": plan,
        "summary": summary,
        "commitments": commitments,
        "proposals": [c for c in commitments if c.is_proposal],
        "can_record": access.commitment_parties_for(request.user, plan).exists(),
    }
    return render(request, "portal/plan_cofinancing.html", context)


def _plan_xlsx(plan, summary):
    """The page's party × year table as a workbook: per year committed, delivered and missing."""
    header = ["Part", "Lokal/LBF"]
    for year in summary.years:
        header += [f"{year} tilsagn (kr.)", f"{year} leveret (kr.)", f"{year} mangler (kr.)"]
    header += ["I alt tilsagn (kr.)", "I alt leveret (kr.)", "I alt mangler (kr.)", "Andel af det samlede tilsagn"]
    rows = []
    for row in summary.rows:
        line = [row.party.name, "Lokal" if row.is_local else "LBF"]
        for year in summary.years:
            line += [row.by_year.get(year), row.delivered_by_year.get(year), row.shortfall_by_year.get(year)]
        line += [row.total, row.delivered_total, row.shortfall_total, _float(summary.party_share(row))]
        rows.append(line)
    total = ["I alt", ""]
    local = ["Lokal medfinansiering", ""]
    shares = ["Lokal andel (krav: mindst 25 %)", ""]
    for year in summary.years:
        total += [summary.total_by_year[year], summary.delivered_by_year[year], summary.shortfall_by_year[year]]
        local += [summary.local_by_year[year], None, None]
        shares += [_float(summary.share_by_year[year]), None, None]
    rows.append([*total, summary.grand_total, summary.delivered_total, summary.shortfall_total, None])
    rows.append([*local, summary.local_total, None, None, None])
    rows.append([*shares, _float(summary.local_share), None, None, None])
    return xlsx_response(
        filename=f"medfinansiering-{slugify(plan.name)}.xlsx", sheets=[("Pr. part og år", header, rows)]
    )


def _float(value):
    return float(value) if value is not None else None


def _sub_agreements(user, plan):
    return access.visible(user, SubAgreement).filter(plan=plan).order_by("title")


@login_required
@require_http_methods(["GET", "POST"])
def commitment_create_view(request, plan_id: int):
    """Record a commitment. The party's own roles record it as confirmed; a sekretariatsleder
    recording for a kommune or boligorganisation makes a proposal the party confirms."""
    plan = access.get_plan_or_404(request.user, plan_id)
    parties = access.commitment_parties_for(request.user, plan)
    if not parties.exists():
        raise PermissionDenied
    form = CommitmentForm(
        request.POST or None, plan=plan, parties=parties, sub_agreements=_sub_agreements(request.user, plan)
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        party = fields.pop("party")
        owner = access.owns_commitment(request.user, plan, party)
        try:
            commitment = commitment_create(
                plan=plan, party=party, proposed_by=None if owner else request.user, **fields
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if commitment.is_proposal:
                messages.success(request, _("Forslaget er gemt; %(party)s skal bekræfte det.") % {"party": party})
            else:
                messages.success(request, _("Medfinansieringen er gemt."))
            return redirect("plan-cofinancing", plan_id=plan.pk)
    status = 400 if form.errors else 200
    context = {"plan": plan, "form": form, "title": _("Ny medfinansiering")}
    return render(request, "portal/commitment_form.html", context, status=status)


@login_required
def commitment_detail_view(request, commitment_id: int):
    commitment = access.get_or_404(
        request.user, Commitment.objects.select_related("plan", "party", "sub_agreement"), pk=commitment_id
    )
    return _detail(request, commitment, DeliveryForm(commitment=commitment))


def _detail(request, commitment, delivery_form, status=200):
    user = request.user
    deliverable = access.deliverable_commitments(user).filter(pk=commitment.pk).exists()
    context = {
        "plan": commitment.plan,
        "commitment": commitment,
        "deliveries": commitment.deliveries.select_related("recorded_by").order_by("date", "pk"),
        "delivery_form": delivery_form,
        "can_change": access.can(user, access.CHANGE, commitment),
        "can_deliver": deliverable and not commitment.is_proposal,
        "can_confirm": commitment.is_proposal and access.owns_commitment(user, commitment.plan, commitment.party),
        "history": commitment.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(request, "portal/commitment_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit_view(request, commitment_id: int):
    commitment = access.get_or_404(
        request.user, Commitment.objects.select_related("plan", "party"), access.CHANGE, pk=commitment_id
    )
    plan = commitment.plan
    form = CommitmentForm(
        request.POST or None,
        instance=commitment,
        plan=plan,
        parties=access.commitment_parties_for(request.user, plan),
        sub_agreements=_sub_agreements(request.user, plan),
    )
    if request.method == "POST" and form.is_valid():
        try:
            commitment_update(commitment=commitment, **form.service_fields())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Medfinansieringen er ændret."))
            return redirect("commitment-detail", commitment_id=commitment.pk)
    status = 400 if form.errors else 200
    context = {"plan": plan, "form": form, "commitment": commitment, "title": _("Ret medfinansiering")}
    return render(request, "portal/commitment_form.html", context, status=status)


@login_required
@require_POST
def delivery_add_view(request, commitment_id: int):
    commitment = access.get_or_404(request.user, Commitment.objects.select_related("plan", "party"), pk=commitment_id)
    if not access.deliverable_commitments(request.user).filter(pk=commitment.pk).exists():
        raise PermissionDenied
    form = DeliveryForm(request.POST, commitment=commitment)
    if form.is_valid():
        try:
            commitment_delivery_add(commitment=commitment, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Leveringen er registreret."))
            return redirect("commitment-detail", commitment_id=commitment.pk)
    return _detail(request, commitment, form, status=400)


@login_required
@require_POST
def delivery_delete_view(request, delivery_id: int):
    delivery = access.get_or_404(
        request.user, CommitmentDelivery.objects.select_related("commitment"), access.CHANGE, pk=delivery_id
    )
    commitment = commitment_delivery_delete(delivery=delivery)
    messages.success(request, _("Leveringen er slettet."))
    return redirect("commitment-detail", commitment_id=commitment.pk)


@login_required
@require_POST
def commitment_confirm_view(request, commitment_id: int):
    """The paying party confirms (or, with ``decision=reject``, declines) a sekretariatsleder's proposal."""
    commitment = access.get_or_404(request.user, Commitment.objects.select_related("plan", "party"), pk=commitment_id)
    if not access.owns_commitment(request.user, commitment.plan, commitment.party):
        raise PermissionDenied
    plan_id = commitment.plan_id
    try:
        if request.POST.get("decision") == "reject":
            commitment_reject(commitment=commitment)
            messages.success(request, _("Forslaget er afvist."))
            return redirect("plan-cofinancing", plan_id=plan_id)
        commitment_confirm(commitment=commitment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Medfinansieringen er bekræftet."))
    return redirect("commitment-detail", commitment_id=commitment.pk)
