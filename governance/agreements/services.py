"""Writes for versioned agreements: adopt what exists, draft, approve with the board's decision,
record LBF's approval, and adjust a delaftale's interventions with history. Each is atomic and
validates before it writes; a ``ValidationError`` means nothing was changed."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.formatting import format_date, format_kr
from governance.meetings.models import Decision
from plans.models import CooperationAgreement, Intervention, Organisation, Plan, SubAgreement
from plans.services import intervention_update

from .models import AgreementVersion, InterventionAdjustment


def _versions(plan: Plan, sub_agreement: SubAgreement | None):
    return AgreementVersion.objects.filter(plan=plan, sub_agreement=sub_agreement)


@transaction.atomic
def agreement_adopt(*, plan: Plan, sub_agreement: SubAgreement | None = None) -> list[AgreementVersion]:
    """Bring an agreement under versioning, idempotently.

    The samarbejdsaftale: every ``plans.CooperationAgreement`` row not yet linked becomes a version
    with its number, text, reason, status and approval dates (origin ``admin``). A delaftale without
    versions gets its current text and parties as version 1 (origin ``baseline``), so the first
    change has something to be compared with. Returns the versions created.
    """
    created = []
    if sub_agreement is None:
        linked = _versions(plan, None).values("cooperation_agreement")
        for row in plan.cooperation_agreements.exclude(pk__in=linked).order_by("version"):
            if _versions(plan, None).filter(number=row.version).exists():
                continue
            approved = row.status != CooperationAgreement.Status.DRAFT
            version = AgreementVersion.objects.create(
                plan=plan,
                number=row.version,
                title=row.title,
                text=row.vision,
                reason=row.change_reason,
                status=AgreementVersion.Status.APPROVED if approved else AgreementVersion.Status.DRAFT,
                origin=AgreementVersion.Origin.ADMIN,
                approved_on=row.approved_by_board_on,
                lbf_approved_on=row.approved_by_lbf_on,
                cooperation_agreement=row,
            )
            created.append(version)
        return created
    if sub_agreement.plan_id != plan.pk:
        raise ValidationError(_("Delaftalen hører til en anden helhedsplan."))
    if not _versions(plan, sub_agreement).exists():
        version = AgreementVersion.objects.create(
            plan=plan,
            sub_agreement=sub_agreement,
            number=1,
            title=sub_agreement.title,
            text=sub_agreement.description,
            status=AgreementVersion.Status.APPROVED,
            origin=AgreementVersion.Origin.BASELINE,
        )
        version.parties.set(sub_agreement.parties.all())
        created.append(version)
    return created


def _party_ids(parties) -> set[int]:
    return {party.pk for party in parties}


@transaction.atomic
def agreement_draft_save(
    *,
    plan: Plan,
    user,
    title: str,
    text: str,
    reason: str,
    sub_agreement: SubAgreement | None = None,
    parties: list[Organisation] | None = None,
) -> AgreementVersion:
    """Create or change the agreement's one draft: the next version number, with a reason.

    A delaftale's parties must be parties of the plan. A draft identical to the approved version is
    refused (a new version must change something).
    """
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one drafter at a time per plan
    agreement_adopt(plan=plan, sub_agreement=sub_agreement)
    versions = _versions(plan, sub_agreement)
    draft = versions.filter(status=AgreementVersion.Status.DRAFT).first()
    current = versions.approved().order_by("-number").first()
    if draft is None:
        number = (versions.aggregate(top=Max("number"))["top"] or 0) + 1
        draft = AgreementVersion(plan=plan, sub_agreement=sub_agreement, number=number)
    draft.title = title.strip()
    draft.text = text.strip()
    draft.reason = reason.strip()
    draft.drafted_by = user
    draft.drafted_at = timezone.now()
    draft.origin = AgreementVersion.Origin.PORTAL
    parties = list(parties or []) if sub_agreement is not None else []
    for party in parties:
        plan.check_party(party.pk, "parties")
    if current is not None and (
        draft.title == current.title
        and draft.text == current.text.strip()
        and (sub_agreement is None or _party_ids(parties) == _party_ids(current.parties.all()))
    ):
        raise ValidationError(_("Udkastet er magen til den gældende version. Ret teksten, titlen eller parterne."))
    draft.full_clean()
    draft.save()
    if sub_agreement is not None:
        draft.parties.set(parties)
    return draft


def _apply_to_plan(version: AgreementVersion) -> None:
    """Make the approved version the agreement the rest of the portal reads."""
    reason = _("Version %(number)s godkendt af bestyrelsen") % {"number": version.number}
    if version.sub_agreement_id is not None:
        sub_agreement = version.sub_agreement
        sub_agreement.title = version.title
        sub_agreement.description = version.text
        sub_agreement.full_clean()
        sub_agreement._change_reason = reason
        sub_agreement.save()
        wanted = set(version.parties.values_list("pk", flat=True))
        if wanted != set(sub_agreement.parties.values_list("pk", flat=True)):
            sub_agreement.parties.set(list(wanted))
        return
    row = version.cooperation_agreement
    if row is None:
        if version.plan.cooperation_agreements.filter(version=version.number).exists():
            raise ValidationError(
                _("Samarbejdsaftalen har allerede en version %(number)s i planen.") % {"number": version.number}
            )
        row = CooperationAgreement(plan=version.plan, version=version.number)
    row.title = version.title
    row.vision = version.text
    row.change_reason = version.reason
    row.status = CooperationAgreement.Status.APPROVED_BY_BOARD
    row.approved_by_board_on = version.approved_on
    row.full_clean()
    row._change_reason = reason
    row.save()
    version.cooperation_agreement = row


@transaction.atomic
def agreement_approve(*, version: AgreementVersion, decision: Decision, user) -> AgreementVersion:
    """Approve a draft with the board's decision; the approved text becomes the agreement's."""
    version = (
        AgreementVersion.objects.select_for_update(of=("self",))
        .select_related("plan", "sub_agreement")
        .get(pk=version.pk)
    )
    if not version.is_draft:
        raise ValidationError(_("Version %(number)s er allerede godkendt.") % {"number": version.number})
    if decision is None:
        raise ValidationError({"decision": _("Vælg bestyrelsens beslutning om ændringen.")})
    version.validate_decision(decision)
    version.status = AgreementVersion.Status.APPROVED
    version.decision = decision
    version.approved_on = decision.agenda_item.meeting.meeting_day
    version.approved_at = timezone.now()
    version.approved_by = user
    version.full_clean()
    _apply_to_plan(version)
    version._change_reason = _("Godkendt af bestyrelsen")
    version.save()
    return version


@transaction.atomic
def agreement_record_lbf_approval(*, version: AgreementVersion, approved_on: date) -> AgreementVersion:
    """Record LBF's approval of an approved samarbejdsaftale version (after the board's)."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_cooperation_agreement:
        raise ValidationError(_("Kun samarbejdsaftalen godkendes af LBF."))
    if version.is_draft:
        raise ValidationError(_("Bestyrelsen skal godkende versionen, før LBF's godkendelse registreres."))
    if version.approved_on and approved_on < version.approved_on:
        raise ValidationError({"approved_on": _("LBF kan ikke have godkendt før bestyrelsen.")})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("Datoen ligger i fremtiden.")})
    version.lbf_approved_on = approved_on
    version.full_clean()
    version.save()
    row = version.cooperation_agreement
    if row is not None:
        row.status = CooperationAgreement.Status.APPROVED_BY_LBF
        row.approved_by_lbf_on = approved_on
        row.full_clean()
        row.save()
    return version


