"""Demo målstyring for the demo world (see plans.demo): goals, indicators, measurements, LBF data.

Idempotent: everything is found by natural keys and only what is missing is created. Values are
deterministic (``random.Random`` seeded per plan and indicator) and follow a scenario per
indicator so the demo shows every status: on track, at risk, off track, a target already reached
and one indicator per plan without data. Measurements run up to ``DEMO_UNTIL``.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from common.periods import HALF_YEARLY, QUARTERLY, YEARLY, parse_period
from plans.demo import INTERVENTIONS, DemoWorld
from plans.models import HousingArea, Plan, SubAgreement

from .models import AreaStatistic, Goal, Indicator, Measurement, Milestone, Target
from .services import lbf_measurements_sync, statuses_refresh

DEMO_UNTIL = date(2026, 6, 30)
FIRST_LBF_YEAR = 2019

# scenario -> share of the expected progress the latest measurement shows
SCENARIOS = {
    "on_track": Decimal("1.05"),
    "at_risk": Decimal("0.75"),
    "off_track": Decimal("0.3"),
    "reached": None,
}

H, L = Indicator.Direction.HIGHER_IS_BETTER, Indicator.Direction.LOWER_IS_BETTER
S = Indicator.DataSource


@dataclass
class IndicatorSpec:
    name: str
    unit: str
    direction: str
    source: str
    frequency: str
    baseline: Decimal | None = None
    target: Decimal | None = None
    scenario: str = "on_track"  # or "no_data"
    lbf_code: str = ""
    definition: str = ""
    breakdown: str = ""


@dataclass
class GoalSpec:
    title: str
    thematic_area: str
    kind: str
    theory: str
    indicators: list[IndicatorSpec]
    sub_goal: "GoalSpec | None" = None
    milestones: list[tuple[str, int, bool]] = field(default_factory=list)  # title, years after start, done


def _d(value) -> Decimal:
    return Decimal(str(value))


GOALS = [
    GoalSpec(
        "Flere børn og unge gennemfører en uddannelse",
        "Uddannelse og livschancer",
        Goal.Kind.IMPACT,
        "Når børn får lektiehjælp, og forældre støttes i skolesamarbejdet, stiger karaktererne, og flere "
        "unge kan gå direkte videre i en ungdomsuddannelse.",
        [
            IndicatorSpec(
                "Karaktergennemsnit i dansk og matematik, 9. klasse",
                "karakter",
                H,
                S.LBF,
                HALF_YEARLY,
                lbf_code="KARAKTER_DA_MA",
                definition="LBF's boligsociale data: gennemsnit af afgangsprøverne.",
            ),
            IndicatorSpec(
                "Andel 18–24-årige i gang med eller færdige med en ungdomsuddannelse",
                "%",
                H,
                S.MUNICIPALITY,
                YEARLY,
                _d(58),
                _d(68),
                "at_risk",
            ),
        ],
        GoalSpec(
            "Flere elever bruger lektiecaféen fast",
            "Uddannelse og livschancer",
            Goal.Kind.ACTIVITY,
            "Fast fremmøde giver ro til lektierne og en voksen at spørge.",
            [
                IndicatorSpec(
                    "Antal faste deltagere i lektiecaféen",
                    "antal",
                    H,
                    S.HOUSING_ORG,
                    QUARTERLY,
                    _d(25),
                    _d(45),
                    "on_track",
                ),
                IndicatorSpec(
                    "Andel deltagere der trives bedre i skolen",
                    "%",
                    H,
                    S.SURVEY,
                    YEARLY,
                    _d(55),
                    _d(70),
                    "reached",
                ),
            ],
        ),
        [
            ("Forandringsteori godkendt af bestyrelsen", 0, True),
            ("Midtvejsevaluering af lektiecaféen", 3, False),
        ],
    ),
    GoalSpec(
        "Flere voksne kommer i job eller uddannelse",
        "Beskæftigelse",
        Goal.Kind.IMPACT,
        "Jobcafé og virksomhedspraktik med mentor bringer ledige tættere på arbejdsmarkedet; unge med "
        "fritidsjob får erfaring og netværk.",
        [
            IndicatorSpec(
                "Andel 16–64-årige i beskæftigelse",
                "%",
                H,
                S.LBF,
                HALF_YEARLY,
                lbf_code="BESKAEFTIGELSE",
                definition="LBF's boligsociale data: andel i ordinær beskæftigelse.",
            ),
            IndicatorSpec(
                "Beboere i ordinært job efter jobcaféforløb (akkumuleret)",
                "antal",
                H,
                S.MUNICIPALITY,
                QUARTERLY,
                _d(0),
                _d(120),
                "off_track",
            ),
        ],
        GoalSpec(
            "Flere unge har et fritidsjob",
            "Beskæftigelse",
            Goal.Kind.OUTCOME,
            "Et fritidsjob giver unge rutiner, egne penge og en reference.",
            [
                IndicatorSpec(
                    "Unge 13–17 år med fritidsjob",
                    "antal",
                    H,
                    S.HOUSING_ORG,
                    QUARTERLY,
                    _d(30),
                    _d(60),
                    "on_track",
                    breakdown="Køn",
                ),
                IndicatorSpec(
                    "Andel unge der stadig har fritidsjob efter 6 måneder",
                    "%",
                    H,
                    S.SURVEY,
                    YEARLY,
                    _d(50),
                    _d(70),
                    "no_data",
                ),
            ],
        ),
        [("Jobcaféen åbner i boligområdet", 0, True)],
    ),
    GoalSpec(
        "Beboerne føler sig trygge i området",
        "Kriminalitetsforebyggelse",
        Goal.Kind.OUTCOME,
        "Synlige voksne på gaden om aftenen og beboernes egne tryghedsvandringer mindsker hærværk og "
        "utryghed; færre unge havner i kriminalitet.",
        [
            IndicatorSpec(
                "Andel unge 15–20 år sigtet for overtrædelse af straffeloven",
                "%",
                L,
                S.LBF,
                HALF_YEARLY,
                lbf_code="SIGTEDE_UNGE",
                definition="LBF's boligsociale data: andel sigtede blandt unge 15–20 år.",
            ),
            IndicatorSpec(
                "Andel beboere der føler sig trygge om aftenen",
                "%",
                H,
                S.SURVEY,
                YEARLY,
                _d(62),
                _d(75),
                "on_track",
            ),
        ],
        GoalSpec(
            "Færre hærværkssager i afdelingerne",
            "Kriminalitetsforebyggelse",
            Goal.Kind.OUTCOME,
            "Gadeplansteamet er til stede, når hærværket typisk sker.",
            [
                IndicatorSpec(
                    "Anmeldte hærværkssager pr. kvartal",
                    "antal",
                    L,
                    S.HOUSING_ORG,
                    QUARTERLY,
                    _d(48),
                    _d(30),
                    "on_track",
                ),
                IndicatorSpec(
                    "Tryghedsvandringer med beboere pr. kvartal",
                    "antal",
                    H,
                    S.HOUSING_ORG,
                    QUARTERLY,
                    _d(2),
                    _d(6),
                    "off_track",
                ),
            ],
        ),
        [("Gadeplansteamet i gang aften og weekend", 0, True), ("Tryghedsmåling gentaget", 2, True)],
    ),
    GoalSpec(
        "Flere beboere deltager i fællesskaber og beboerdemokrati",
        "Sammenhængskraft og medborgerskab",
        Goal.Kind.OUTCOME,
        "Fællesspisning og foreningsguiden åbner døre; den der kommer én gang, kommer igen og tager ansvar.",
        [
            IndicatorSpec(
                "Aktive frivillige i boligområdet",
                "antal",
                H,
                S.HOUSING_ORG,
                HALF_YEARLY,
                _d(40),
                _d(80),
                "on_track",
            ),
            IndicatorSpec(
                "Fremmøde på afdelingsmøder (andel husstande)",
                "%",
                H,
                S.HOUSING_ORG,
                YEARLY,
                _d(8),
                _d(15),
                "at_risk",
            ),
        ],
        GoalSpec(
            "Flere børn går til en fritidsaktivitet",
            "Sammenhængskraft og medborgerskab",
            Goal.Kind.OUTCOME,
            "Foreningsguiden følger barnet de første gange og hjælper forældrene med kontingent og udstyr.",
            [
                IndicatorSpec(
                    "Andel børn 6–16 år i en forening",
                    "%",
                    H,
                    S.MUNICIPALITY,
                    YEARLY,
                    _d(45),
                    _d(60),
                    "off_track",
                ),
                IndicatorSpec(
                    "Børn hjulpet i gang via foreningsguiden (akkumuleret)",
                    "antal",
                    H,
                    S.OTHER,
                    QUARTERLY,
                    _d(0),
                    _d(80),
                    "on_track",
                ),
            ],
        ),
    ),
    GoalSpec(
        "Færre børn mister kontakten til skolen",
        "Uddannelse og livschancer",
        Goal.Kind.OUTCOME,
        "Tidlig kontakt til familier med højt fravær og et forældrenetværk om skolestart holder børnene i skole.",
        [
            IndicatorSpec(
                "Andel elever med over 15 % fravær",
                "%",
                L,
                S.MUNICIPALITY,
                HALF_YEARLY,
                _d(22),
                _d(14),
                "off_track",
            ),
            IndicatorSpec(
                "Forældre i forældrenetværket",
                "antal",
                H,
                S.HOUSING_ORG,
                QUARTERLY,
                _d(10),
                _d(40),
                "at_risk",
            ),
        ],
        GoalSpec(
            "Forældre deltager i skolestartsnetværket",
            "Uddannelse og livschancer",
            Goal.Kind.ACTIVITY,
            "Forældre der kender skolen og hinanden, støtter barnets skolestart.",
            [
                IndicatorSpec(
                    "Deltagende familier pr. halvår",
                    "antal",
                    H,
                    S.OTHER,
                    HALF_YEARLY,
                    _d(12),
                    _d(30),
                    "on_track",
                ),
                IndicatorSpec(
                    "Andel forældre der føler sig klædt på til skolestart",
                    "%",
                    H,
                    S.SURVEY,
                    YEARLY,
                    _d(50),
                    _d(70),
                    "reached",
                ),
            ],
        ),
    ),
]
GOALS_PER_PLAN = [4, 4, 5]  # every delaftale of a plan has its goal

# LBF's boligsociale data: per indicator code, (start value, change per year) for areas, kommune, land.
LBF_SERIES = {
    "KARAKTER_DA_MA": {
        "area": (5.6, 0.05),
        "municipality": (6.7, 0.02),
        "country": (7.0, 0.01),
        "target": 0.8,
    },
    "BESKAEFTIGELSE": {"area": (47.0, 0.8), "municipality": (71.0, 0.3), "country": (75.0, 0.2), "target": 6},
    "SIGTEDE_UNGE": {
        "area": (5.8, -0.35),
        "municipality": (2.6, -0.05),
        "country": (1.9, -0.03),
        "target": -1.6,
    },
}
LBF_UNITS = {"KARAKTER_DA_MA": 1, "BESKAEFTIGELSE": 1, "SIGTEDE_UNGE": 2}  # decimals


def _periods(frequency: str, start: date, until: date) -> list[str]:
    """Every period of ``frequency`` that starts on or after ``start`` and ends by ``until``."""
    labels = []
    for year in range(start.year, until.year + 1):
        if frequency == YEARLY:
            candidates = [str(year)]
        elif frequency == HALF_YEARLY:
            candidates = [f"{year}-H1", f"{year}-H2"]
        else:
            candidates = [f"{year}-Q{q}" for q in range(1, 5)]
        for label in candidates:
            period = parse_period(label)
            if period.start >= start and period.end <= until:
                labels.append(label)
    return labels


def _round(value: Decimal, unit: str) -> Decimal:
    return value.quantize(Decimal("1") if unit == "antal" else Decimal("0.1"))


def _scenario_value(spec: IndicatorSpec, plan: Plan, on: date, noise: Decimal) -> Decimal:
    span = (plan.end_date - plan.start_date).days
    expected = Decimal((on - plan.start_date).days) / Decimal(span)
    needed = spec.target - spec.baseline
    factor = SCENARIOS[spec.scenario]
    share = min(Decimal("1.1"), expected * Decimal("1.25")) if factor is None else expected * factor
    return _round(spec.baseline + needed * (share + noise), spec.unit)


def _approved_at(period_end: date) -> datetime:
    """Demo approvals happen three weeks after the period ends (never in the future): reports for a
    meeting count what was approved by the meeting's data cut-off."""
    approved = timezone.make_aware(datetime.combine(period_end + timedelta(days=21), time(10)))
    return min(approved, timezone.now())


