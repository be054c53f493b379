"""The fictitious demo world's base: kommuner, boligorganisationer, areas, plans, delaftaler, money, users.

Every function is idempotent: it finds objects by their natural keys and creates only what is
missing, so ``seed_demo`` can run any number of times. Nothing here is real data.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import (
    Commitment,
    CooperationAgreement,
    FundingPeriod,
    HousingArea,
    HousingDepartment,
    Intervention,
    Organisation,
    Person,
    Plan,
    Role,
    Secretariat,
    SubAgreement,
    ThematicArea,
)
from .services import commitment_create, commitment_delivery_add, role_assign

Kind = Organisation.Kind

FIRST_NAMES = [
    "Anne",
    "Bo",
    "Camilla",
    "Dorthe",
    "Erik",
    "Fatima",
    "Gitte",
    "Hans",
    "Ida",
    "Jens",
    "Karin",
    "Lars",
    "Mette",
    "Niels",
    "Ole",
    "Pia",
    "Rasmus",
    "Sara",
    "Tove",
    "Ulrik",
    "Vibeke",
    "Yasmin",
    "Ahmed",
    "Birgitte",
]
LAST_NAMES = [
    "Andersen",
    "Bech",
    "Christensen",
    "Dahl",
    "Eriksen",
    "Frost",
    "Holm",
    "Jensen",
    "Kjær",
    "Lund",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Poulsen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "Vestergaard",
    "Østergaard",
]


@dataclass
class PlanSpec:
    name: str
    municipality: str
    secretariat: str
    housing_orgs: list[str]
    areas: list[tuple[str, str, int]]  # name, LBF area code, residents
    start: date
    end: date
    local_share: Decimal  # the local share of the budget this demo plan is given
    lbf_per_year: int


@dataclass
class DemoWorld:
    """Handles to what the base seed made, for the other apps' seeds and for tests."""

    municipalities: dict[str, Organisation] = field(default_factory=dict)
    departments: dict[str, list[Organisation]] = field(default_factory=dict)
    housing_orgs: dict[str, Organisation] = field(default_factory=dict)
    partners: list[Organisation] = field(default_factory=list)
    funder: Organisation | None = None
    plans: list[Plan] = field(default_factory=list)
    users: dict[str, object] = field(default_factory=dict)


MUNICIPALITIES = {
    "Fjordby Kommune": (
        "901",
        [
            "Beskæftigelses- og Integrationsforvaltningen",
            "Børne- og Ungdomsforvaltningen",
            "Socialforvaltningen",
            "Teknik- og Miljøforvaltningen",
            "Kultur- og Fritidsforvaltningen",
        ],
    ),
    "Åbæk Kommune": (
        "902",
        ["Arbejdsmarkedsforvaltningen", "Børn og Unge", "Social og Sundhed"],
    ),
}
HOUSING_ORGS = {
    "Boligselskabet Fjordhjem": "Fjordby Kommune",
    "Andelsboligforeningen Solgården": "Fjordby Kommune",
    "Boligforeningen Åhave": "Åbæk Kommune",
}
PARTNERS = ["Foreningen Lektiecaféen", "Fjordby Boldklub", "Frivilligcenter Åbæk"]

PLANS = [
    PlanSpec(
        name="Helhedsplan Vestparken og Nørre Enge",
        municipality="Fjordby Kommune",
        secretariat="Områdesekretariatet Fjordby",
        housing_orgs=["Boligselskabet Fjordhjem"],
        areas=[("Vestparken", "FJ-VEST", 3100), ("Nørre Enge", "FJ-NOR", 1900)],
        start=date(2021, 1, 1),
        end=date(2026, 12, 31),
        local_share=Decimal("0.28"),
        lbf_per_year=3_600_000,
    ),
    PlanSpec(
        name="Helhedsplan Søndermarken",
        municipality="Fjordby Kommune",
        secretariat="Områdesekretariatet Fjordby",
        housing_orgs=["Boligselskabet Fjordhjem", "Andelsboligforeningen Solgården"],
        areas=[("Søndermarken", "FJ-SOE", 2400)],
        start=date(2022, 7, 1),
        end=date(2026, 12, 31),
        local_share=Decimal("0.26"),
        lbf_per_year=2_400_000,
    ),
    PlanSpec(
        name="Helhedsplan Åbæk Øst",
        municipality="Åbæk Kommune",
        secretariat="Sekretariatet Åbæk Øst",
        housing_orgs=["Boligforeningen Åhave"],
        areas=[("Åbæk Øst", "AB-OEST", 2800)],
        start=date(2020, 1, 1),
        end=date(2026, 12, 31),
        local_share=Decimal("0.23"),
        lbf_per_year=3_000_000,
    ),
]