ADJUSTABLE_FIELDS = ("name", "description", "responsible_partner", "status", "start_date", "end_date", "budget")


def _shown(intervention: Intervention, field: str) -> str:
    """A field's value as the history shows it."""
    value = getattr(intervention, field)
    if value is None or value == "":
        return "–"
    if field == "status":
        return str(intervention.get_status_display())
    if field == "budget":
        return format_kr(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


@transaction.atomic
def intervention_adjust(
    *,
    intervention: Intervention,
    user,
    reason: str,
    partners: list[Organisation] | None = None,
    decision: Decision | None = None,
    **fields,
) -> InterventionAdjustment:
    """Adjust an indsats under its delaftale (domain rule 6: the board may, without a new version of
    the agreement). Records who, when, what changed (field by field) and why, with the board's
    decision when there is one. Nothing is recorded when nothing changed."""
    unknown = set(fields) - set(ADJUSTABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv kort, hvorfor indsatsen justeres.")})
    intervention = (
        Intervention.objects.select_for_update(of=("self",))
        .select_related("sub_agreement__plan")
        .get(pk=intervention.pk)
    )
    if decision is not None and decision.agenda_item.meeting.body.plan_id != intervention.sub_agreement.plan_id:
        raise ValidationError({"decision": _("Beslutningen hører til en anden helhedsplan.")})
    labels = {name: str(Intervention._meta.get_field(name).verbose_name) for name in (*ADJUSTABLE_FIELDS, "partners")}
    before = {name: _shown(intervention, name) for name in fields}
    old_partners = sorted(intervention.partners.all(), key=lambda o: o.name)
    changes = []
    if partners is not None:
        intervention.validate_partners(partners)
    intervention._change_reason = reason[:100]
    intervention = intervention_update(intervention=intervention, **fields)
    for name in fields:
        after = _shown(intervention, name)
        if after != before[name]:
            changes.append({"field": labels[name], "old": before[name], "new": after})
    if partners is not None and {p.pk for p in partners} != {p.pk for p in old_partners}:
        intervention.partners.set(partners)
        changes.append(
            {
                "field": labels["partners"],
                "old": ", ".join(p.name for p in old_partners) or "–",
                "new": ", ".join(sorted(p.name for p in partners)) or "–",
            }
        )
    if not changes:
        raise ValidationError(_("Intet er ændret. Ret mindst ét felt, eller gå tilbage."))
    return InterventionAdjustment.objects.create(
        intervention=intervention, changed_by=user, reason=reason, decision=decision, changes=changes
    )
