"""Reads in the plans app, always starting from the access rule."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from . import access
from .models import (
    REQUIRED_LOCAL_SHARE,
    Commitment,
    CooperationAgreement,
    Intervention,
    Plan,
    SubAgreement,
    local_share,
    meets_local_share,
)


def plan_list(*, user) -> QuerySet[Plan]:
    """'Mine helhedsplaner': every plan the user may see, ready for the list page."""
    return access.visible(user, Plan).with_overview().order_by("municipality__name", "name")


def plan_sub_agreements(*, user, plan: Plan) -> QuerySet[SubAgreement]:
    """The plan's delaftaler the user may see, with thematic area, parties and interventions."""
    return (
        access.visible(user, SubAgreement)
        .filter(plan=plan)
        .select_related("thematic_area")
        .prefetch_related(
            "parties",
            Prefetch(
                "interventions",
                queryset=Intervention.objects.select_related("responsible_partner").order_by("name"),
            ),
        )
        .order_by("thematic_area__position", "title")
    )


def plan_current_agreement(*, plan: Plan) -> CooperationAgreement | None:
    """The newest version of the samarbejdsaftale."""
    return plan.cooperation_agreements.order_by("-version").first()


@dataclass
class PartyRow:
    party: object
    is_local: bool
    by_year: dict[int, Decimal] = field(default_factory=dict)
    hours_by_year: dict[int, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), Decimal("0"))


@dataclass
class CommitmentSummary:
    """Commitments per party and year and the local share against LBF's 25 % requirement."""

    years: list[int]
    rows: list[PartyRow]
    local_by_year: dict[int, Decimal]
    total_by_year: dict[int, Decimal]
    required_share: Decimal = REQUIRED_LOCAL_SHARE

    @property
    def share_by_year(self) -> dict[int, Decimal | None]:
        return {year: local_share(self.local_by_year[year], self.total_by_year[year]) for year in self.years}

    @property
    def local_total(self) -> Decimal:
        return sum(self.local_by_year.values(), Decimal("0"))

    @property
    def grand_total(self) -> Decimal:
        return sum(self.total_by_year.values(), Decimal("0"))

    @property
    def local_share(self) -> Decimal | None:
        return local_share(self.local_total, self.grand_total)

    @property
    def meets_requirement(self) -> bool | None:
        return meets_local_share(self.local_share)


def plan_commitment_summary(*, plan: Plan, commitments: QuerySet[Commitment] | None = None) -> CommitmentSummary:
    """Sum the plan's commitments per party and year (one query); ``commitments`` narrows them
    (e.g. to one steering group's delaftaler)."""
    years = plan.years
    rows: dict[int, PartyRow] = {}
    local_by_year = defaultdict(Decimal)
    total_by_year = defaultdict(Decimal)
    commitments = Commitment.objects.all() if commitments is None else commitments
    for commitment in commitments.filter(plan=plan).select_related("party"):
        row = rows.setdefault(commitment.party_id, PartyRow(party=commitment.party, is_local=commitment.is_local))
        row.by_year[commitment.year] = row.by_year.get(commitment.year, Decimal("0")) + commitment.amount
        if commitment.hours:
            row.hours_by_year[commitment.year] = row.hours_by_year.get(commitment.year, Decimal("0")) + commitment.hours
        total_by_year[commitment.year] += commitment.amount
        if commitment.is_local:
            local_by_year[commitment.year] += commitment.amount
    ordered = sorted(rows.values(), key=lambda r: (not r.is_local, r.party.name))
    return CommitmentSummary(
        years=years,
        rows=ordered,
        local_by_year={year: local_by_year[year] for year in years},
        total_by_year={year: total_by_year[year] for year in years},
    )