INTERVENTIONS = {
    "Uddannelse og livschancer": [
        ("Lektiecafé for 4.–10. klasse", "partner"),
        ("Brobygning til ungdomsuddannelse", "department"),
        ("Forældrenetværk om skolestart", "department"),
    ],
    "Beskæftigelse": [
        ("Jobcafé i boligområdet", "department"),
        ("Fritidsjobindsats for unge", "housing_org"),
        ("Virksomhedspraktik med mentor", "department"),
    ],
    "Kriminalitetsforebyggelse": [
        ("Gadeplansteam aften og weekend", "department"),
        ("Tryghedsvandringer med beboere", "housing_org"),
    ],
    "Sammenhængskraft og medborgerskab": [
        ("Beboerdemokrati og frivillighed", "housing_org"),
        ("Fællesspisning og kulturaftener", "partner"),
        ("Foreningsguide for børn", "partner"),
    ],
}

DEMO_USERS = {
    # username: (first name, last name)
    "demo-sekretariatsleder": ("Signe", "Lauridsen"),
    "demo-koordinator": ("Kasper", "Brandt"),
    "demo-bestyrelse": ("Birthe", "Mortensen"),
    "demo-styregruppe": ("Søren", "Kristiansen"),
    "demo-boligorg": ("Bente", "Hjort"),
    "demo-admin": ("Anders", "Admin"),
    "demo-koordinator-2": ("Kirsten", "Aagaard"),
    "demo-boligorg-2": ("Bjarne", "Holst"),
}


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _organisations(world: DemoWorld) -> None:
    world.funder, _ = Organisation.objects.get_or_create(
        kind=Kind.FUNDER, name="Landsbyggefonden", defaults={"code": "LBF"}
    )
    for name, (code, departments) in MUNICIPALITIES.items():
        municipality, _ = Organisation.objects.get_or_create(kind=Kind.MUNICIPALITY, name=name, defaults={"code": code})
        world.municipalities[name] = municipality
        world.departments[name] = [
            Organisation.objects.get_or_create(kind=Kind.DEPARTMENT, name=f"{dep}, {name}", parent=municipality)[0]
            for dep in departments
        ]
    for name in HOUSING_ORGS:
        world.housing_orgs[name] = Organisation.objects.get_or_create(kind=Kind.HOUSING_ORG, name=name)[0]
    world.partners = [Organisation.objects.get_or_create(kind=Kind.PARTNER, name=name)[0] for name in PARTNERS]


