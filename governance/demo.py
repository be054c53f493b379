"""Demo bodies, memberships, meetings, minutes, decisions and actions for the demo world. Idempotent."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from common.workdays import is_working_day, send_out_deadline
from governance.agreements.models import AgreementVersion
from governance.agreements.services import agreement_adopt, agreement_approve, agreement_draft_save, intervention_adjust
from governance.bodies.models import Body, Membership
from governance.bodies.services import body_set_sub_agreements, membership_create
from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting
from governance.meetings.services import (
    MinutesEntry,
    action_item_create,
    action_item_set_status,
    agenda_item_save,
    meeting_create,
    meeting_sync_follow_up,
    minutes_approve,
    minutes_save,
)
from monitoring.models import Goal
from plans.demo import DemoWorld, demo_person, person_name
from plans.models import Organisation, Person, Plan

# Steering groups per plan: name -> the thematic areas whose delaftaler the group owns.
GROUPS_LARGE = {
    "Styregruppen for uddannelse og beskæftigelse": ["Uddannelse og livschancer", "Beskæftigelse"],
    "Styregruppen for tryghed": ["Kriminalitetsforebyggelse"],
    "Styregruppen for fællesskab": ["Sammenhængskraft og medborgerskab"],
}
GROUPS_SMALL = {
    "Styregruppen for uddannelse og beskæftigelse": ["Uddannelse og livschancer", "Beskæftigelse"],
    "Styregruppen for tryghed og fællesskab": [
        "Kriminalitetsforebyggelse",
        "Sammenhængskraft og medborgerskab",
    ],
}

# The forvaltninger of each demo kommune by what they do (plans.demo.MUNICIPALITIES); a kommune without
# one seats the chef from the kommune itself.
DEPARTMENTS = {
    "Fjordby Kommune": {
        "employment": "Beskæftigelses- og Integrationsforvaltningen",
        "children": "Børne- og Ungdomsforvaltningen",
        "social": "Socialforvaltningen",
        "technical": "Teknik- og Miljøforvaltningen",
        "culture": "Kultur- og Fritidsforvaltningen",
    },
    "Åbæk Kommune": {
        "employment": "Arbejdsmarkedsforvaltningen",
        "children": "Børn og Unge",
        "social": "Social og Sundhed",
    },
}

# The board's seats in order (a plan has the first 9 + its number of them): (role, where the member
# comes from, job title). Senior leaders from the kommune's forvaltninger and the boligorganisation
# (seed 003), the residents' elected chairs, and two observers who run the daily work.
BOARD_SEATS = [
    ("chair", "employment", "Direktør"),
    ("vice_chair", "housing_org", "Direktør"),
    ("member", "children", "Vicedirektør"),
    ("member", "social", "Områdechef for børn, unge og familier"),
    ("member", "housing_org", "Formand for organisationsbestyrelsen"),
    ("member", "housing_org", "Formand for afdelingsbestyrelsen"),
    ("member", "technical", "Chef for by- og boligudvikling"),
    ("member", "housing_org", "Boligsocial chef"),
    ("member", "culture", "Chef for fritid og kultur"),
    ("observer", "social", "SSP-koordinator"),
    ("observer", "housing_org", "Driftschef"),
    ("member", "employment", "Vicedirektør"),
]
# A steering group's seats: chaired by a chef from the forvaltning that owns the group's delaftaler.
GROUP_SEATS = [
    ("chair", "department", "Afdelingschef"),
    ("member", "housing_org", "Boligsocial medarbejder"),
    ("member", "department2", "Teamleder"),
    ("member", "partner", "Daglig leder"),
]
# Which forvaltning owns a steering group, by the first thematic area of its delaftaler.
GROUP_DEPARTMENT = {
    "Uddannelse og livschancer": ("children", "employment"),
    "Kriminalitetsforebyggelse": ("social", "children"),
    "Sammenhængskraft og medborgerskab": ("culture", "social"),
}

# Seats whose holder's title is a senior administrative leader's sit at leadership level (seed 003: the
# board consists of such leaders) ...
LEADER_TITLES = ("Direktør", "Vicedirektør", "Områdechef", "Chef for", "Boligsocial chef")
# ... except the kommune's seats on this plan's board: the demo's board missing a kommune leader.
WITHOUT_KOMMUNE_LEADER = "Helhedsplan Søndermarken"


def _department(world: DemoWorld, plan: Plan, key: str) -> Organisation:
    """The plan's kommune's forvaltning for ``key`` (see ``DEPARTMENTS``), else the kommune itself."""
    name = DEPARTMENTS.get(plan.municipality.name, {}).get(key)
    for department in world.departments[plan.municipality.name]:
        if name and department.name.startswith(name):
            return department
    return plan.municipality


def _person(slot: int, organisation: Organisation, title: str) -> Person:
    """The demo person in ``slot``: every slot has its own name (``plans.demo.person_name``)."""
    person, _ = Person.objects.get_or_create(
        name=person_name(slot), organisation=organisation, defaults={"title": title, "email": ""}
    )
    return person


def _seat(
    body: Body, person: Person, role: str, organisation: Organisation, start: date, *, leader: bool = False
) -> None:
    if Membership.objects.filter(body=body, person=person).exists():
        return
    membership_create(
        body=body, person=person, role=role, organisation=organisation, start_date=start, leadership_level=leader
    )


def _board_leader(plan: Plan, side: str, title: str) -> bool:
    if plan.name == WITHOUT_KOMMUNE_LEADER and side != "housing_org":
        return False
    return title.startswith(LEADER_TITLES)


# Name slots: each plan has 40, the board the first 20 of them, each steering group 5 after those.
SLOTS_PER_PLAN, BOARD_SLOTS, GROUP_SLOTS = 40, 20, 5


def _board(world: DemoWorld, plan: Plan, index: int) -> None:
    board, _ = Body.objects.get_or_create(
        plan=plan,
        kind=Body.Kind.BOARD,
        defaults={"name": f"Bestyrelsen for {plan.name}", "meetings_per_year": 4, "escalation_threshold": 25000},
    )
    housing_orgs = list(plan.housing_organisations.order_by("name"))
    housing_seats = 0  # the boligorganisationer take turns, so each has a leader (Direktør, Boligsocial chef)
    for number, (role, side, title) in enumerate(BOARD_SEATS[: 9 + index]):  # 10, 11 and 12 seats
        if side == "housing_org":
            organisation = housing_orgs[housing_seats % len(housing_orgs)]
            housing_seats += 1
        else:
            organisation = _department(world, plan, side)
        slot = (index - 1) * SLOTS_PER_PLAN + number
        leader = _board_leader(plan, side, title)
        _seat(board, _person(slot, organisation, title), role, organisation, plan.start_date, leader=leader)
    if index == 1:
        demo_board_member = demo_person(world.users["demo-bestyrelse"], housing_orgs[0], "Vicedirektør")
        leader = _board_leader(plan, "housing_org", "Vicedirektør")
        _seat(board, demo_board_member, Membership.Role.MEMBER, housing_orgs[0], plan.start_date, leader=leader)
    if plan.secretariat.name == "Områdesekretariatet Fjordby":
        lead = world.users["demo-sekretariatsleder"].person
        _seat(board, lead, Membership.Role.SECRETARY, plan.municipality, plan.start_date)


def _groups(world: DemoWorld, plan: Plan, index: int) -> None:
    groups = GROUPS_LARGE if index == 1 else GROUPS_SMALL
    housing_org = plan.housing_organisations.order_by("name").first()
    for number, (name, thematic_areas) in enumerate(groups.items()):
        group, _ = Body.objects.get_or_create(
            plan=plan, name=name, defaults={"kind": Body.Kind.STEERING_GROUP, "meetings_per_year": 6}
        )
        sub_agreements = plan.sub_agreements.filter(thematic_area__name__in=thematic_areas)
        body_set_sub_agreements(body=group, sub_agreements=sub_agreements)
        # The local partner in the group is a party of the group's delaftaler.
        partner = (
            Organisation.objects.filter(kind=Organisation.Kind.PARTNER, sub_agreements__in=sub_agreements)
            .order_by("name")
            .first()
        ) or world.partners[(index + number) % len(world.partners)]
        owner, second = GROUP_DEPARTMENT.get(thematic_areas[0], ("employment", "social"))
        sides = {
            "department": _department(world, plan, owner),
            "department2": _department(world, plan, second),
            "housing_org": housing_org,
            "partner": partner,
        }
        for seat, (role, side, title) in enumerate(GROUP_SEATS):
            organisation = sides[side]
            slot = (index - 1) * SLOTS_PER_PLAN + BOARD_SLOTS + number * GROUP_SLOTS + seat
            _seat(group, _person(slot, organisation, title), role, organisation, plan.start_date)
        if index == 1 and number == 0:
            member = demo_person(world.users["demo-styregruppe"], sides["department"], "Konsulent")
            _seat(group, member, Membership.Role.MEMBER, sides["department"], plan.start_date)


@transaction.atomic
def seed(world: DemoWorld) -> None:
    for index, plan in enumerate(world.plans, start=1):
        _board(world, plan, index)
        _groups(world, plan, index)


# --- Meetings, minutes, decisions and actions ---------------------------------------------------

# (title, kind, recommendation, decision text or None, [(action title, owner key, due offset days, status)])
BOARD_ITEMS_SPRING = [
    (
        "Lektiecaféen når ikke målgruppen",
        AgendaItem.Kind.DECISION,
        "Sekretariatet indstiller, at bestyrelsen flytter 150.000 kr. fra fritidsjob til lektiecaféens "
        "opsøgende arbejde i resten af året.",
        "Bestyrelsen godkendte omprioriteringen af 150.000 kr. til opsøgende arbejde i lektiecaféen.",
        [
            ("Revidér budgettet for delaftalen om uddannelse", "lead", -40, ActionItem.Status.DONE),
            ("Aftal opsøgende indsats med skolerne", "member", -20, ActionItem.Status.OPEN),
        ],
        ["Uddannelse og livschancer"],
    ),
    (
        "Forvaltningernes bidrag til jobcaféen",
        AgendaItem.Kind.DECISION,
        "Sekretariatet indstiller, at Beskæftigelsesforvaltningen genbesætter den udstationerede "
        "jobkonsulent fra 1. i næste måned.",
        "Bestyrelsen bad forvaltningen genbesætte stillingen og melde tilbage på næste møde.",
        [("Meld tilbage om genbesættelse af jobkonsulent", "lead", -10, ActionItem.Status.OPEN)],
        ["Beskæftigelse"],
    ),
    (
        "Pixi-rapport for første kvartal",
        AgendaItem.Kind.INFORMATION,
        "",
        None,
        [],
        [],
    ),
]
BOARD_ITEMS_AUTUMN = [
    (
        "Tryghedsvandringer udvides til Nørre Enge",
        AgendaItem.Kind.DECISION,
        "Sekretariatet indstiller, at tryghedsvandringerne udvides til hele boligområdet.",
        "Bestyrelsen godkendte udvidelsen af tryghedsvandringerne.",
        [("Planlæg tryghedsvandringer for efteråret", "member", 30, ActionItem.Status.OPEN)],
        ["Kriminalitetsforebyggelse"],
    ),
    (
        "Drøftelse af målene for beskæftigelse",
        AgendaItem.Kind.DISCUSSION,
        "",
        None,
        [],
        ["Beskæftigelse"],
    ),
]
GROUP_ITEMS = [
    (
        "Lektiecaféens åbningstider",
        AgendaItem.Kind.DECISION,
        "Sekretariatet indstiller, at lektiecaféen holder åbent til kl. 19 om tirsdagen.",
        "Styregruppen besluttede at udvide åbningstiden om tirsdagen fra næste måned.",
        [
            ("Aftal bemanding med frivilligcentret", "member", -5, ActionItem.Status.OPEN),
            ("Informér forældrene om de nye tider", "lead", 20, ActionItem.Status.OPEN),
        ],
        ["Uddannelse og livschancer"],
    ),
]
UPCOMING_ITEMS = [
    (
        "Forslag til justering af delmål for uddannelse",
        AgendaItem.Kind.DECISION,
        "Sekretariatet indstiller, at delmålet om karaktergennemsnit erstattes af et mål for overgang "
        "til ungdomsuddannelse.",
        None,
        [],
        ["Uddannelse og livschancer"],
    ),
    ("Status på medfinansiering", AgendaItem.Kind.INFORMATION, "", None, [], []),
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _weekday(day: date) -> date:
    """Bodies meet on Danish working days: move a weekend or a holiday (1 January, Easter …) to the
    next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _meeting_day(day: date, plan: Plan) -> date:
    """A working day within the plan's period: a weekend or holiday moves to the next working day, a
    day after the plan has ended to its last working day."""
    day = _weekday(day)
    if day > plan.end_date:
        day = plan.end_date
        while not is_working_day(day):
            day -= timedelta(days=1)
    return day


