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
    """One party's commitments to a plan per year: committed (``by_year``), delivered and hours."""

    party: object
    is_local: bool
    by_year: dict[int, Decimal] = field(default_factory=dict)
    hours_by_year: dict[int, Decimal] = field(default_factory=dict)
    delivered_by_year: dict[int, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), Decimal("0"))

    @property
    def delivered_total(self) -> Decimal:
        return sum(self.delivered_by_year.values(), Decimal("0"))

    @property
    def shortfall_by_year(self) -> dict[int, Decimal]:
        """Committed minus delivered per year (nothing below zero: delivering more is no shortfall)."""
        return {year: shortfall(amount, self.delivered_by_year.get(year)) for year, amount in self.by_year.items()}

    @property
    def shortfall_total(self) -> Decimal:
        return shortfall(self.total, self.delivered_total)


def shortfall(committed: Decimal | None, delivered: Decimal | None) -> Decimal:
    """What is still missing of a commitment: committed − delivered, never negative."""
    return max((committed or Decimal("0")) - (delivered or Decimal("0")), Decimal("0"))


@dataclass
class CommitmentSummary:
    """Commitments per party and year and the local share against LBF's 25 % requirement.

    Only confirmed commitments count; a sekretariatsleder's proposal counts once the party confirms it."""

    years: list[int]
    rows: list[PartyRow]
    local_by_year: dict[int, Decimal]
    total_by_year: dict[int, Decimal]
    delivered_by_year: dict[int, Decimal] = field(default_factory=dict)
    required_share: Decimal = REQUIRED_LOCAL_SHARE

    @property
    def share_by_year(self) -> dict[int, Decimal | None]:
        return {year: local_share(self.local_by_year[year], self.total_by_year[year]) for year in self.years}

    @property
    def years_below_requirement(self) -> list[int]:
        return [year for year, share in self.share_by_year.items() if meets_local_share(share) is False]

    @property
    def shortfall_by_year(self) -> dict[int, Decimal]:
        return {year: shortfall(self.total_by_year[year], self.delivered_by_year.get(year)) for year in self.years}

    @property
    def local_total(self) -> Decimal:
        return sum(self.local_by_year.values(), Decimal("0"))

    @property
    def grand_total(self) -> Decimal:
        return sum(self.total_by_year.values(), Decimal("0"))

    @property
    def delivered_total(self) -> Decimal:
        return sum(self.delivered_by_year.values(), Decimal("0"))

    @property
    def shortfall_total(self) -> Decimal:
        return shortfall(self.grand_total, self.delivered_total)

    @property
    def local_share(self) -> Decimal | None:
        return local_share(self.local_total, self.grand_total)

    @property
    def meets_requirement(self) -> bool | None:
        return meets_local_share(self.local_share)

    def party_share(self, row: PartyRow) -> Decimal | None:
        """A party's share of everything committed to the plan."""
        return local_share(row.total, self.grand_total)

    @property
    def party_shares(self) -> dict[int, Decimal | None]:
        return {row.party.pk: self.party_share(row) for row in self.rows}


def plan_commitment_summary(*, plan: Plan, commitments: QuerySet[Commitment] | None = None) -> CommitmentSummary:
    """Sum the plan's confirmed commitments per party and year (one query); ``commitments`` narrows
    them (e.g. to one steering group's delaftaler)."""
    years = plan.years
    rows: dict[int, PartyRow] = {}
    local_by_year = defaultdict(Decimal)
    total_by_year = defaultdict(Decimal)
    delivered_by_year = defaultdict(Decimal)
    commitments = Commitment.objects.all() if commitments is None else commitments
    for commitment in commitments.filter(plan=plan, status=Commitment.Status.CONFIRMED).select_related("party"):
        row = rows.setdefault(commitment.party_id, PartyRow(party=commitment.party, is_local=commitment.is_local))
        year = commitment.year
        row.by_year[year] = row.by_year.get(year, Decimal("0")) + commitment.amount
        row.delivered_by_year[year] = row.delivered_by_year.get(year, Decimal("0")) + commitment.delivered
        if commitment.hours:
            row.hours_by_year[year] = row.hours_by_year.get(year, Decimal("0")) + commitment.hours
        total_by_year[year] += commitment.amount
        delivered_by_year[year] += commitment.delivered
        if commitment.is_local:
            local_by_year[year] += commitment.amount
    ordered = sorted(rows.values(), key=lambda r: (not r.is_local, r.party.name))
    return CommitmentSummary(
        years=years,
        rows=ordered,
        local_by_year={year: local_by_year[year] for year in years},
        total_by_year={year: total_by_year[year] for year in years},
        delivered_by_year={year: delivered_by_year[year] for year in years},
    )


def plan_commitments(*, user, plan: Plan) -> QuerySet[Commitment]:
    """The plan's commitments the user may see, one by one (for the list under the summary)."""
    return (
        access.visible(user, Commitment)
        .filter(plan=plan)
        .select_related("party", "sub_agreement", "proposed_by")
        .order_by("-status", "year", "party__name", "form", "pk")
    )