def _measurements(world: DemoWorld, plan: Plan, indicator: Indicator, spec: IndicatorSpec) -> None:
    if spec.scenario == "no_data" or spec.source == S.LBF:
        return
    rng = random.Random(f"measurements-{plan.name}-{spec.name}")
    first_kommune = plan.municipality.name == "Fjordby Kommune"
    enterer = world.users["demo-boligorg" if first_kommune else "demo-boligorg-2"]
    approver = world.users["demo-sekretariatsleder" if first_kommune else "demo-admin"]
    existing = set(indicator.measurements.values_list("period", "breakdown_value"))
    labels = _periods(spec.frequency, plan.start_date, DEMO_UNTIL)
    new = []
    for position, label in enumerate(labels):
        period = parse_period(label)
        last = position == len(labels) - 1
        noise = Decimal(0) if last else _d(round(rng.uniform(-0.03, 0.03), 3))
        value = _scenario_value(spec, plan, period.end, noise)
        breakdowns = [("", value)]
        if spec.breakdown and position >= len(labels) - 4:
            girls = _round(value * Decimal("0.45"), spec.unit)
            breakdowns += [("Piger", girls), ("Drenge", value - girls)]
        for breakdown, amount in breakdowns:
            if (label, breakdown) in existing:
                continue
            new.append(
                Measurement(
                    indicator=indicator,
                    period=label,
                    period_start=period.start,
                    period_end=period.end,
                    value=amount,
                    breakdown_value=breakdown,
                    source_note="Demodata",
                    status=Measurement.Status.APPROVED,
                    entered_by=enterer,
                    approved_by=approver,
                    approved_at=_approved_at(period.end),
                )
            )
    # One draft for the next period, waiting for the sekretariatsleder's approval.
    if spec.frequency == QUARTERLY and ("2026-Q3", "") not in existing:
        period = parse_period("2026-Q3")
        new.append(
            Measurement(
                indicator=indicator,
                period=period.label,
                period_start=period.start,
                period_end=period.end,
                value=_scenario_value(spec, plan, period.end, Decimal(0)),
                source_note="Demodata (kladde)",
                status=Measurement.Status.DRAFT,
                entered_by=enterer,
            )
        )
    if new:
        bulk_create_with_history(new, Measurement, default_user=enterer, default_change_reason="Demodata")


