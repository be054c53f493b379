"""Reads for the cross-plan co-financing page (``/medfinansiering/``): the kommune's commitments per
forvaltning across all its plans (seed 004: "one forvaltning in 15 of 33 plans, 14.5 mio. kr."),
per forvaltning × year, and per forvaltning × plan × year. Scoped by ``plans.access``; summed in
the database with one grouped query whatever the number of plans."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from plans import access
from plans.models import Commitment, Organisation, Plan
from plans.selectors import shortfall

MUNICIPAL_KINDS = (Organisation.Kind.MUNICIPALITY, Organisation.Kind.DEPARTMENT)
FORMS = list(Commitment.Form)


def _zero_by_form() -> dict[str, Decimal]:
    return {form.value: Decimal("0") for form in FORMS}


@dataclass
class Figures:
    """Committed and delivered kroner, and what is missing."""

    committed: Decimal = Decimal("0")
    delivered: Decimal = Decimal("0")

    @property
    def shortfall(self) -> Decimal:
        return shortfall(self.committed, self.delivered)


@dataclass
class CofinancingLine:
    """One forvaltning's commitments to one plan in one year, by form."""

    party_id: int
    party_name: str
    municipality_name: str
    plan_id: int
    plan_name: str
    year: int
    by_form: dict[str, Decimal] = field(default_factory=_zero_by_form)
    hours: Decimal = Decimal("0")
    delivered: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return sum(self.by_form.values(), Decimal("0"))

    @property
    def shortfall(self) -> Decimal:
        return shortfall(self.total, self.delivered)


@dataclass
class CofinancingTotal:
    """One forvaltning (or the kommune itself) across every plan of its kommune the user may see."""

    party_id: int
    party_name: str
    municipality_id: int
    municipality_name: str
    plans_in_municipality: int = 0
    plan_ids: set[int] = field(default_factory=set)
    by_form: dict[str, Decimal] = field(default_factory=_zero_by_form)
    hours: Decimal = Decimal("0")
    delivered: Decimal = Decimal("0")
    by_year: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))

    @property
    def total(self) -> Decimal:
        return sum(self.by_form.values(), Decimal("0"))

    @property
    def shortfall(self) -> Decimal:
        return shortfall(self.total, self.delivered)

    @property
    def plan_count(self) -> int:
        return len(self.plan_ids)


@dataclass
class MunicipalityCofinancing:
    municipality_id: int
    name: str
    plan_count: int
    totals: list[CofinancingTotal] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((t.total for t in self.totals), Decimal("0"))

    @property
    def delivered(self) -> Decimal:
        return sum((t.delivered for t in self.totals), Decimal("0"))

    @property
    def shortfall(self) -> Decimal:
        return sum((t.shortfall for t in self.totals), Decimal("0"))


@dataclass
class CofinancingOverview:
    lines: list[CofinancingLine]
    totals: list[CofinancingTotal]
    years: list[int]
    shown_years: list[int]
    municipalities: list[MunicipalityCofinancing]

    @property
    def grand_total(self) -> Decimal:
        return sum((t.total for t in self.totals), Decimal("0"))

    @property
    def delivered_total(self) -> Decimal:
        return sum((t.delivered for t in self.totals), Decimal("0"))

    @property
    def shortfall_total(self) -> Decimal:
        return sum((t.shortfall for t in self.totals), Decimal("0"))


def cofinancing_overview(*, user, year: int | None = None) -> CofinancingOverview:
    """Confirmed municipal commitments per forvaltning × plan × year by form (one grouped query),
    rolled up per forvaltning × year and per forvaltning, with each kommune's number of plans
    the user may see (one more grouped query)."""
    commitments = access.restrict(
        Commitment.objects.confirmed().filter(party__kind__in=MUNICIPAL_KINDS), user
    ).order_by()
    years = sorted(commitments.values_list("year", flat=True).distinct())
    if year is not None:
        commitments = commitments.filter(year=year)
    grouped = (
        commitments.values(
            "party_id",
            "party__name",
            "party__kind",
            "party__parent_id",
            "party__parent__name",
            "plan_id",
            "plan__name",
            "year",
            "form",
        )
        .annotate(amount=Sum("amount"), hours=Sum("hours"), delivered=Sum("delivered_amount"))
        .order_by("party__name", "plan__name", "year", "form")
    )
    plan_counts = {
        row["municipality_id"]: row["count"]
        for row in access.visible(user, Plan).order_by().values("municipality_id").annotate(count=Count("pk"))
    }
    lines: dict[tuple[int, int, int], CofinancingLine] = {}
    totals: dict[int, CofinancingTotal] = {}
    for row in grouped:
        is_kommune = row["party__kind"] == Organisation.Kind.MUNICIPALITY
        municipality_id = row["party_id"] if is_kommune else row["party__parent_id"]
        municipality = row["party__name"] if is_kommune else row["party__parent__name"]
        line = lines.setdefault(
            (row["party_id"], row["plan_id"], row["year"]),
            CofinancingLine(
                row["party_id"], row["party__name"], municipality, row["plan_id"], row["plan__name"], row["year"]
            ),
        )
        total = totals.setdefault(
            row["party_id"],
            CofinancingTotal(
                row["party_id"],
                row["party__name"],
                municipality_id,
                municipality,
                plans_in_municipality=plan_counts.get(municipality_id, 0),
            ),
        )
        amount, delivered = row["amount"] or Decimal("0"), row["delivered"] or Decimal("0")
        for target in (line, total):
            target.by_form[row["form"]] += amount
            target.hours += row["hours"] or 0
            target.delivered += delivered
        total.plan_ids.add(row["plan_id"])
        total.by_year[row["year"]].committed += amount
        total.by_year[row["year"]].delivered += delivered
    ordered_totals = sorted(totals.values(), key=lambda t: (t.municipality_name, -t.total, t.party_name))
    municipalities: dict[int, MunicipalityCofinancing] = {}
    for total in ordered_totals:
        municipalities.setdefault(
            total.municipality_id,
            MunicipalityCofinancing(total.municipality_id, total.municipality_name, total.plans_in_municipality),
        ).totals.append(total)
    return CofinancingOverview(
        lines=list(lines.values()),
        totals=ordered_totals,
        years=years,
        shown_years=[year] if year is not None else years,
        municipalities=list(municipalities.values()),
    )
