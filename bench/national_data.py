"""Generate a national-scale world for benchmarks: ~100 kommuner, ~150 plans (one kommune with 33).

Run inside a configured Django (see bench/dashboards.py). Deterministic (random.Random(2026)) and
bulk-inserted, so a fresh database fills in seconds. Each app adds its own part in a function
below; nothing here is used by the portal itself.
"""

import random
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from plans.models import (
    Commitment,
    FundingPeriod,
    HousingArea,
    Intervention,
    Organisation,
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
DEPARTMENTS = ["Beskæftigelse", "Børn og Unge", "Social", "Teknik og Miljø", "Kultur og Fritid"]
YEARS = range(2021, 2027)


def _plans_per_kommune(rng: random.Random) -> list[int]:
    counts = [BIG_KOMMUNE_PLANS] + [0] * (KOMMUNER - 1)
    for _ in range(PLANS - BIG_KOMMUNE_PLANS):
        counts[rng.randrange(1, KOMMUNER)] += 1
    return counts


@transaction.atomic
def generate_plans() -> dict:
    """Organisations, secretariats, plans, delaftaler, interventions and commitments; returns handles."""
    rng = random.Random(2026)
    Org = Organisation
    funder, _ = Org.objects.get_or_create(kind=Org.Kind.FUNDER, name="Landsbyggefonden")
    municipalities = Org.objects.bulk_create(
        [Org(kind=Org.Kind.MUNICIPALITY, name=f"Benchkommune {i:03d}", code=str(100 + i)) for i in range(KOMMUNER)]
    )
    departments = Org.objects.bulk_create(
        [Org(kind=Org.Kind.DEPARTMENT, name=f"{d}, {m.name}", parent=m) for m in municipalities for d in DEPARTMENTS]
    )
    departments_of = {
        m.pk: departments[i * len(DEPARTMENTS) : (i + 1) * len(DEPARTMENTS)] for i, m in enumerate(municipalities)
    }
    housing_orgs = Org.objects.bulk_create(
        [Org(kind=Org.Kind.HOUSING_ORG, name=f"Benchboligorganisation {i:03d}") for i in range(80)]
    )
    themes = list(ThematicArea.objects.filter(funding_period=FundingPeriod.P2019_2026))
    secretariats, plans, areas = [], [], []
    for m_index, count in enumerate(_plans_per_kommune(rng)):
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
    return users