def _plan(world: DemoWorld, spec: PlanSpec, index: int) -> Plan:
    municipality = world.municipalities[spec.municipality]
    secretariat, _ = Secretariat.objects.get_or_create(
        name=spec.secretariat,
        defaults={"municipality": municipality, "email": f"sekretariat{index}@example.invalid"},
    )
    plan, created = Plan.objects.get_or_create(
        name=spec.name,
        defaults={
            "municipality": municipality,
            "secretariat": secretariat,
            "funding_period": FundingPeriod.P2019_2026,
            "start_date": spec.start,
            "end_date": spec.end,
            "phase": Plan.Phase.ACTIVE,
            "lbf_case_number": f"LBF-{spec.start.year}-{100 + index}",
        },
    )
    if created:
        plan.full_clean()
    plan.housing_organisations.add(*(world.housing_orgs[name] for name in spec.housing_orgs))
    housing_org = world.housing_orgs[spec.housing_orgs[0]]
    for number, (area_name, code, residents) in enumerate(spec.areas, start=1):
        area, _ = HousingArea.objects.get_or_create(
            code=code, defaults={"name": area_name, "municipality": municipality, "residents": residents}
        )
        plan.areas.add(area)
        HousingDepartment.objects.get_or_create(
            housing_org=housing_org,
            number=f"{index}{number:02d}",
            defaults={"name": f"Afd. {area_name}", "area": area, "homes": residents // 2},
        )
    _agreements(plan)
    _sub_agreements(world, plan, index)
    _commitments(world, plan, spec)
    return plan


def _agreements(plan: Plan) -> None:
    approved = date(plan.start_date.year, 3, 1) if plan.start_date.month < 3 else plan.start_date
    CooperationAgreement.objects.get_or_create(
        plan=plan,
        version=1,
        defaults={
            "title": f"Strategisk samarbejdsaftale for {plan.name}",
            "vision": "Området skal være et attraktivt sted at bo, hvor børn og unge klarer sig godt i "
            "skolen, flere voksne er i job, og beboerne føler sig trygge.",
            "status": CooperationAgreement.Status.APPROVED_BY_LBF,
            "approved_by_board_on": approved,
            "approved_by_lbf_on": approved + timedelta(days=45),
        },
    )


def _sub_agreements(world: DemoWorld, plan: Plan, index: int) -> None:
    municipality_departments = world.departments[plan.municipality.name]
    housing_org = plan.housing_organisations.order_by("name").first()
    areas = ThematicArea.objects.filter(funding_period=plan.funding_period).order_by("position")
    for position, area in enumerate(areas):
        department = municipality_departments[position % len(municipality_departments)]
        sub_agreement, _ = SubAgreement.objects.get_or_create(
            plan=plan,
            title=f"Delaftale: {area.name}",
            defaults={
                "thematic_area": area,
                "description": f"Delaftalen om {area.name.lower()} fastlægger delmål, indsatser og parternes bidrag.",
            },
        )
        partner = world.partners[(index + position) % len(world.partners)]
        # The local partner is a party of the delaftale: that is what makes it a party of the plan.
        missing_parties = {department, housing_org, partner} - set(sub_agreement.parties.all())
        if missing_parties:
            sub_agreement.parties.add(*missing_parties)
        for name, responsible_kind in INTERVENTIONS[area.name]:
            responsible = {"department": department, "housing_org": housing_org, "partner": partner}[responsible_kind]
            Intervention.objects.get_or_create(
                sub_agreement=sub_agreement,
                name=name,
                defaults={
                    "responsible_partner": responsible,
                    "status": Intervention.Status.RUNNING,
                    "start_date": plan.start_date,
                    "end_date": plan.end_date,
                },
            )


# The one commitment the demo shows as not honoured: (plan, forvaltning index, year offset from this year).
SHORTFALL = ("Helhedsplan Vestparken og Nørre Enge", 1, -1)


def _commitments(world: DemoWorld, plan: Plan, spec: PlanSpec) -> None:
    """LBF's grant plus local commitments sized so the plan's local share is ``spec.local_share``,
    with deliveries: past years in full (except ``SHORTFALL``: the Børne- og Ungdomsforvaltningen's
    outposted service fell short by a fifth), this year quarter by quarter up to the last quarter ended."""
    lbf = Decimal(spec.lbf_per_year)
    local_total = (lbf * spec.local_share / (1 - spec.local_share)).quantize(Decimal("1000"))
    departments = world.departments[plan.municipality.name]
    housing_org = plan.housing_organisations.order_by("name").first()
    local_parts = [
        (departments[0], Commitment.Form.STAFF_IN_ACTIVITIES, Decimal("0.35"), 1600),
        (departments[1], Commitment.Form.OUTPOSTED_SERVICE, Decimal("0.25"), 1100),
        (departments[2 % len(departments)], Commitment.Form.MEETING_HOURS, Decimal("0.05"), 120),
        (housing_org, Commitment.Form.CASH, Decimal("0.35"), None),
    ]
    if plan.name == "Helhedsplan Søndermarken":  # a fourth forvaltning pays for the leisure activities
        local_parts.append((departments[4], Commitment.Form.STAFF_IN_ACTIVITIES, Decimal("0.05"), 300))
    today = date.today()
    for year in plan.years:
        grant, _ = Commitment.objects.get_or_create(
            party=world.funder,
            plan=plan,
            year=year,
            form=Commitment.Form.CASH,
            sub_agreement=None,
            defaults={"amount": lbf},
        )
        _deliveries(grant, today)
        for index, (party, form, part, hours) in enumerate(local_parts):
            amount = (local_total * part).quantize(Decimal("1000"))
            commitment, _ = Commitment.objects.get_or_create(
                party=party,
                plan=plan,
                year=year,
                form=form,
                sub_agreement=None,
                defaults={
                    "amount": amount,
                    "hours": hours,
                    "hourly_rate": (amount / hours).quantize(Decimal("1")) if hours else None,
                },
            )
            short = (plan.name, index, year - today.year) == SHORTFALL
            _deliveries(commitment, today, share=Decimal("0.8") if short else Decimal("1"))


def _deliveries(commitment: Commitment, today: date, share: Decimal = Decimal("1")) -> None:
    """Deliveries for a commitment without any: a past year in one payment (``share`` of it), this
    year one quarter at a time for the quarters that have ended."""
    if commitment.deliveries.exists() or commitment.year > today.year:
        return
    if commitment.year < today.year:
        payments = [(date(commitment.year, 12, 15), share)]
    else:
        quarter_ends = [date(today.year, month, 1) - timedelta(days=1) for month in (4, 7, 10)]
        payments = [(day, Decimal("0.25")) for day in quarter_ends if day <= today]
    for day, part in payments:
        if day < commitment.plan.start_date:
            continue
        commitment_delivery_add(
            commitment=commitment,
            date=day,
            amount=(commitment.amount * part).quantize(Decimal("1")),
            hours=(commitment.hours * part).quantize(Decimal("0.1")) if commitment.hours else None,
            note="Leveret som aftalt" if part == 1 or commitment.year == today.year else "Delvist leveret",
        )


def _user(username: str, password: str, **extra):
    first, last = DEMO_USERS[username]
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.invalid", **extra},
    )
    user.set_password(password)
    for key, value in extra.items():
        setattr(user, key, value)
    user.save()
    return user


