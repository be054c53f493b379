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


@dataclass(frozen=True)
class InterventionSpec:
    """One indsats of the demo: who runs it, who helps, what it costs and which indicators show its results.

    ``responsible`` and ``partners`` name kinds of party of the plan: ``department`` (the
    delaftale's forvaltning), ``department2`` (another forvaltning of the kommune), ``housing_org``
    or ``partner`` (the delaftale's local partner). ``results`` are words of the names of the
    indicators (monitoring.demo) that follow the indsats.
    """

    name: str
    description: str
    responsible: str
    partners: tuple[str, ...]
    budget: int
    results: tuple[str, ...]


I = InterventionSpec  # noqa: E741  (short name for the table below)

# Per plan (in PLANS' order) and indsatsområde: each plan's own indsatser, as a secretariat writes them.
INTERVENTIONS: list[dict[str, list[InterventionSpec]]] = [
    {  # Vestparken og Nørre Enge
        "Uddannelse og livschancer": [
            I(
                "Lektiecafé for 4.–10. klasse",
                "Frivillige og to studentermedhjælpere giver lektiehjælp tre eftermiddage om ugen i beboerhuset. "
                "Lærerne på Vestparkens Skole henviser elever, der halter efter i dansk og matematik.",
                "partner",
                ("department", "housing_org"),
                1_450_000,
                ("lektiecaféen", "trives bedre"),
            ),
            I(
                "Brobygning til ungdomsuddannelse",
                "En uddannelsesvejleder følger de unge fra 8. klasse, til de er startet på en ungdomsuddannelse, "
                "med besøg på erhvervsskolerne og samtaler med forældrene hjemme.",
                "department",
                ("housing_org",),
                980_000,
                ("ungdomsuddannelse",),
            ),
            I(
                "Forældrenetværk om skolestart",
                "Forældre til kommende 0.-klasseelever mødes seks gange med sundhedsplejen og skolen om sprog, "
                "rutiner og samarbejdet med skolen.",
                "department",
                ("department2",),
                420_000,
                ("karaktergennemsnit",),
            ),
        ],
        "Beskæftigelse": [
            I(
                "Jobcafé i boligområdet",
                "Jobcentrets konsulent og frivillige holder åbent to formiddage om ugen: CV, jobsøgning og "
                "kontakt til lokale virksomheder, uden tidsbestilling.",
                "department",
                ("housing_org",),
                1_120_000,
                ("jobcaféforløb", "i beskæftigelse"),
            ),
            I(
                "Fritidsjobindsats for unge",
                "Boligselskabet formidler fritidsjob til 13–17-årige i butikker og driften og følger op med den "
                "unge og arbejdsgiveren efter en måned.",
                "housing_org",
                ("department",),
                640_000,
                ("fritidsjob",),
            ),
            I(
                "Virksomhedspraktik med mentor",
                "Ledige beboere kommer i praktik i 13 uger med en mentor fra virksomheden; målet er løntimer "
                "eller ordinært job bagefter.",
                "department",
                ("department2",),
                870_000,
                ("i beskæftigelse",),
            ),
        ],
        "Kriminalitetsforebyggelse": [
            I(
                "Gadeplansteam aften og weekend",
                "To gadeplansmedarbejdere er på gaden torsdag til lørdag aften og kender de unge ved navn; de "
                "samarbejder med SSP og politiets nærbetjent.",
                "department",
                ("housing_org",),
                1_600_000,
                ("sigtet", "hærværkssager"),
            ),
            I(
                "Tryghedsvandring med beboere og politi",
                "Beboere, viceværter og politi går området igennem hvert kvartal og noterer mørke stier, "
                "hærværk og steder, hvor folk føler sig utrygge.",
                "housing_org",
                ("department2",),
                180_000,
                ("tryghedsvandringer", "trygge"),
            ),
        ],
        "Sammenhængskraft og medborgerskab": [
            I(
                "Beboerdemokrati og frivillighed",
                "Kurser for nye afdelingsbestyrelsesmedlemmer og en frivilligkoordinator, der hjælper beboere "
                "i gang med egne aktiviteter.",
                "housing_org",
                ("partner",),
                520_000,
                ("afdelingsmøder", "frivillige"),
            ),
            I(
                "Fællesspisning og kulturaftener",
                "Fællesspisning hver anden fredag og fire kulturaftener om året, lavet af beboerne med "
                "støtte fra foreningen.",
                "partner",
                ("housing_org",),
                310_000,
                ("frivillige",),
            ),
            I(
                "Foreningsguide for børn",
                "En foreningsguide følger børn de første gange i en forening og hjælper forældrene med "
                "kontingent, udstyr og kørsel.",
                "partner",
                ("department2",),
                460_000,
                ("forening",),
            ),
        ],
    },
    {  # Søndermarken
        "Uddannelse og livschancer": [
            I(
                "Læseklub på Søndermarkens bibliotek",
                "Bibliotekarer og frivillige læser med børn i 2.–5. klasse to gange om ugen; forældre inviteres "
                "med den sidste torsdag i måneden.",
                "partner",
                ("department",),
                360_000,
                ("lektiecaféen", "trives bedre"),
            ),
            I(
                "Mentorordning for unge på erhvervsuddannelse",
                "Unge på erhvervsskolerne får en voksen mentor fra området det første år, så færre falder fra "
                "i grundforløbet.",
                "department",
                ("housing_org",),
                750_000,
                ("ungdomsuddannelse",),
            ),
            I(
                "Sommerskole i dansk og matematik",
                "Tre ugers sommerskole for elever i 6.–9. klasse med lærere fra skolen og ældre elever som hjælpere.",
                "department",
                ("partner",),
                540_000,
                ("karaktergennemsnit",),
            ),
        ],
        "Beskæftigelse": [
            I(
                "Jobformidler med kontor i Søndermarken",
                "En jobformidler fra jobcentret har fast kontor i beboerhuset og matcher ledige beboere med "
                "virksomhedernes ledige stillinger.",
                "department",
                ("housing_org",),
                920_000,
                ("jobcaféforløb", "i beskæftigelse"),
            ),
            I(
                "Ungejob i boligselskabernes drift",
                "Unge fra 14 år arbejder i driften om eftermiddagen sammen med en ejendomsfunktionær og får en "
                "anbefaling med sig.",
                "housing_org",
                ("department",),
                410_000,
                ("fritidsjob",),
            ),
            I(
                "Danskundervisning for jobparate kvinder",
                "Arbejdspladsdansk og praktik i lokale butikker og institutioner for kvinder, der står uden for "
                "arbejdsmarkedet.",
                "department",
                ("department2",),
                560_000,
                ("i beskæftigelse",),
            ),
        ],
        "Kriminalitetsforebyggelse": [
            I(
                "SSP-medarbejder på fast gadeplan",
                "En SSP-medarbejder er i området fire aftener om ugen og tager kontakt til de yngste, før de "
                "bliver en del af en gruppe.",
                "department",
                ("housing_org",),
                820_000,
                ("sigtet", "hærværkssager"),
            ),
            I(
                "Lys og trygge stier i Søndermarken",
                "Boligselskaberne sætter ny belysning op og beskærer beplantning langs stierne ud fra beboernes "
                "tryghedsvandringer.",
                "housing_org",
                ("department2",),
                1_250_000,
                ("trygge", "tryghedsvandringer"),
            ),
        ],
        "Sammenhængskraft og medborgerskab": [
            I(
                "Beboerhusets åbne værksted",
                "Et værksted med værktøj og symaskiner, drevet af frivillige beboere, åbent tre aftener om ugen.",
                "partner",
                ("housing_org",),
                240_000,
                ("frivillige",),
            ),
            I(
                "Velkomst til nye beboere",
                "Frivillige beboere byder nye lejere velkommen med et besøg og en invitation til områdets "
                "fællesskaber.",
                "housing_org",
                ("partner",),
                150_000,
                ("afdelingsmøder",),
            ),
        ],
    },
    {  # Åbæk Øst
        "Uddannelse og livschancer": [
            I(
                "Lektieklub i Åhave-huset",
                "Lektieklub mandag til torsdag for 3.–9. klasse med frivillige fra gymnasiet og en fast "
                "koordinator fra frivilligcentret.",
                "partner",
                ("department",),
                690_000,
                ("lektiecaféen", "trives bedre"),
            ),
            I(
                "Fremmødeteam for skoletrætte elever",
                "En familiekonsulent og skolens AKT-lærer tager hjem til elever med højt fravær inden for "
                "den første uge og lægger en plan med familien.",
                "department",
                ("department2",),
                1_050_000,
                ("fravær", "ungdomsuddannelse"),
            ),
            I(
                "Familieklub før skolestart",
                "Familier med børn, der skal starte i skole, mødes hver anden uge året før skolestart med "
                "sundhedsplejerske og børnehaveklasseleder.",
                "department",
                ("housing_org",),
                380_000,
                ("familier", "skolestart", "forældrenetværket"),
            ),
        ],
        "Beskæftigelse": [
            I(
                "Åbæk Jobværksted",
                "Jobværkstedet hjælper ledige med ansøgninger og samtaletræning og har faste aftaler med ti "
                "virksomheder i Åbæk om praktik.",
                "department",
                ("housing_org",),
                1_180_000,
                ("jobcaféforløb", "i beskæftigelse"),
            ),
            I(
                "Fritidsjobformidling for 13–17-årige",
                "Boligforeningen og jobcentret formidler fritidsjob og holder et kursus i at gå til jobsamtale.",
                "housing_org",
                ("department",),
                330_000,
                ("fritidsjob",),
            ),
        ],
        "Kriminalitetsforebyggelse": [
            I(
                "Nattevandrere og gadeplansarbejde",
                "Nattevandrere fra frivilligcentret og kommunens gadeplansmedarbejdere dækker fredag og lørdag "
                "aften på skift.",
                "partner",
                ("department",),
                540_000,
                ("sigtet", "trygge"),
            ),
            I(
                "Hærværksindsats med viceværterne",
                "Viceværterne registrerer og udbedrer hærværk inden for et døgn og mødes hver måned med "
                "gadeplansteamet om mønstrene.",
                "housing_org",
                ("department",),
                290_000,
                ("hærværkssager", "tryghedsvandringer"),
            ),
        ],
        "Sammenhængskraft og medborgerskab": [
            I(
                "Fællesspisning i Åbæk Øst",
                "Fællesspisning hver onsdag i festsalen, hvor beboerne skiftes til at lave mad for 60–80 gæster.",
                "partner",
                ("housing_org",),
                260_000,
                ("frivillige",),
            ),
            I(
                "Foreningsbro for børn",
                "Kommunens fritidsvejleder hjælper børn ind i idrætsforeninger og spejdere og betaler "
                "kontingent det første halve år.",
                "department",
                ("partner",),
                430_000,
                ("forening",),
            ),
            I(
                "Kursus for afdelingsbestyrelser",
                "Et kursusforløb om budget, husorden og beboermøder for nye og erfarne medlemmer af "
                "afdelingsbestyrelserne.",
                "housing_org",
                (),
                120_000,
                ("afdelingsmøder",),
            ),
        ],
    },
]

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


