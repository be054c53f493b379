"""Writes in the plans app: one function per use case, validated and atomic."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .models import (
    Commitment,
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


# --- Interventions and commitments (used by the REST API; views may use them too) ---------------

INTERVENTION_FIELDS = (
    "sub_agreement",
    "name",
    "description",
    "responsible_partner",
    "status",
    "start_date",
    "end_date",
    "budget",
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


class ItemErrors(ValidationError):
    """Validation errors of a batch by item index (``item_errors``); nothing of the batch was saved."""

    def __init__(self, item_errors: dict[int, ValidationError]):
        self.item_errors = dict(sorted(item_errors.items()))
        super().__init__(_("%(count)d elementer er ugyldige.") % {"count": len(item_errors)})


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
    intervention = Intervention(sub_agreement=sub_agreement, name=name, responsible_partner=responsible_partner)
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
def intervention_create_many(*, items: list[dict], history_user=None) -> list[Intervention]:
    """Create many indsatser at once, all or none, in a fixed number of queries (bulk API).

    Each item holds the fields of ``intervention_create`` with ``sub_agreement`` and
    ``responsible_partner`` as loaded objects (the caller has looked them up, so their existence is
    not re-checked per item). Every item is validated (``clean`` and field checks), names are
    checked against each other and the database, then all are inserted with their history rows.
    Raises ``ItemErrors`` with the failing items' indexes; then nothing is saved.
    """
    interventions: list[Intervention] = []
    errors: dict[int, ValidationError] = {}
    existing = set(
        Intervention.objects.filter(
            sub_agreement__in={item["sub_agreement"].pk for item in items},
            name__in={item["name"] for item in items},
        ).values_list("sub_agreement_id", "name")
    )
    seen: set[tuple[int, str]] = set()
    plans: dict[int, Plan] = {}
    for fields in items:  # one Plan object per plan, so its parties are loaded once (Intervention.clean)
        sub_agreement = fields["sub_agreement"]
        sub_agreement.plan = plans.setdefault(sub_agreement.plan_id, sub_agreement.plan)
    for index, fields in enumerate(items):
        intervention = Intervention()
        _apply(intervention, fields, INTERVENTION_FIELDS)
        try:
            intervention.full_clean(
                exclude=["sub_agreement", "responsible_partner"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors[index] = exc
            continue
        key = (intervention.sub_agreement_id, intervention.name)
        if key in existing or key in seen:
            errors[index] = ValidationError(intervention.unique_error_message(Intervention, ("sub_agreement", "name")))
            continue
        seen.add(key)
        interventions.append(intervention)
    if errors:
        raise ItemErrors(errors)
    return bulk_create_with_history(interventions, Intervention, batch_size=500, default_user=history_user)


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