def _owner(key: str, world: DemoWorld, board: Body) -> Person:
    if key == "lead" and board.plan.secretariat.name == "Områdesekretariatet Fjordby":
        return world.users["demo-sekretariatsleder"].person
    member = board.memberships.filter(person__user__isnull=False).select_related("person").first()
    if member is None:
        member = board.memberships.select_related("person").order_by("pk").first()
    return member.person


def _meeting(
    world: DemoWorld, body: Body, title: str, day: date, items, *, approve: bool, send: bool, lead_user
) -> Meeting:
    existing = Meeting.objects.filter(body=body, title=title).first()
    if existing is not None:
        meeting_sync_follow_up(meeting=existing)
        return existing
    meeting = meeting_create(
        body=body,
        title=title,
        starts_at=_at(_meeting_day(day, body.plan), 15),
        ends_at=_at(_meeting_day(day, body.plan), 17),
        location=f"Beboerhuset, {body.plan.areas.order_by('name').first()}",
    )
    plan_sub_agreements = {sa.thematic_area.name: sa for sa in body.plan.sub_agreements.select_related("thematic_area")}
    created = []
    for title_, kind, recommendation, _decision, _actions, areas in items:
        item = agenda_item_save(
            meeting=meeting,
            title=title_,
            kind=kind,
            recommendation=recommendation,
            description="Se bilag og sekretariatets notat.",
            presenter=world.users["demo-sekretariatsleder"].person
            if body.plan.secretariat.name.endswith("Fjordby")
            else None,
            sub_agreements=[plan_sub_agreements[a] for a in areas if a in plan_sub_agreements],
        )
        created.append(item)
    if send:
        sent_at = _at(send_out_deadline(_meeting_day(day, body.plan)) - timedelta(days=2), 9)
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.AGENDA_SENT, agenda_sent_at=sent_at)
        meeting.refresh_from_db()
    if approve:
        entries = {
            item.pk: MinutesEntry(discussion="Punktet blev drøftet.", decision=spec[3] or "")
            for item, spec in zip(created, items, strict=True)
        }
        minutes_save(meeting=meeting, user=lead_user, entries=entries)
        for item, spec in zip(created, items, strict=True):
            decision = item.decisions.filter(is_current=True).first()
            for action_title, owner_key, due_offset, status in spec[4]:
                action = action_item_create(
                    decision=decision,
                    title=action_title,
                    owner=_owner(owner_key, world, body),
                    due_date=timezone.localdate() + timedelta(days=due_offset),
                    # The demo writes past meetings' minutes today, so some deadlines have passed already.
                    due_date_reason="Referatet er skrevet efter mødet (demodata)." if due_offset < 0 else "",
                )
                if status != ActionItem.Status.OPEN:
                    action_item_set_status(action=action, status=status, note="Udført som aftalt.")
        minutes_approve(meeting=meeting, user=lead_user)
    return meeting


