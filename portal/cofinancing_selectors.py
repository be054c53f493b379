"""Reads for the cross-plan co-financing page (``/medfinansiering/``): the kommune's commitments per
forvaltning across all its plans (seed 004: "one forvaltning in 15 of 33 plans, 14.5 mio. kr."),
per forvaltning × year, and per forvaltning × plan × year. Scoped by ``plans.access``; each table
summed in the database with one grouped query whatever the number of plans."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value, Window

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


class _ByForm:
    """Kroner committed per form (``by_form``) against ``delivered``: the total and what is missing."""

    by_form: dict[str, Decimal]
    delivered: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.by_form.values(), Decimal("0"))

    @property
    def shortfall(self) -> Decimal:
        return shortfall(self.total, self.delivered)


@dataclass
class CofinancingLine(_ByForm):
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


@dataclass
class CofinancingTotal(_ByForm):
    """One forvaltning (or the kommune itself) across every plan of its kommune the user may see."""

    party_id: int
    party_name: str
    municipality_id: int
    municipality_name: str
    plans_in_municipality: int = 0
    plan_count: int = 0  # of those plans, how many this forvaltning has committed to
    by_form: dict[str, Decimal] = field(default_factory=_zero_by_form)
    hours: Decimal = Decimal("0")
    delivered: Decimal = Decimal("0")
    by_year: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))


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
class MunicipalityOption:
    """A kommune with plans the user may see: a choice in the page's kommune filter."""

    municipality_id: int
    name: str
    plan_count: int


@dataclass
class CofinancingOverview:
    """``totals`` holds every forvaltning (the sums and the kommune roll-ups need them all);
    ``shown_totals`` and ``lines`` the first ``totals_limit`` / ``lines_limit`` of them (all when the
    limit is ``None``); ``line_count`` says how many lines there are, so the page can offer "vis alle"."""

    lines: list[CofinancingLine]
    totals: list[CofinancingTotal]
    years: list[int]
    shown_years: list[int]
    municipalities: list[MunicipalityCofinancing]
    shown_totals: list[CofinancingTotal] = field(default_factory=list)
    line_count: int = 0
    municipality_options: list[MunicipalityOption] = field(default_factory=list)
    municipality_id: int | None = None

    @property
    def grand_total(self) -> Decimal:
        return sum((t.total for t in self.totals), Decimal("0"))

    @property
    def delivered_total(self) -> Decimal:
        return sum((t.delivered for t in self.totals), Decimal("0"))

    @property
    def shortfall_total(self) -> Decimal:
        return sum((t.shortfall for t in self.totals), Decimal("0"))


def _form_sums() -> dict:
    """Each form's kroner as its own column (``form_cash`` …): the pivot done by the database."""
    return {f"form_{form.value}": Sum("amount", filter=Q(form=form.value)) for form in FORMS}


def _by_form(row: dict) -> dict[str, Decimal]:
    return {form.value: row[f"form_{form.value}"] or Decimal("0") for form in FORMS}


def _municipality_of(row: dict) -> tuple[int, str]:
    """A commitment's kommune: the party itself, or the forvaltning's parent."""
    if row["party__kind"] == Organisation.Kind.MUNICIPALITY:
        return row["party_id"], row["party__name"]
    return row["party__parent_id"], row["party__parent__name"]