def _area_statistics(world: DemoWorld) -> None:
    areas = list(HousingArea.objects.filter(plans__in=world.plans).distinct().order_by("code"))
    municipalities = list(world.municipalities.values())
    labels = _periods(HALF_YEARLY, date(FIRST_LBF_YEAR, 1, 1), DEMO_UNTIL)
    existing = set(
        AreaStatistic.objects.filter(indicator_code__in=LBF_SERIES).values_list(
            "scope", "area_id", "municipality_id", "indicator_code", "period"
        )
    )
    scopes = (
        [(AreaStatistic.Scope.AREA, area, None, "area") for area in areas]
        + [(AreaStatistic.Scope.MUNICIPALITY, None, m, "municipality") for m in municipalities]
        + [(AreaStatistic.Scope.COUNTRY, None, None, "country")]
    )
    new = []
    for code, series in LBF_SERIES.items():
        for scope, area, municipality, kind in scopes:
            start, per_year = series[kind]
            where = area.code if area else (municipality.code if municipality else "LAND")
            rng = random.Random(f"lbf-{code}-{where}")
            offset = rng.uniform(-0.05, 0.05) * start
            for step, label in enumerate(labels):
                key = (
                    scope,
                    area.pk if area else None,
                    municipality.pk if municipality else None,
                    code,
                    label,
                )
                if key in existing:
                    continue
                period = parse_period(label)
                value = start + offset + per_year * step / 2 + rng.uniform(-0.03, 0.03) * abs(start)
                new.append(
                    AreaStatistic(
                        scope=scope,
                        area=area,
                        municipality=municipality,
                        indicator_code=code,
                        period=label,
                        period_start=period.start,
                        period_end=period.end,
                        value=_d(round(value, LBF_UNITS[code])),
                    )
                )
    if new:
        bulk_create_with_history(new, AreaStatistic, default_change_reason="Demodata (LBF)")