# Decision items and the indsatsområde whose goals they concern (strategic goal; the delmål too when
# the item is about the delmål itself).
GOAL_LINKS = {
    "Lektiecaféen når ikke målgruppen": ("Uddannelse og livschancer", True),
    "Forvaltningernes bidrag til jobcaféen": ("Beskæftigelse", False),
    "Forslag til justering af delmål for uddannelse": ("Uddannelse og livschancer", True),
    "Lektiecaféens åbningstider": ("Uddannelse og livschancer", True),
}


def _link_goals(plan) -> None:
    """Link the demo's decision items to the goals they concern (idempotent: only missing links are added)."""
    sub_goals = {}
    goals = Goal.objects.filter(plan=plan, level=Goal.Level.SUB).select_related(
        "sub_agreement__thematic_area", "contributes_to"
    )
    for goal in goals.order_by("contributes_to__position", "pk"):
        sub_goals.setdefault(goal.sub_agreement.thematic_area.name, goal)
    items = AgendaItem.objects.filter(meeting__body__plan=plan, title__in=list(GOAL_LINKS))
    for item in items:
        area, with_sub_goal = GOAL_LINKS[item.title]
        sub_goal = sub_goals.get(area)
        if sub_goal is None or sub_goal.contributes_to is None:
            continue
        wanted = [sub_goal.contributes_to, *([sub_goal] if with_sub_goal else [])]
        linked = set(item.goals.values_list("pk", flat=True))
        missing = [goal for goal in wanted if goal.pk not in linked]
        if missing:  # an empty add would still write a history row
            item.goals.add(*missing)