def cofinancing_overview(
    *,
    user,
    year: int | None = None,
    municipality_id: int | None = None,
    totals_limit: int | None = None,
    lines_limit: int | None = None,
) -> CofinancingOverview:
    """Confirmed municipal commitments per forvaltning, per forvaltning × year and per forvaltning ×
    plan × year, each table summed by the database in one grouped query (the forms pivoted into
    columns there), whatever the number of plans; a fixed number of queries in all.

    ``municipality_id`` narrows to one kommune (ignored unless the user may see one of its plans);
    ``totals_limit`` and ``lines_limit`` cut the per-forvaltning tables and the per-plan lines to
    their first rows (the page's top-N with "vis alle"); the sums always cover everything.
    """
    commitments = access.restrict(
        Commitment.objects.confirmed().filter(party__kind__in=MUNICIPAL_KINDS), user
    ).order_by()
    options = [
        MunicipalityOption(row["municipality_id"], row["municipality__name"], row["count"])
        for row in access.visible(user, Plan)
        .order_by()
        .values("municipality_id", "municipality__name")
        .annotate(count=Count("pk"))
        .order_by("municipality__name", "municipality_id")
    ]
    plan_counts = {option.municipality_id: option.plan_count for option in options}
    if municipality_id not in plan_counts:
        municipality_id = None
    if municipality_id is not None:
        commitments = commitments.filter(Q(party_id=municipality_id) | Q(party__parent_id=municipality_id))
    years = sorted(commitments.values_list("year", flat=True).distinct())
    if year is not None:
        commitments = commitments.filter(year=year)
    party = ("party_id", "party__name", "party__kind", "party__parent_id", "party__parent__name")
    sums = {**_form_sums(), "hours": Sum("hours"), "delivered": Sum("delivered_amount")}
    totals: list[CofinancingTotal] = []
    for row in commitments.values(*party).annotate(**sums, plans=Count("plan_id", distinct=True)):
        kommune_id, kommune = _municipality_of(row)
        totals.append(
            CofinancingTotal(
                row["party_id"],
                row["party__name"],
                kommune_id,
                kommune,
                plans_in_municipality=plan_counts.get(kommune_id, 0),
                plan_count=row["plans"],
                by_form=_by_form(row),
                hours=row["hours"] or Decimal("0"),
                delivered=row["delivered"] or Decimal("0"),
            )
        )
    totals.sort(key=lambda t: (t.municipality_name, -t.total, t.party_name, t.party_id))
    shown_totals = totals if totals_limit is None else totals[:totals_limit]
    per_year = commitments.values("party_id", "year").annotate(
        committed=Sum("amount"), delivered=Sum("delivered_amount")
    )
    if totals_limit is not None and len(totals) > totals_limit:
        per_year = per_year.filter(party_id__in=[t.party_id for t in shown_totals])
    by_party = {t.party_id: t for t in totals}
    for row in per_year:
        figures = by_party[row["party_id"]].by_year[row["year"]]
        figures.committed += row["committed"] or Decimal("0")
        figures.delivered += row["delivered"] or Decimal("0")
    grouped = (
        commitments.values(*party, "plan_id", "plan__name", "year")
        .annotate(**sums, line_count=Window(Count(Value(1))))  # COUNT(1) OVER (): the groups, before LIMIT
        .order_by("party__name", "party_id", "plan__name", "plan_id", "year")
    )
    rows = list(grouped if lines_limit is None else grouped[:lines_limit])
    line_count = rows[0]["line_count"] if rows else 0
    lines = [
        CofinancingLine(
            row["party_id"],
            row["party__name"],
            _municipality_of(row)[1],
            row["plan_id"],
            row["plan__name"],
            row["year"],
            by_form=_by_form(row),
            hours=row["hours"] or Decimal("0"),
            delivered=row["delivered"] or Decimal("0"),
        )
        for row in rows
    ]
    municipalities: dict[int, MunicipalityCofinancing] = {}
    for total in totals:
        municipalities.setdefault(
            total.municipality_id,
            MunicipalityCofinancing(total.municipality_id, total.municipality_name, total.plans_in_municipality),
        ).totals.append(total)
    return CofinancingOverview(
        lines=lines,
        totals=totals,
        years=years,
        shown_years=[year] if year is not None else years,
        municipalities=list(municipalities.values()),
        shown_totals=shown_totals,
        line_count=line_count,
        municipality_options=options,
        municipality_id=municipality_id,
    )