def _lbf_baseline(plan: Plan, code: str) -> tuple[Decimal, date]:
    """The plan's weighted area value in the half year the plan started: the LBF indicator's baseline."""
    label = f"{plan.start_date.year}-H{1 if plan.start_date.month <= 6 else 2}"
    areas = {area.pk: area.residents or 1 for area in plan.areas.all()}
    stats = AreaStatistic.objects.filter(
        scope=AreaStatistic.Scope.AREA, area_id__in=areas, indicator_code=code, period=label
    )
    total = sum(areas[s.area_id] for s in stats)
    value = sum(s.value * areas[s.area_id] for s in stats) / total
    return value.quantize(Decimal("0.01")), plan.start_date


def _indicator(goal: Goal, plan: Plan, spec: IndicatorSpec, position: int) -> tuple[Indicator, bool]:
    defaults = {
        "unit": spec.unit,
        "direction": spec.direction,
        "data_source": spec.source,
        "frequency": spec.frequency,
        "definition": spec.definition,
        "breakdown_dimension": spec.breakdown,
        "lbf_indicator_code": spec.lbf_code,
        "position": position,
    }
    if spec.source == S.LBF:
        baseline, baseline_date = _lbf_baseline(plan, spec.lbf_code)
        target = baseline + _d(LBF_SERIES[spec.lbf_code]["target"])
    else:
        baseline, baseline_date, target = spec.baseline, plan.start_date, spec.target
    defaults.update({"baseline_value": baseline, "baseline_date": baseline_date})
    indicator, created = Indicator.objects.get_or_create(goal=goal, name=spec.name, defaults=defaults)
    mid = date(plan.start_date.year + 2, 12, 31)
    share = Decimal((mid - baseline_date).days) / Decimal((plan.end_date - baseline_date).days)
    for due, value in ((mid, baseline + (target - baseline) * share), (plan.end_date, target)):
        Target.objects.get_or_create(
            indicator=indicator, due_date=due, defaults={"value": value.quantize(Decimal("0.01"))}
        )
    return indicator, created


