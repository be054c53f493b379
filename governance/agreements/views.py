"""Thin views for versioned agreements and the adjustment of a delaftale's indsatser.

Every view resolves its object through ``plans.access`` first: outsiders get 404, readers who may
not act get 403. Only the sekretariatsleder drafts and approves (the rule of the agreement).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import errors_to_form, flash_error
from plans import access
from plans.models import Intervention, SubAgreement

from . import selectors, services
from .forms import AgreementApproveForm, AgreementDraftForm, InterventionAdjustForm, LbfApprovalForm
from .models import AgreementVersion


def _sub_agreement_or_404(user, sub_agreement_id: int, action=access.VIEW) -> SubAgreement:
    queryset = SubAgreement.objects.select_related("plan", "thematic_area")
    return access.get_or_404(user, queryset, action, pk=sub_agreement_id)


def _agreement_url(version: AgreementVersion) -> tuple[str, int]:
    if version.sub_agreement_id is None:
        return "governance:agreement-detail", version.plan_id
    return "governance:sub-agreement-detail", version.sub_agreement_id


def _page(request, plan, sub_agreement):
    page = selectors.agreement_page(user=request.user, plan=plan, sub_agreement=sub_agreement)
    return render(request, "governance/agreements/agreement_detail.html", {"page": page, "plan": plan})


@login_required
def agreement_detail(request, plan_id: int):
    """The samarbejdsaftale: current text, the draft if any, every version with its approval."""
    plan = access.get_plan_or_404(request.user, plan_id)
    return _page(request, plan, None)


@login_required
def sub_agreement_detail(request, sub_agreement_id: int):
    sub_agreement = _sub_agreement_or_404(request.user, sub_agreement_id)
    return _page(request, sub_agreement.plan, sub_agreement)


def _draft(request, plan, sub_agreement):
    page = selectors.agreement_page(user=request.user, plan=plan, sub_agreement=sub_agreement)
    shown = page.draft or page.current
    if shown is not None:
        initial = {"title": shown.title, "text": shown.text, "parties": list(shown.parties.all())}
        if page.draft:
            initial["reason"] = page.draft.reason
    else:
        initial = {"title": page.fallback_title, "text": page.fallback_text, "parties": page.fallback_parties}
    form = AgreementDraftForm(request.POST or None, plan=plan, with_parties=sub_agreement is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.agreement_draft_save(
                plan=plan,
                sub_agreement=sub_agreement,
                user=request.user,
                title=data["title"],
                text=data["text"],
                reason=data["reason"],
                parties=list(data.get("parties") or []),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Udkastet til version %(number)s er gemt. Det skal godkendes af bestyrelsen.")
                % {"number": version.number},
            )
            return redirect("governance:agreement-version", version.pk)
    context = {"page": page, "plan": plan, "form": form}
    return render(request, "governance/agreements/agreement_draft.html", context, status=400 if form.errors else 200)


@login_required
def agreement_draft(request, plan_id: int):
    plan = access.get_plan_or_404(request.user, plan_id, access.CHANGE)
    return _draft(request, plan, None)


@login_required
def sub_agreement_draft(request, sub_agreement_id: int):
    sub_agreement = _sub_agreement_or_404(request.user, sub_agreement_id, access.CHANGE)
    return _draft(request, sub_agreement.plan, sub_agreement)


def _version_or_404(user, version_id: int, action=access.VIEW) -> AgreementVersion:
    queryset = AgreementVersion.objects.select_related(
        "plan", "sub_agreement", "drafted_by", "approved_by", "decision__agenda_item__meeting"
    ).prefetch_related("parties")
    return access.get_or_404(user, queryset, action, pk=version_id)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _version_page(request, version, *, approve_form=None, lbf_form=None, status=200):
    user = request.user
    selectors.mark_visible_decisions(user, [version])
    others = selectors.agreement_page(user=user, plan=version.plan, sub_agreement=version.sub_agreement).versions
    compare_number = _int(request.GET.get("sammenlign"))
    compare_with = next((v for v in others if v.number == compare_number and v.number < version.number), None)
    can_approve = access.can(user, access.APPROVE, version)
    if approve_form is None and can_approve and version.is_draft:
        approve_form = AgreementApproveForm(decisions=selectors.board_decisions(user=user, plan=version.plan))
    if lbf_form is None and can_approve and version.is_cooperation_agreement and not version.is_draft:
        lbf_form = LbfApprovalForm()
    context = {
        "version": version,
        "plan": version.plan,
        "diff": selectors.version_diff(version, compare_with),
        "earlier": [v for v in others if v.number < version.number],
        "can_approve": can_approve,
        "can_draft": access.can(user, access.CHANGE, version),
        "approve_form": approve_form,
        "lbf_form": lbf_form,
        "agreement_url": _agreement_url(version),
    }
    return render(request, "governance/agreements/version_detail.html", context, status=status)


@login_required
def version_detail(request, version_id: int):
    """One version with a readable diff against the version before it (or another earlier one)."""
    return _version_page(request, _version_or_404(request.user, version_id))


@login_required
@require_POST
def version_approve(request, version_id: int):
    version = _version_or_404(request.user, version_id, access.APPROVE)
    form = AgreementApproveForm(request.POST, decisions=selectors.board_decisions(user=request.user, plan=version.plan))
    if not version.is_draft:
        flash_error(
            request, ValidationError(_("Version %(number)s er allerede godkendt.") % {"number": version.number})
        )
        return _version_page(request, version, status=400)
    if form.is_valid():
        try:
            services.agreement_approve(version=version, decision=form.cleaned_data["decision"], user=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Version %(number)s er godkendt og er nu den gældende aftale.") % {"number": version.number}
            )
            return redirect("governance:agreement-version", version.pk)
    return _version_page(request, version, approve_form=form, status=400)


@login_required
@require_POST
def version_lbf_approval(request, version_id: int):
    version = _version_or_404(request.user, version_id, access.APPROVE)
    form = LbfApprovalForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_record_lbf_approval(version=version, approved_on=form.cleaned_data["approved_on"])
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("LBF's godkendelse er registreret."))
            return redirect("governance:agreement-version", version.pk)
    return _version_page(request, version, lbf_form=form, status=400)


@login_required
def sub_agreement_interventions(request, sub_agreement_id: int):
    """The delaftale's indsatser with who changed what, when and why."""
    sub_agreement = _sub_agreement_or_404(request.user, sub_agreement_id)
    interventions = selectors.sub_agreement_interventions(user=request.user, sub_agreement=sub_agreement)
    changeable = set(
        access.visible(request.user, Intervention, access.CHANGE)
        .filter(sub_agreement=sub_agreement)
        .values_list("pk", flat=True)
    )
    context = {
        "plan": sub_agreement.plan,
        "sub_agreement": sub_agreement,
        "interventions": interventions,
        "changeable": changeable,
    }
    return render(request, "governance/agreements/interventions.html", context)


@login_required
def intervention_adjust(request, intervention_id: int):
    queryset = Intervention.objects.select_related("sub_agreement__plan", "responsible_partner")
    intervention = access.get_or_404(request.user, queryset, access.CHANGE, pk=intervention_id)
    plan = intervention.sub_agreement.plan
    decisions = selectors.board_decisions(user=request.user, plan=plan)
    form = InterventionAdjustForm(
        request.POST or None, plan=plan, decisions=decisions, initial=InterventionAdjustForm.initial_for(intervention)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason, decision, partners = data.pop("reason"), data.pop("decision"), list(data.pop("partners"))
        try:
            services.intervention_adjust(
                intervention=intervention,
                user=request.user,
                reason=reason,
                decision=decision,
                partners=partners,
                **data,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Indsatsen «%(name)s» er justeret.") % {"name": data["name"]})
            return redirect("governance:sub-agreement-interventions", intervention.sub_agreement_id)
    context = {"plan": plan, "intervention": intervention, "form": form}
    return render(
        request, "governance/agreements/intervention_adjust.html", context, status=400 if form.errors else 200
    )
