"""Writes in the plans app: one function per use case, validated and atomic."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    Commitment,
    CooperationAgreement,
    Intervention,
    Organisation,
    Plan,
    RoleAssignment,
    SubAgreement,
)


@transaction.atomic
def role_assign(*, user, role, **scope) -> RoleAssignment:
    """Give ``user`` ``role`` on one scope (organisation, secretariat, plan or sub_agreement). Idempotent."""
    assignment = RoleAssignment(user=user, role=role, **scope)
    assignment.full_clean(validate_constraints=False)
    existing = RoleAssignment.objects.filter(user=user, role=role, **scope).first()
    if existing:
        return existing
    assignment.save()
    return assignment


@transaction.atomic
def cooperation_agreement_new_version(
    *, agreement: CooperationAgreement, change_reason: str
) -> CooperationAgreement:
    """Start a new draft version of an approved samarbejdsaftale (domain rule 6)."""
    if agreement.status == CooperationAgreement.Status.DRAFT:
        raise ValidationError(_("Udkastet kan redigeres direkte; en ny version kræver en godkendt aftale."))
    latest = agreement.plan.cooperation_agreements.order_by("-version").first()
    new = CooperationAgreement(
        plan=agreement.plan,
        version=latest.version + 1,
        title=agreement.title,
        vision=agreement.vision,
        change_reason=change_reason,
    )
    new.full_clean()
    new.save()
    return new


def local_party_kinds() -> set[str]:
    return {kind for kind in Organisation.Kind.values if kind != Organisation.Kind.FUNDER}


# --- Interventions and commitments (used by the REST API; views may use them too) ---------------

INTERVENTION_FIELDS = (
    "sub_agreement",
    "name",
    "description",
    "responsible_partner",
    "status",
    "start_date",
    "end_date",
)
COMMITMENT_FIELDS = (
    "party",
    "plan",
    "sub_agreement",
    "year",
    "form",
    "amount",
    "hours",
    "delivered_amount",
    "delivered_hours",
    "note",
)


def _apply(instance, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def intervention_create(
    *, sub_agreement: SubAgreement, name: str, responsible_partner: Organisation, **fields
) -> Intervention:
    """Create an indsats under a delaftale. Raises ValidationError on invalid input; nothing is saved then."""
    intervention = Intervention(
        sub_agreement=sub_agreement, name=name, responsible_partner=responsible_partner
    )
    _apply(intervention, fields, INTERVENTION_FIELDS)
    intervention.full_clean()
    intervention.save()
    return intervention


@transaction.atomic
def intervention_update(*, intervention: Intervention, **fields) -> Intervention:
    """Change an indsats' fields; validated as a whole before saving."""
    _apply(intervention, fields, INTERVENTION_FIELDS)
    intervention.full_clean()
    intervention.save()
    return intervention


@transaction.atomic
def commitment_create(*, party: Organisation, plan: Plan, year: int, form: str, **fields) -> Commitment:
    """Record a party's medfinansiering of a plan for a year. Raises ValidationError on invalid input."""
    commitment = Commitment(party=party, plan=plan, year=year, form=form)
    _apply(commitment, fields, COMMITMENT_FIELDS)
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, **fields) -> Commitment:
    """Change a commitment (e.g. record what was delivered); validated as a whole before saving."""
    _apply(commitment, fields, COMMITMENT_FIELDS)
    commitment.full_clean()
    commitment.save()
    return commitment
