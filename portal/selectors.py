"""Reads for the portal's cross-plan pages (dashboards, co-financing, projektbank), scoped by the access rule."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from plans.access import Action, plans_for, sub_agreements_for
from plans.models import REQUIRED_LOCAL_SHARE, Commitment, Intervention, Organisation, SubAgreement, ThematicArea

MUNICIPAL_KINDS = (Organisation.Kind.MUNICIPALITY, Organisation.Kind.DEPARTMENT)
FORMS = list(Commitment.Form)


def _zero_by_form() -> dict[str, Decimal]:
    return {form.value: Decimal("0") for form in FORMS}


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


@dataclass
class CofinancingTotal:
    """One forvaltning's commitments across every plan the user may see."""

    party_id: int
    party_name: str
    municipality_name: str
    plan_ids: set[int] = field(default_factory=set)
    by_form: dict[str, Decimal] = field(default_factory=_zero_by_form)
    hours: Decimal = Decimal("0")
    delivered: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return sum(self.by_form.values(), Decimal("0"))

    @property
    def plan_count(self) -> int:
        return len(self.plan_ids)


@dataclass
class CofinancingOverview:
    lines: list[CofinancingLine]
    totals: list[CofinancingTotal]
    years: list[int]

    @property
    def grand_total(self) -> Decimal:
        return sum((t.total for t in self.totals), Decimal("0"))


def cofinancing_overview(*, user, year: int | None = None) -> CofinancingOverview:
    """Municipal commitments per forvaltning × plan × year by form, and totals per forvaltning (one query)."""
    commitments = Commitment.objects.filter(
        plan__in=plans_for(user, Action.VIEW).values("pk"), party__kind__in=MUNICIPAL_KINDS
    )
    years = sorted(set(commitments.values_list("year", flat=True).distinct()))
    if year is not None:
        commitments = commitments.filter(year=year)
    grouped = (
        commitments.values(
            "party_id", "party__name", "party__kind", "party__parent__name", "plan_id", "plan__name", "year", "form"
        )
        .annotate(amount=Sum("amount"), hours=Sum("hours"), delivered=Sum("delivered_amount"))
        .order_by("party__name", "plan__name", "year", "form")
    )
    lines: dict[tuple[int, int, int], CofinancingLine] = {}
    totals: dict[int, CofinancingTotal] = {}
    for row in grouped:
        municipality = row["party__name"] if row["party__kind"] == "municipality" else row["party__parent__name"]
        line = lines.setdefault(
            (row["party_id"], row["plan_id"], row["year"]),
            CofinancingLine(
                row["party_id"], row["party__name"], municipality, row["plan_id"], row["plan__name"], row["year"]
            ),
        )
        total = totals.setdefault(row["party_id"], CofinancingTotal(row["party_id"], row["party__name"], municipality))
        for target in (line, total):
            target.by_form[row["form"]] += row["amount"] or 0
            target.hours += row["hours"] or 0
            target.delivered += row["delivered"] or 0
        total.plan_ids.add(row["plan_id"])
    ordered_totals = sorted(totals.values(), key=lambda t: (-t.total, t.party_name))
    return CofinancingOverview(lines=list(lines.values()), totals=ordered_totals, years=years)


def intervention_search(
    *, user, text: str = "", thematic_area_id: int | None = None, partner_id: int | None = None
) -> QuerySet[Intervention]:
    """Projektbank: interventions across every delaftale the user may see (seed 000)."""
    interventions = Intervention.objects.filter(
        sub_agreement__in=sub_agreements_for(user, Action.VIEW).values("pk")
    ).select_related("sub_agreement__plan__municipality", "sub_agreement__thematic_area", "responsible_partner")
    if text:
        interventions = interventions.filter(
            Q(name__icontains=text) | Q(description__icontains=text) | Q(sub_agreement__title__icontains=text)
        )
    if thematic_area_id:
        interventions = interventions.filter(sub_agreement__thematic_area_id=thematic_area_id)
    if partner_id:
        interventions = interventions.filter(responsible_partner_id=partner_id)
    return interventions.order_by("sub_agreement__thematic_area__position", "name", "pk")


def project_bank_choices(*, user) -> dict:
    """Filter choices for the projektbank: thematic areas and the partners responsible for visible interventions."""
    visible = Intervention.objects.filter(sub_agreement__in=sub_agreements_for(user, Action.VIEW).values("pk"))
    partners = Organisation.objects.filter(pk__in=visible.values("responsible_partner")).order_by("name")
    return {"thematic_areas": ThematicArea.objects.all(), "partners": partners}


@dataclass
class PortfolioRow:
    """One plan in the koordinator's overview; each app's figures are attached by `portfolio_overview`."""

    plan: object
    local_this_year: Decimal = Decimal("0")
    total_this_year: Decimal = Decimal("0")

    @property
    def local_share_this_year(self) -> Decimal | None:
        return (self.local_this_year / self.total_this_year) if self.total_this_year else None

    @property
    def meets_local_share(self) -> bool | None:
        share = self.local_share_this_year
        return None if share is None else share >= REQUIRED_LOCAL_SHARE


PORTFOLIO_SORTS = {
    "name": lambda row: row.plan.name,
    "municipality": lambda row: (row.plan.municipality.name, row.plan.name),
    "phase": lambda row: (row.plan.phase, row.plan.name),
    "end": lambda row: (row.plan.end_date, row.plan.name),
    "local_share": lambda row: (row.local_share_this_year is None, row.local_share_this_year or 0),
}


def portfolio_overview(
    *, user, year: int, phase: str = "", thematic_area_id: int | None = None, sort: str = "name"
) -> list[PortfolioRow]:
    """'Overblik': every plan the user may see with its key figures, in a fixed number of queries."""
    plans = plans_for(user, Action.VIEW).select_related("municipality", "secretariat")
    if phase:
        plans = plans.filter(phase=phase)
    if thematic_area_id:
        plans = plans.filter(pk__in=SubAgreement.objects.filter(thematic_area_id=thematic_area_id).values("plan"))
    rows = {plan.pk: PortfolioRow(plan=plan) for plan in plans}
    money = (
        Commitment.objects.filter(plan_id__in=list(rows), year=year)
        .values("plan_id", "party__kind")
        .annotate(amount=Sum("amount"))
    )
    for item in money:
        row = rows[item["plan_id"]]
        row.total_this_year += item["amount"] or 0
        if item["party__kind"] != Organisation.Kind.FUNDER:
            row.local_this_year += item["amount"] or 0
    reverse = sort.startswith("-")
    key = PORTFOLIO_SORTS.get(sort.lstrip("-"), PORTFOLIO_SORTS["name"])
    return sorted(rows.values(), key=key, reverse=reverse)
