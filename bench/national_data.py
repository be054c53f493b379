"""Build a national-scale world for ``manage.py bench``: at 100 % ~100 kommuner, 150 plans (one
kommune with 33), 4 delaftaler per plan, 10–30 goals per plan (strategic goals and delmål), ~3,000
indicators with ~100,000 approved measurements, a board and a steering group per plan with real
meeting histories (agendas, decisions, action items, send-outs), finished status reports and LBF
area statistics. ``scale`` (0.1, 0.5, 1.0) shrinks every count but the shape of a plan.

Deterministic (``random.Random``) and bulk-inserted, so a fresh database fills in seconds. Nothing
is left queued: every status report is finished and every send-out sent, so a worker or
``generate_reports --wait`` afterwards has nothing to pick up. Meetings are placed relative to
today, so some are always upcoming. Nothing here is used by the portal itself.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from common.periods import parse_period
from governance.bodies.models import Body
from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting, SendOut
from governance.reports.models import StatusReport
from monitoring.models import AreaStatistic, Goal, Indicator, Measurement, Target
from monitoring.services import statuses_refresh
from plans.models import (
    Commitment,
    FundingPeriod,
    HousingArea,
    Intervention,
    Organisation,
    Person,
    Plan,
    Role,
    RoleAssignment,
    Secretariat,
    SubAgreement,
    ThematicArea,
)

KOMMUNER = 100
PLANS = 150
BIG_KOMMUNE_PLANS = 33  # Copenhagen had 33 plans (seed 004)
SIZES = {"small": 0.1, "medium": 0.5, "national": 1.0}


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


DEPARTMENTS = ["Beskæftigelse", "Børn og Unge", "Social", "Teknik og Miljø", "Kultur og Fritid"]
YEARS = range(2021, 2027)


def _plans_per_kommune(rng: random.Random, scale: float) -> list[int]:
    kommuner, plans = scaled(KOMMUNER, scale), scaled(PLANS, scale)
    counts = [scaled(BIG_KOMMUNE_PLANS, scale)] + [0] * (kommuner - 1)
    for _ in range(plans - counts[0]):
        counts[rng.randrange(1, kommuner) if kommuner > 1 else 0] += 1
    return counts


@transaction.atomic
def generate_plans(scale: float = 1.0) -> dict:
    """Organisations, secretariats, plans, delaftaler, interventions and commitments; returns handles."""
    rng = random.Random(2026)
    Org = Organisation
    funder, _ = Org.objects.get_or_create(kind=Org.Kind.FUNDER, name="Landsbyggefonden")
    municipalities = Org.objects.bulk_create(
        [
            Org(kind=Org.Kind.MUNICIPALITY, name=f"Benchkommune {i:03d}", code=str(100 + i))
            for i in range(scaled(KOMMUNER, scale))
        ]
    )
    departments = Org.objects.bulk_create(
        [Org(kind=Org.Kind.DEPARTMENT, name=f"{d}, {m.name}", parent=m) for m in municipalities for d in DEPARTMENTS]
    )
    departments_of = {
        m.pk: departments[i * len(DEPARTMENTS) : (i + 1) * len(DEPARTMENTS)] for i, m in enumerate(municipalities)
    }
    housing_orgs = Org.objects.bulk_create(
        [Org(kind=Org.Kind.HOUSING_ORG, name=f"Benchboligorganisation {i:03d}") for i in range(scaled(80, scale))]
    )
    themes = list(ThematicArea.objects.filter(funding_period=FundingPeriod.P2019_2026))
    secretariats, plans, areas = [], [], []
    for m_index, count in enumerate(_plans_per_kommune(rng, scale)):
        if not count:
            continue
        municipality = municipalities[m_index]
        secretariats.append(Secretariat(name=f"Sekretariat {municipality.name}", municipality=municipality))
        for p in range(count):
            plans.append(
                Plan(
                    name=f"Benchplan {municipality.code}-{p:02d}",
                    municipality=municipality,
                    funding_period=FundingPeriod.P2019_2026,
                    start_date=date(2021, 1, 1),
                    end_date=date(2026, 12, 31),
                    phase=Plan.Phase.ACTIVE,
                )
            )
            areas.append(
                HousingArea(
                    name=f"Område {municipality.code}-{p:02d}",
                    code=f"B{municipality.code}-{p:02d}",
                    municipality=municipality,
                )
            )
    Secretariat.objects.bulk_create(secretariats)
    secretariat_of = {s.municipality_id: s for s in secretariats}
    for plan in plans:
        plan.secretariat = secretariat_of[plan.municipality_id]
    Plan.objects.bulk_create(plans)
    HousingArea.objects.bulk_create(areas)
    Plan.areas.through.objects.bulk_create(
        [Plan.areas.through(plan_id=plan.pk, housingarea_id=area.pk) for plan, area in zip(plans, areas, strict=True)]
    )
    Plan.housing_organisations.through.objects.bulk_create(
        [
            Plan.housing_organisations.through(plan_id=plan.pk, organisation_id=rng.choice(housing_orgs).pk)
            for plan in plans
        ]
    )
    sub_agreements = SubAgreement.objects.bulk_create(
        [
            SubAgreement(plan=plan, thematic_area=theme, title=f"Delaftale: {theme.name}")
            for plan in plans
            for theme in themes
        ]
    )
    interventions = Intervention.objects.bulk_create(
        [
            Intervention(
                sub_agreement=sa,
                name=f"Indsats {n} – {sa.title}",
                description="Benchmark-indsats",
                responsible_partner=rng.choice(departments_of[sa.plan.municipality_id]),
                status=Intervention.Status.RUNNING,
            )
            for sa in sub_agreements
            for n in range(3)
        ]
    )
    commitments = []
    for plan in plans:
        for year in YEARS:
            commitments.append(
                Commitment(party=funder, plan=plan, year=year, form=Commitment.Form.CASH, amount=Decimal(3_000_000))
            )
            for department, form in zip(departments_of[plan.municipality_id], Commitment.Form, strict=False):
                commitments.append(
                    Commitment(
                        party=department,
                        plan=plan,
                        year=year,
                        form=form,
                        amount=Decimal(rng.randrange(100, 400) * 1000),
                        hours=Decimal(200),
                    )
                )
    Commitment.objects.bulk_create(commitments)
    return {
        "municipalities": municipalities,
        "plans": plans,
        "secretariats": secretariats,
        "sub_agreements": sub_agreements,
        "interventions": interventions,
        "commitments": commitments,
        "plan_of_sub_agreement": {sa.pk: sa.plan_id for sa in sub_agreements},
    }


def bench_users(world: dict) -> dict:
    """One user per role on the busiest kommune (the one with 33 plans)."""
    User = get_user_model()
    big = world["municipalities"][0]
    secretariat = next(s for s in world["secretariats"] if s.municipality_id == big.pk)
    users = {}
    for username, role, scope in [
        ("bench-koordinator", Role.MUNICIPAL_COORDINATOR, {"organisation": big}),
        ("bench-sekretariatsleder", Role.SECRETARIAT_LEAD, {"secretariat": secretariat}),
    ]:
        users[username] = User.objects.create_user(username)
        RoleAssignment.objects.create(user=users[username], role=role, **scope)
    users["bench-admin"] = User.objects.create_superuser("bench-admin", "bench@example.invalid", None)
    users["bench-bestyrelse"] = User.objects.create_user("bench-bestyrelse")
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=users["bench-bestyrelse"], role=Role.BOARD_MEMBER, plan=plan)
            for plan in world["plans"]
            if plan.municipality_id == big.pk
        ]
    )
    return users


# --- målstyring: 10–30 goals and ~20 indicators per plan, ~100,000 measurements, area statistics --------

STRATEGIC_GOALS = 4
SUB_GOALS_PER_SUB_AGREEMENT = (2, 4)  # 4 delaftaler × 2–4 delmål + 4 strategic = 12–20 goals
INDICATORS_PER_GOAL = (1, 2)  # ~20 indicators per plan, ~3,000 at 150 plans
MEASUREMENTS = 100_000
LBF_CODES = ["BESKAEFTIGELSE", "KARAKTER_DA_MA"]


def _quarters(count: int, last_year: int = 2026, last_quarter: int = 3) -> list[str]:
    labels, year, quarter = [], last_year, last_quarter
    for _ in range(count):
        labels.append(f"{year}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return labels[::-1]


@transaction.atomic
def generate_monitoring(world: dict, scale: float = 1.0) -> dict:
    """Strategic goals and delmål, indicators (each following one intervention), targets, approved
    measurements and LBF area statistics for every area, kommune and the country."""
    rng = random.Random(2027)
    plans = world["plans"]
    strategic = Goal.objects.bulk_create(
        [
            Goal(plan=plan, level=Goal.Level.STRATEGIC, title=f"Strategisk mål {g + 1}", position=g)
            for plan in plans
            for g in range(STRATEGIC_GOALS)
        ]
    )
    strategic_of: dict[int, list[Goal]] = {}
    for goal in strategic:
        strategic_of.setdefault(goal.plan_id, []).append(goal)
    sub_goals = []
    for sa in world["sub_agreements"]:
        plan_id = world["plan_of_sub_agreement"][sa.pk]
        for n in range(rng.randint(*SUB_GOALS_PER_SUB_AGREEMENT)):
            sub_goals.append(
                Goal(
                    plan_id=plan_id,
                    level=Goal.Level.SUB,
                    sub_agreement=sa,
                    contributes_to=rng.choice(strategic_of[plan_id]),
                    title=f"Delmål {n + 1} – {sa.title}",
                    position=n,
                )
            )
    goals = strategic + Goal.objects.bulk_create(sub_goals)
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                goal=goal,
                name=f"Indikator {i + 1} for {goal.title}",
                unit="%",
                direction=Indicator.Direction.HIGHER_IS_BETTER,
                data_source=Indicator.DataSource.MUNICIPALITY,
                frequency=Indicator.Frequency.QUARTERLY,
                baseline_value=Decimal(40),
                baseline_date=date(2018, 7, 1),
                position=i,
            )
            for goal in goals
            for i in range(rng.randint(*INDICATORS_PER_GOAL))
        ]
    )
    interventions_of: dict[int, list] = {}
    for intervention in world["interventions"]:
        interventions_of.setdefault(world["plan_of_sub_agreement"][intervention.sub_agreement_id], []).append(
            intervention
        )
    plan_of_goal = {goal.pk: goal.plan_id for goal in goals}
    Indicator.interventions.through.objects.bulk_create(
        [
            Indicator.interventions.through(
                indicator_id=indicator.pk,
                intervention_id=rng.choice(interventions_of[plan_of_goal[indicator.goal_id]]).pk,
            )
            for indicator in indicators
        ]
    )
    Target.objects.bulk_create(
        [
            Target(indicator=i, value=Decimal(v), due_date=d)
            for i in indicators
            for v, d in ((50, date(2022, 12, 31)), (60, date(2026, 12, 31)))
        ]
    )
    base, extra = divmod(scaled(MEASUREMENTS, scale), len(indicators))
    parsed = {label: parse_period(label) for label in _quarters(base + 1)}
    measurements = []
    for index, indicator in enumerate(indicators):
        labels = _quarters(base + (1 if index < extra else 0))
        level = Decimal(40)
        for label in labels:
            level += Decimal(rng.randrange(-5, 12)) / 10
            period = parsed[label]
            measurements.append(
                Measurement(
                    indicator=indicator,
                    period=label,
                    period_start=period.start,
                    period_end=period.end,
                    value=level,
                    status=Measurement.Status.APPROVED,
                    approved_at=timezone.make_aware(datetime.combine(period.end + timedelta(days=21), time(10))),
                )
            )
    Measurement.objects.bulk_create(measurements, batch_size=5000)
    half_years = [f"{y}-H{h}" for y in range(2019, 2027) for h in (1, 2)]
    areas = list(HousingArea.objects.filter(plans__in=plans).distinct())
    scopes = (
        [(AreaStatistic.Scope.AREA, a, None) for a in areas]
        + [(AreaStatistic.Scope.MUNICIPALITY, None, m) for m in world["municipalities"]]
        + [(AreaStatistic.Scope.COUNTRY, None, None)]
    )
    statistics = []
    for code in LBF_CODES:
        for scope, area, municipality in scopes:
            value = Decimal(rng.randrange(300, 700)) / 10
            for label in half_years:
                period = parse_period(label)
                value += Decimal(rng.randrange(-10, 15)) / 10
                statistics.append(
                    AreaStatistic(
                        scope=scope,
                        area=area,
                        municipality=municipality,
                        indicator_code=code,
                        period=label,
                        period_start=period.start,
                        period_end=period.end,
                        value=value,
                    )
                )
    # ignore_conflicts: built in place (the test suite's smoke run) the country's figures may exist already
    AreaStatistic.objects.bulk_create(statistics, batch_size=5000, ignore_conflicts=True)
    statuses_refresh()  # the stored goal and indicator status, as the services keep it
    return {"goals": goals, "indicators": indicators, "measurements": len(measurements), "statistics": len(statistics)}


# --- governance: boards, meetings, decisions, 5,000 action items, status reports -----------------

MEETINGS = {Body.Kind.BOARD: (8, 6), Body.Kind.STEERING_GROUP: (6, 4)}  # (meetings, of which held)
STEERING_GROUPS_PER_PLAN = 2  # each responsible for two of the plan's four delaftaler
ITEMS_PER_MEETING = 3
ACTION_ITEMS = 5_000
REPORT_QUARTERS = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


@transaction.atomic
def generate_governance(world: dict, scale: float = 1.0) -> dict:
    rng = random.Random(2028)
    plans = world["plans"]
    now = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    today = timezone.localdate()
    bodies = [Body(plan=plan, kind=Body.Kind.BOARD, name=f"Bestyrelsen for {plan.name}") for plan in plans]
    bodies += [
        Body(plan=plan, kind=Body.Kind.STEERING_GROUP, name=f"Styregruppe {g + 1}")
        for plan in plans
        for g in range(STEERING_GROUPS_PER_PLAN)
    ]
    bodies = Body.objects.bulk_create(bodies)
    boards = [body for body in bodies if body.kind == Body.Kind.BOARD]
    sub_agreements_of: dict[int, list] = {}
    for sa in world["sub_agreements"]:
        sub_agreements_of.setdefault(world["plan_of_sub_agreement"][sa.pk], []).append(sa)
    group_number: dict[int, int] = {}
    links = []
    for body in bodies:
        if body.kind == Body.Kind.STEERING_GROUP:
            n = group_number[body.plan_id] = group_number.get(body.plan_id, -1) + 1
            links += [
                Body.sub_agreements.through(body_id=body.pk, subagreement_id=sa.pk)
                for sa in sub_agreements_of[body.plan_id][2 * n : 2 * n + 2]
            ]
    Body.sub_agreements.through.objects.bulk_create(links)
    people = Person.objects.bulk_create(
        [
            Person(name=f"Benchperson {plan.pk}-{n}", email=f"p{plan.pk}-{n}@example.invalid")
            for plan in plans
            for n in range(4)
        ]
    )
    people_of = {plan.pk: people[i * 4 : (i + 1) * 4] for i, plan in enumerate(plans)}
    meetings = []
    for body in bodies:
        count, held = MEETINGS[body.kind]
        for m in range(count):
            starts = now + timedelta(days=60 * (m - held + 1) + 3)
            meetings.append(
                Meeting(
                    body=body,
                    title=f"Møde {m + 1} i {body.name}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    location="Beboerhuset",
                    status=Meeting.Status.MINUTES_APPROVED if m < held else Meeting.Status.PLANNED,
                    agenda_sent_at=starts - timedelta(days=14) if m <= held else None,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=5000)
    SendOut.objects.bulk_create(
        [
            SendOut(
                meeting=meeting,
                state=SendOut.State.DONE,
                sent_at=meeting.agenda_sent_at,
                pack="moedepakker/bench.pdf",
            )
            for meeting in meetings
            if meeting.agenda_sent_at
        ]
    )
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, position=n + 1, title=f"Punkt {n + 1}")
            for meeting in meetings
            for n in range(ITEMS_PER_MEETING)
        ]
    )
    decided = [item for item in items if item.meeting.starts_at < now]
    decisions = Decision.objects.bulk_create(
        [Decision(agenda_item=item, text=f"Bestyrelsen besluttede {item.title.lower()}.") for item in decided]
    )
    plan_of_board = {body.pk: body.plan_id for body in bodies}
    actions = []
    for n in range(scaled(ACTION_ITEMS, scale)):
        decision = decisions[n % len(decisions)]
        plan_id = plan_of_board[decision.agenda_item.meeting.body_id]
        status = rng.choices(list(ActionItem.Status), weights=[5, 4, 1])[0]
        actions.append(
            ActionItem(
                decision=decision,
                title=f"Handling {n + 1}",
                owner=rng.choice(people_of[plan_id]),
                due_date=today + timedelta(days=rng.randrange(-90, 120)),
                status=status,
            )
        )
    ActionItem.objects.bulk_create(actions, batch_size=5000)
    reports = [
        StatusReport(
            plan=plan,
            period=period,
            kind=kind,
            version=1,
            state=StatusReport.State.DONE,
            pdf=f"reports/plan-{plan.pk}/{period}-{kind}-v1.pdf",
            requested_via=StatusReport.Via.BEAT,
        )
        for plan in plans
        for period in REPORT_QUARTERS
        for kind in StatusReport.Kind.values
    ]
    StatusReport.objects.bulk_create(reports, batch_size=5000)
    return {
        "boards": boards,
        "bodies": bodies,
        "meetings": meetings,
        "decisions": decisions,
        "actions": len(actions),
        "reports": len(reports),
    }
