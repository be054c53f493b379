"""Writes in the plans app: one function per use case, validated and atomic."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from common.history import CREATED, history_record

from .models import (
    Commitment,
    CommitmentDelivery,
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
    "fte",
    "hourly_rate",
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
    Intervention.objects.bulk_create(interventions, batch_size=500)
    history_record(Intervention, [i.pk for i in interventions], history_type=CREATED, user=history_user)
    return interventions


@transaction.atomic
def commitment_create(
    *, party: Organisation, plan: Plan, year: int, form: str, proposed_by=None, **fields
) -> Commitment:
    """Record a party's medfinansiering of a plan for a year. Raises ValidationError on invalid input.

    With ``proposed_by`` (a sekretariatsleder recording for a party that keeps its own
    commitments, see ``plans.access.owns_commitment``) it is a proposal the party confirms."""
    commitment = Commitment(party=party, plan=plan, year=year, form=form)
    if proposed_by is not None:
        commitment.status = Commitment.Status.PROPOSED
        commitment.proposed_by = proposed_by
    _apply(commitment, fields, COMMITMENT_FIELDS)
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, **fields) -> Commitment:
    """Change a commitment's fields; validated as a whole before saving. What was delivered is
    recorded with ``commitment_delivery_add``, not here."""
    _apply(commitment, fields, COMMITMENT_FIELDS)
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def commitment_confirm(*, commitment: Commitment) -> Commitment:
    """The paying party confirms a proposal: from now on it counts as committed."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.PROPOSED:
        raise ValidationError(_("Medfinansieringen er allerede bekræftet."))
    commitment.status = Commitment.Status.CONFIRMED
    commitment._change_reason = _("Bekræftet af parten")
    commitment.save(update_fields=["status"])
    return commitment


@transaction.atomic
def commitment_reject(*, commitment: Commitment) -> None:
    """The party declines a proposal: it is deleted (the history keeps it)."""
    if commitment.status != Commitment.Status.PROPOSED:
        raise ValidationError(_("Kun et forslag kan afvises; en bekræftet medfinansiering ændres i stedet."))
    commitment._change_reason = _("Forslaget er afvist af parten")
    commitment.delete()


def commitment_recompute_delivered(*, commitment: Commitment) -> Commitment:
    """Store the sums of the commitment's deliveries on it (None when nothing is delivered)."""
    sums = commitment.deliveries.aggregate(amount=Sum("amount"), hours=Sum("hours"), count=Count("pk"))
    delivered_amount = sums["amount"] if sums["count"] else None
    delivered_hours = sums["hours"] if sums["count"] else None
    if (commitment.delivered_amount, commitment.delivered_hours) != (delivered_amount, delivered_hours):
        commitment.delivered_amount, commitment.delivered_hours = delivered_amount, delivered_hours
        commitment._change_reason = _("Leveringer opdateret")
        commitment.save(update_fields=["delivered_amount", "delivered_hours"])
    return commitment


@transaction.atomic
def commitment_delivery_add(
    *, commitment: Commitment, date, amount: Decimal = Decimal("0"), hours=None, note: str = "", recorded_by=None
) -> CommitmentDelivery:
    """Record what the party delivered against a commitment and update the commitment's delivered sums."""
    commitment = Commitment.objects.select_for_update().select_related("plan").get(pk=commitment.pk)
    delivery = CommitmentDelivery(
        commitment=commitment, date=date, amount=amount or Decimal("0"), hours=hours, note=note, recorded_by=recorded_by
    )
    delivery.full_clean()
    delivery.save()
    commitment_recompute_delivered(commitment=commitment)
    return delivery


@transaction.atomic
def commitment_delivery_delete(*, delivery: CommitmentDelivery) -> Commitment:
    """Remove a delivery recorded by mistake (the history keeps it) and update the commitment's sums."""
    commitment = Commitment.objects.select_for_update().get(pk=delivery.commitment_id)
    delivery._change_reason = _("Slettet")
    delivery.delete()
    return commitment_recompute_delivered(commitment=commitment)