def _demo_names() -> list[str]:
    """Every first name × last name once, in a fixed shuffled order, without the demo users' names."""
    users = {f"{first} {last}" for first, last in DEMO_USERS.values()}
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    random.Random("demo-names").shuffle(names)
    return [name for name in names if name not in users]


DEMO_NAMES = _demo_names()


def person_name(slot: int) -> str:
    """The name of the demo person in ``slot``: a different name for every slot (no two demo people
    share a name), the same one every time ``seed_demo`` runs."""
    return DEMO_NAMES[slot]


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
        other_department = municipality_departments[(position + 1) % len(municipality_departments)]
        kinds = {"department": department, "department2": other_department, "housing_org": housing_org}
        kinds["partner"] = partner
        for spec in INTERVENTIONS[index - 1].get(area.name, []):
            intervention, created = Intervention.objects.get_or_create(
                sub_agreement=sub_agreement,
                name=spec.name,
                defaults={
                    "description": spec.description,
                    "responsible_partner": kinds[spec.responsible],
                    "status": Intervention.Status.RUNNING,
                    "start_date": plan.start_date,
                    "end_date": plan.end_date,
                    "budget": Decimal(spec.budget),
                },
            )
            if created and spec.partners:
                intervention.partners.set([kinds[kind] for kind in spec.partners])


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