def demo_person(user, organisation: Organisation, title: str) -> Person:
    person, _ = Person.objects.get_or_create(
        user=user,
        defaults={"name": user.get_full_name(), "email": user.email, "organisation": organisation, "title": title},
    )
    return person


def _users(world: DemoWorld, password: str) -> None:
    fjordby = world.municipalities["Fjordby Kommune"]
    aabaek = world.municipalities["Åbæk Kommune"]
    secretariat = Secretariat.objects.get(name="Områdesekretariatet Fjordby")
    users = world.users
    users["demo-admin"] = _user("demo-admin", password, is_staff=True, is_superuser=True)
    users["demo-sekretariatsleder"] = _user("demo-sekretariatsleder", password)
    role_assign(user=users["demo-sekretariatsleder"], role=Role.SECRETARIAT_LEAD, secretariat=secretariat)
    demo_person(users["demo-sekretariatsleder"], fjordby, "Sekretariatsleder")
    users["demo-koordinator"] = _user("demo-koordinator", password)
    role_assign(user=users["demo-koordinator"], role=Role.MUNICIPAL_COORDINATOR, organisation=fjordby)
    users["demo-koordinator-2"] = _user("demo-koordinator-2", password)
    role_assign(user=users["demo-koordinator-2"], role=Role.MUNICIPAL_COORDINATOR, organisation=aabaek)
    users["demo-boligorg"] = _user("demo-boligorg", password)
    role_assign(
        user=users["demo-boligorg"],
        role=Role.HOUSING_ORG_STAFF,
        organisation=world.housing_orgs["Boligselskabet Fjordhjem"],
    )
    users["demo-boligorg-2"] = _user("demo-boligorg-2", password)
    role_assign(
        user=users["demo-boligorg-2"],
        role=Role.HOUSING_ORG_STAFF,
        organisation=world.housing_orgs["Boligforeningen Åhave"],
    )
    # Board and steering-group roles come from memberships (governance.demo), like in real life.
    users["demo-bestyrelse"] = _user("demo-bestyrelse", password)
    users["demo-styregruppe"] = _user("demo-styregruppe", password)


@transaction.atomic
def seed(*, password: str) -> DemoWorld:
    world = DemoWorld()
    _organisations(world)
    world.plans = [_plan(world, spec, index) for index, spec in enumerate(PLANS, start=1)]
    _users(world, password)
    _proposal(world)
    return world


def _proposal(world: DemoWorld) -> None:
    """A sekretariatsleder's proposal the kommunal koordinator has not yet confirmed."""
    plan = world.plans[0]
    party = world.departments[plan.municipality.name][4]
    year = min(plan.end_date.year, date.today().year)
    if not Commitment.objects.filter(plan=plan, party=party, year=year, form=Commitment.Form.CASH).exists():
        commitment_create(
            party=party,
            plan=plan,
            year=year,
            form=Commitment.Form.CASH,
            amount=Decimal("50000"),
            note="Foreslået tilskud til sommeraktiviteter for børn og unge.",
            proposed_by=world.users["demo-sekretariatsleder"],
        )