def _goal(plan: Plan, spec: GoalSpec, position: int, level: str, parent: Goal | None) -> Goal:
    sub_agreement = None
    if level == Goal.Level.SUB:
        sub_agreement = SubAgreement.objects.get(plan=plan, thematic_area__name=spec.thematic_area)
    goal, _ = Goal.objects.get_or_create(
        plan=plan,
        title=spec.title,
        defaults={
            "level": level,
            "kind": spec.kind,
            "theory_of_change": spec.theory,
            "position": position,
            "sub_agreement": sub_agreement,
            "contributes_to": parent,
            "cooperation_agreement": plan.cooperation_agreements.order_by("version").first() if not parent else None,
        },
    )
    for title, years, done in spec.milestones:
        Milestone.objects.get_or_create(
            goal=goal,
            title=title,
            defaults={"due_date": date(plan.start_date.year + years, 12, 31), "done": done},
        )
    return goal


def _following(interventions, indicator_name: str, results: dict[str, tuple[str, ...]]) -> list:
    """The indsatser whose results this indicator shows (plans.demo names words of the indicator)."""
    name = indicator_name.lower()
    return [i for i in interventions if any(word.lower() in name for word in results.get(i.name, ()))]


def seed(world: DemoWorld) -> None:
    """Goals, indicators, targets and measurements for every demo plan, and LBF's area figures."""
    _area_statistics(world)
    lbf_indicators = []
    for index, plan in enumerate(world.plans):
        results = {spec.name: spec.results for specs in INTERVENTIONS[index].values() for spec in specs}
        for position, spec in enumerate(GOALS[: GOALS_PER_PLAN[index]]):
            strategic = _goal(plan, spec, position, Goal.Level.STRATEGIC, None)
            # The delaftale of the goal's indsatsområde (missing only if the catalogue was wiped).
            sub_agreement = SubAgreement.objects.filter(plan=plan, thematic_area__name=spec.thematic_area).first()
            pairs = [(strategic, spec)]
            if spec.sub_goal and sub_agreement:
                pairs.append((_goal(plan, spec.sub_goal, position, Goal.Level.SUB, strategic), spec.sub_goal))
            for goal, goal_spec in pairs:
                interventions = list(sub_agreement.interventions.order_by("name")) if sub_agreement else []
                for number, indicator_spec in enumerate(goal_spec.indicators):
                    indicator, created = _indicator(goal, plan, indicator_spec, number)
                    if created:
                        indicator.interventions.set(_following(interventions, indicator.name, results))
                    if indicator.is_lbf:
                        lbf_indicators.append(indicator)
                    _measurements(world, plan, indicator, indicator_spec)
    lbf_measurements_sync(indicators=lbf_indicators)
    statuses_refresh(indicator_ids=Indicator.objects.filter(goal__plan__in=world.plans).values_list("pk", flat=True))


# --- The LBF year (issue #14): obligations in every state, one of them overdue --------------------

# The one overdue obligation: (plan, kind, year offset from this year). Everything else due before
# today is submitted; this year's selvevaluering is in progress in every plan; the rest has not started.
OVERDUE = ("Helhedsplan Vestparken og Nørre Enge", "accounts", -1)


def seed_obligations(world: DemoWorld) -> None:
    from .models import Obligation
    from .obligations import obligations_generate

    today = date.today()
    for plan in world.plans:
        obligations_generate(plan=plan)
        for obligation in Obligation.objects.filter(plan=plan, state=Obligation.State.NOT_STARTED):
            overdue = (plan.name, obligation.kind, obligation.year - today.year) == OVERDUE
            if obligation.due_date < today and not overdue:
                obligation.state = Obligation.State.SUBMITTED
                obligation.submitted_on = min(obligation.due_date, today) - timedelta(days=3)
            elif overdue or (obligation.kind == "self_evaluation" and obligation.year == today.year):
                obligation.state = Obligation.State.IN_PROGRESS
            else:
                continue
            obligation.save(update_fields=["state", "submitted_on"])
