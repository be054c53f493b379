"""Writes in the plans app: one function per use case, validated and atomic."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CooperationAgreement, Organisation, RoleAssignment


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
def cooperation_agreement_new_version(*, agreement: CooperationAgreement, change_reason: str) -> CooperationAgreement:
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