@transaction.atomic
def seed_meetings(world: DemoWorld) -> None:
    """Past meetings with approved minutes and overdue actions; upcoming ones, one already late to send."""
    today = timezone.localdate()
    for plan in world.plans:
        board = Body.objects.get(plan=plan, kind=Body.Kind.BOARD)
        lead = world.users["demo-sekretariatsleder"] if plan.secretariat.name.endswith("Fjordby") else None
        _meeting(
            world,
            board,
            "Bestyrelsesmøde (sommer)",
            today - timedelta(days=120),
            BOARD_ITEMS_SPRING,
            approve=True,
            send=True,
            lead_user=lead,
        )
        _meeting(
            world,
            board,
            "Bestyrelsesmøde (efterår)",
            today - timedelta(days=35),
            BOARD_ITEMS_AUTUMN,
            approve=True,
            send=True,
            lead_user=lead,
        )
        # Six calendar days ahead: the 10-working-day deadline has passed and nothing is sent.
        _meeting(
            world,
            board,
            "Bestyrelsesmøde (vinter)",
            today + timedelta(days=6),
            UPCOMING_ITEMS,
            approve=False,
            send=False,
            lead_user=lead,
        )
        _meeting(
            world,
            board,
            "Bestyrelsesmøde (temamøde)",
            today + timedelta(days=70),
            UPCOMING_ITEMS[1:],
            approve=False,
            send=False,
            lead_user=lead,
        )
        group = (
            Body.objects.filter(plan=plan, sub_agreements__thematic_area__name="Uddannelse og livschancer")
            .distinct()
            .first()
        )
        if group is not None:
            _meeting(
                world,
                group,
                "Styregruppemøde (efterår)",
                today - timedelta(days=28),
                GROUP_ITEMS,
                approve=True,
                send=True,
                lead_user=lead,
            )
            _meeting(
                world,
                group,
                "Styregruppemøde (vinter)",
                today + timedelta(days=30),
                UPCOMING_ITEMS[1:],
                approve=False,
                send=False,
                lead_user=lead,
            )
        _link_goals(plan)
    seed_agreements(world)


# --- Versioned agreements -------------------------------------------------------------------------

EDUCATION_V2_TEXT = (
    "Delaftalen om uddannelse og livschancer fastlægger delmål, indsatser og parternes bidrag.\n\n"
    "Lektiecaféen prioriteres: 150.000 kr. flyttes fra fritidsjobindsatsen til opsøgende arbejde, så "
    "lektiecaféen når de elever, skolerne henviser. Skolerne og Børne- og Ungdomsforvaltningen melder "
    "hvert kvartal tilbage om henvisninger og fremmøde."
)
AGREEMENT_DRAFT_TEXT_ADDITION = (
    "\n\nMålet for uddannelse skal måle overgangen til ungdomsuddannelse frem for karaktergennemsnittet, "
    "som helhedsplanen kun kan påvirke lidt."
)


@transaction.atomic
def seed_agreements(world: DemoWorld) -> None:
    """Every agreement under versioning; in the first plan a delaftale changed by the board's
    decision, an indsats adjusted after it and a draft change of the samarbejdsaftale. Idempotent."""
    for plan in world.plans:
        agreement_adopt(plan=plan)
        for sub_agreement in plan.sub_agreements.all():
            agreement_adopt(plan=plan, sub_agreement=sub_agreement)
    plan = world.plans[0]
    lead = world.users["demo-sekretariatsleder"]
    decision = (
        Decision.objects.filter(
            is_current=True,
            agenda_item__title="Lektiecaféen når ikke målgruppen",
            agenda_item__meeting__body__plan=plan,
        )
        .select_related("agenda_item__meeting")
        .first()
    )
    education = plan.sub_agreements.filter(thematic_area__name="Uddannelse og livschancer").first()
    if decision is None or education is None:
        return
    if not AgreementVersion.objects.filter(sub_agreement=education, number__gt=1).exists():
        draft = agreement_draft_save(
            plan=plan,
            sub_agreement=education,
            user=lead,
            title=education.title,
            text=EDUCATION_V2_TEXT,
            reason="Bestyrelsen omprioriterede 150.000 kr. til lektiecaféens opsøgende arbejde, fordi caféen ikke "
            "nåede målgruppen.",
            parties=list(education.parties.all()),
        )
        agreement_approve(version=draft, decision=decision, user=lead)
        cafe = education.interventions.filter(name="Lektiecafé for 4.–10. klasse").first()
        if cafe is not None and not cafe.adjustments.exists():
            intervention_adjust(
                intervention=cafe,
                user=lead,
                reason="150.000 kr. flyttet fra fritidsjobindsatsen til opsøgende arbejde i lektiecaféen.",
                decision=decision,
                budget=(cafe.budget or 0) + 150_000,
            )
    current = AgreementVersion.objects.filter(plan=plan, sub_agreement=None).order_by("-number").first()
    if current is not None and not current.is_draft and current.number == 1:
        agreement_draft_save(
            plan=plan,
            user=lead,
            title=current.title,
            text=current.text + AGREEMENT_DRAFT_TEXT_ADDITION,
            reason="Uddannelsesmålet skal måle overgang til ungdomsuddannelse; forelægges bestyrelsen i vinter.",
        )
