"""The access rule: the one place that decides which rows a user may see or act on.

Every view, API viewset, export, feed, report and task that renders for a person starts from
``restrict(queryset, user, action)`` / ``visible(user, Model, action)`` and fetches single objects
with ``get_or_404``. No other module decides access (docs/security.md has the rule as a table).

- An object outside the user's ``VIEW`` scope, or one that does not exist, answers **404**: an
  outsider learns nothing, not even that it exists.
- An object the user may see but not act on answers **403** (``PermissionDenied``).

Actions: ``VIEW``, ``CHANGE`` (create, edit, delete), ``APPROVE`` (minutes, measurements),
``SEND`` (agendas and meeting packs), ``EXPORT`` (XLSX/CSV/PDF made from what the user sees).

The rule of each model is a row in ``RULES``: how a row reaches its plan (directly, through a
delaftale, through a goal or through a meeting) and which roles may do each action. Models of the
apps above ``plans`` are named by label and reached by field paths, so this module imports no
upper app.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Plan, Role, RoleAssignment, SubAgreement


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    APPROVE = "approve"
    SEND = "send"
    EXPORT = "export"


VIEW, CHANGE, APPROVE, SEND, EXPORT = Action.VIEW, Action.CHANGE, Action.APPROVE, Action.SEND, Action.EXPORT

ALL_ROLES = frozenset(Role)
LEAD = frozenset({Role.SECRETARIAT_LEAD})
# Interventions, measurements and drafts (domain.md "Roles and what they may do").
CONTENT = frozenset({Role.SECRETARIAT_LEAD, Role.SECRETARIAT_STAFF, Role.STEERING_GROUP_MEMBER, Role.HOUSING_ORG_STAFF})
# Co-financing is kept by those who pay (_commitment_change): the koordinator the kommune's and its
# forvaltningers, a boligorganisation's staff their own; the sekretariatsleder proposes (and keeps LBF's
# and local partners' commitments, which have nobody else in the portal).
COMMIT = frozenset({Role.SECRETARIAT_LEAD, Role.MUNICIPAL_COORDINATOR, Role.HOUSING_ORG_STAFF})
# Parties whose commitments the secretariat keeps: no role in the portal speaks for them.
SECRETARIAT_KEPT_PARTIES = ("funder", "partner")
SECRETARIAT_ROLES = frozenset({Role.SECRETARIAT_LEAD, Role.SECRETARIAT_STAFF})
# Roles that see every meeting and report of a plan they reach; board and steering-group members see less.
PLAN_WIDE_ROLES = ALL_ROLES - {Role.BOARD_MEMBER, Role.STEERING_GROUP_MEMBER}
# The plan's yearly LBF obligations and its målopfyldelsesskema cover the whole plan (every goal):
# read by plan-wide roles and the board, not by a steering group that sees only its delaftaler.
LBF_YEAR_READERS = ALL_ROLES - {Role.STEERING_GROUP_MEMBER}


# --- who the user is -----------------------------------------------------------------------------


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def _is_admin(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def _assignments(user, roles) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user_id=user.pk, role__in=list(roles))


def _plan_condition(user, roles, *, through_sub_agreements: bool = True) -> Q:
    """Plans reached through the user's role assignments, as one Q built from subqueries."""
    assignments = _assignments(user, roles)
    condition = Q(pk__in=[])
    roles = set(roles)
    if roles & SECRETARIAT_ROLES:
        condition |= Q(secretariat__in=assignments.filter(role__in=SECRETARIAT_ROLES).values("secretariat"))
    if Role.MUNICIPAL_COORDINATOR in roles:
        condition |= Q(municipality__in=assignments.filter(role=Role.MUNICIPAL_COORDINATOR).values("organisation"))
    if Role.BOARD_MEMBER in roles:
        condition |= Q(pk__in=assignments.filter(role=Role.BOARD_MEMBER).values("plan"))
    if Role.HOUSING_ORG_STAFF in roles:
        condition |= Q(
            pk__in=Plan.housing_organisations.through.objects.filter(
                organisation__in=assignments.filter(role=Role.HOUSING_ORG_STAFF).values("organisation")
            ).values("plan")
        )
    if through_sub_agreements and Role.STEERING_GROUP_MEMBER in roles:
        condition |= Q(
            pk__in=SubAgreement.objects.filter(
                pk__in=assignments.filter(role=Role.STEERING_GROUP_MEMBER).values("sub_agreement")
            ).values("plan")
        )
    return condition


def _plans(user, roles, *, through_sub_agreements: bool = True) -> QuerySet[Plan]:
    if _is_admin(user):
        return Plan.objects.all()
    return Plan.objects.filter(_plan_condition(user, roles, through_sub_agreements=through_sub_agreements))


def _steering_sub_agreements(user):
    return _assignments(user, {Role.STEERING_GROUP_MEMBER}).values("sub_agreement")


# --- how a row reaches its plan ------------------------------------------------------------------


def _join(path: str, rest: str) -> str:
    return f"{path}__{rest}" if path else rest


def _in(path: str) -> str:
    """The lookup that puts the object at ``path`` (the row itself when empty) in a subquery."""
    return f"{path}__in" if path else "pk__in"


@dataclass(frozen=True)
class Rule:
    """How the rows of one model are scoped.

    ``scope`` says what ``to`` (a field path from the model, empty for the row itself) leads to:
    ``plan``, ``sub_agreement`` (a delaftale), ``plan_part`` (a row with a plan and an optional
    delaftale), ``goal`` (strategic goals follow the plan, delmål
    their delaftale), ``meeting``, ``report`` (a status report and its audience) or ``owner`` (a
    user). ``roles`` gives the roles that may do each action; an action missing from it is
    allowed to nobody but admins.
    """

    scope: str
    to: str = ""
    roles: dict[Action, frozenset] = field(default_factory=dict)


READING = frozenset({Action.VIEW, Action.EXPORT})


def _plan_q(to: str, user, roles, action: Action) -> Q:
    return Q(**{_in(to): _plans(user, roles, through_sub_agreements=action in READING).values("pk")})


def _plan_wide_or_own_delaftale(plan_lookup: str, sub_agreement_lookup: str, user, roles) -> Q:
    """Plan-wide roles reach every row of their plans; a steering group only the rows of its delaftaler."""
    condition = Q(**{plan_lookup: _plans(user, roles, through_sub_agreements=False).values("pk")})
    if Role.STEERING_GROUP_MEMBER in roles:
        condition |= Q(**{sub_agreement_lookup: _steering_sub_agreements(user)})
    return condition


def _sub_agreement_q(to: str, user, roles, action: Action) -> Q:
    """A delaftale is reached through plan-wide roles on its plan, or by the steering group that owns it."""
    return _plan_wide_or_own_delaftale(_join(to, "plan__in"), _in(to), user, roles)


def _plan_part_q(to: str, user, roles, action: Action) -> Q:
    """A row of a plan that may belong to one of its delaftaler (a commitment): plan-wide roles see
    all of the plan's; a steering group only those tied to its delaftaler."""
    return _plan_wide_or_own_delaftale(_join(to, "plan__in"), _join(to, "sub_agreement__in"), user, roles)


def _goal_q(to: str, user, roles, action: Action) -> Q:
    """Strategic goals follow the plan (for changes, a steering group's delaftaler do not reach the
    plan's strategic goals); delmål follow their delaftale."""
    strategic_plans = _plans(user, roles, through_sub_agreements=action in READING)
    strategic = Q(**{_join(to, "level"): "strategic", _join(to, "plan__in"): strategic_plans.values("pk")})
    sub = Q(**{_join(to, "level"): "sub"}) & _sub_agreement_q(_join(to, "sub_agreement"), user, roles, action)
    return strategic | sub


def _agreement_q(to: str, user, roles, action: Action) -> Q:
    """A version of the samarbejdsaftale follows the plan (like the agreement itself); a version of a
    delaftale follows its delaftale (a steering group reads only its own delaftaler's versions)."""
    cooperation = Q(**{_join(to, "sub_agreement__isnull"): True}) & _plan_q(_join(to, "plan"), user, roles, action)
    sub = Q(**{_join(to, "sub_agreement__isnull"): False}) & _sub_agreement_q(
        _join(to, "sub_agreement"), user, roles, action
    )
    return cooperation | sub


def _meeting_q(to: str, user, roles, action: Action, *, as_guest: bool = True) -> Q:
    """Plan-wide roles see every meeting of their plans; a board member the board's meetings; a
    steering-group member the meetings of the body that owns their delaftaler; anyone the meetings
    they are invited to (member of the body or of an invited body, or guest on an item), within
    plans they see. Acting on a meeting (change, send, approve) follows the plan."""
    if action not in READING:
        return Q(**{_join(to, "body__plan__in"): _plans(user, roles).values("pk")})
    meeting = apps.get_model("governance", "Meeting")
    body = apps.get_model("governance", "Body")
    condition = (
        Q(body__plan__in=_plans(user, PLAN_WIDE_ROLES & roles).values("pk"))
        | Q(body__kind__in=body.BOARD_KINDS, body__plan__in=_plans(user, {Role.BOARD_MEMBER} & roles).values("pk"))
        | Q(body__in=body.objects.filter(sub_agreements__in=_steering_sub_agreements(user)).values("pk"))
        | invited(user, as_guest=as_guest)
    )
    meetings = meeting.objects.filter(condition, body__plan__in=_plans(user, roles).values("pk"))
    return Q(**{_in(to): meetings.values("pk")})


def invited(user, *, as_guest: bool = True) -> Q:
    """Meetings (as a Q on Meeting) the user's person is invited to: a seat in the body or in an
    invited body, or (``as_guest``) a guest on one of its items. Part of the meeting rule, and the
    calendar feed's filter."""
    membership = apps.get_model("governance", "Membership")
    meeting = apps.get_model("governance", "Meeting")
    my_bodies = membership.objects.current().filter(person__user_id=user.pk).values("body")
    condition = Q(body__in=my_bodies) | Q(
        pk__in=meeting.invited_bodies.through.objects.filter(body__in=my_bodies).values("meeting")
    )
    if as_guest:
        guest = apps.get_model("governance", "Guest")
        condition |= Q(pk__in=guest.objects.filter(person__user_id=user.pk).values("agenda_item__meeting"))
    return condition


def _report_q(to: str, user, roles, action: Action) -> Q:
    """A status report is made for an audience. Plan-wide roles read every report of their plans;
    a board member the reports made for the board; a steering-group member those made for the
    steering group that owns one of their delaftaler. A board report never reaches a
    steering-group-only member. Ordering a report follows the plan."""
    if action not in READING:
        return Q(**{_join(to, "plan__in"): _plans(user, roles).values("pk")})
    body = apps.get_model("governance", "Body")
    own_groups = body.objects.filter(sub_agreements__in=_steering_sub_agreements(user)).values("pk")
    return Q(**{_join(to, "plan__in"): _plans(user, roles).values("pk")}) & (
        Q(**{_join(to, "plan__in"): _plans(user, PLAN_WIDE_ROLES & roles).values("pk")})
        | Q(
            **{
                _join(to, "audience"): "board",
                _join(to, "plan__in"): _plans(user, {Role.BOARD_MEMBER} & roles).values("pk"),
            }
        )
        | Q(**{_join(to, "audience"): "steering_group", _join(to, "audience_body__in"): own_groups})
    )


def _area_statistic_q(to: str, user, roles, action: Action) -> Q:
    """LBF's area statistics: the whole country's figures for everyone signed in; an area's and a
    kommune's only to those who see a plan there."""
    plans = _plans(user, roles)
    return (
        Q(scope="country")
        | Q(scope="area", area__in=plans.values("areas"))
        | Q(scope="municipality", municipality__in=plans.values("municipality"))
    )


def _organisation_q(to: str, user, roles, action: Action) -> Q:
    """An organisation is seen by those who see a plan it is party to (``Plan.parties``); funders (LBF) by all."""
    plans = _plans(user, roles).values("pk")
    return (
        Q(municipal_plans__in=plans)
        | Q(kind="department", parent__municipal_plans__in=plans)
        | Q(housing_plans__in=plans)
        | Q(sub_agreements__plan__in=plans)
        | Q(kind="funder")
    )


def _owner_q(to: str, user, roles, action: Action) -> Q:
    return Q(**{_join(to, "id") if to else "pk": user.pk})


SCOPES = {
    "plan": _plan_q,
    "sub_agreement": _sub_agreement_q,
    "plan_part": _plan_part_q,
    "goal": _goal_q,
    "agreement": _agreement_q,
    "meeting": _meeting_q,
    "report": _report_q,
    "area_statistic": _area_statistic_q,
    "organisation": _organisation_q,
    "owner": _owner_q,
}

READ = {VIEW: ALL_ROLES, EXPORT: ALL_ROLES}
MANAGED = {**READ, CHANGE: LEAD}
MEETINGS = {**MANAGED, SEND: LEAD, APPROVE: LEAD}
OWNED = {VIEW: ALL_ROLES, CHANGE: ALL_ROLES}

# The access rule, one row per model (docs/security.md has the same table in words).
RULES: dict[str, Rule] = {
    "plans.plan": Rule("plan", "", MANAGED),
    "plans.organisation": Rule("organisation", "", READ),
    "plans.cooperationagreement": Rule("plan", "plan", MANAGED),
    "plans.subagreement": Rule("sub_agreement", "", MANAGED),
    "plans.intervention": Rule("sub_agreement", "sub_agreement", {**READ, CHANGE: CONTENT}),
    "plans.commitment": Rule("plan_part", "", {**READ, CHANGE: COMMIT}),
    "plans.commitmentdelivery": Rule("plan_part", "commitment", {**READ, CHANGE: COMMIT}),
    "monitoring.goal": Rule("goal", "", MANAGED),
    "monitoring.milestone": Rule("goal", "goal", MANAGED),
    "monitoring.indicator": Rule("goal", "goal", MANAGED),
    "monitoring.target": Rule("goal", "indicator__goal", MANAGED),
    "monitoring.measurement": Rule("goal", "indicator__goal", {**READ, CHANGE: CONTENT, APPROVE: LEAD}),
    "monitoring.areastatistic": Rule("area_statistic", "", READ),
    "monitoring.obligation": Rule("plan", "plan", {VIEW: LBF_YEAR_READERS, EXPORT: LBF_YEAR_READERS, CHANGE: LEAD}),
    "monitoring.obligationdeadline": Rule("plan", "plan", {VIEW: LBF_YEAR_READERS, CHANGE: LEAD}),
    "monitoring.obligationreminder": Rule("plan", "obligation__plan", {VIEW: LEAD}),
    "monitoring.goalattainmentreport": Rule(
        "plan", "plan", {VIEW: LBF_YEAR_READERS, EXPORT: LBF_YEAR_READERS, CHANGE: LEAD}
    ),
    "governance.body": Rule("plan", "plan", MANAGED),
    "governance.membership": Rule("plan", "body__plan", MANAGED),
    "governance.meeting": Rule("meeting", "", MEETINGS),
    "governance.agendaitem": Rule("meeting", "meeting", MEETINGS),
    "governance.guest": Rule("meeting", "agenda_item__meeting", MEETINGS),
    "governance.attachment": Rule("meeting", "agenda_item__meeting", MEETINGS),
    "governance.minutes": Rule("meeting", "meeting", MEETINGS),
    "governance.decision": Rule("meeting", "agenda_item__meeting", MEETINGS),
    "governance.actionitem": Rule("meeting", "decision__agenda_item__meeting", MEETINGS),
    "governance.sendout": Rule("meeting", "meeting", MEETINGS),
    "governance.sendoutdelivery": Rule("meeting", "send_out__meeting", MEETINGS),
    "governance.attendance": Rule("meeting", "meeting", MEETINGS),
    "governance.proposalresponse": Rule("meeting", "meeting", MEETINGS),
    "governance.statusreport": Rule("report", "", MANAGED),
    # Drafted by the sekretariatsleder; approving records the board's decision (domain rule 6).
    "governance.agreementversion": Rule("agreement", "", {**MANAGED, APPROVE: LEAD}),
    "governance.interventionadjustment": Rule(
        "sub_agreement", "intervention__sub_agreement", {**READ, CHANGE: CONTENT}
    ),
    "governance.calendartoken": Rule("owner", "user", OWNED),
    "portal.apitoken": Rule("owner", "user", OWNED),
    # An import job is its uploader's: its page shows their file's progress and errors.
    "monitoring.importjob": Rule("owner", "requested_by", OWNED),
}


# Rules that join to-many relations, so rows would repeat: applied as a subquery instead.
DISTINCT_RULES = {"plans.organisation"}


def _rule(model) -> Rule:
    try:
        return RULES[model._meta.concrete_model._meta.label_lower]
    except KeyError:
        raise LookupError(f"plans.access has no rule for {model._meta.label}: add one to RULES") from None


def _condition(model, user, action: Action) -> Q | None:
    """The rows of ``model`` that ``user`` may ``action`` (None: all of them, for admins)."""
    action = Action(action)
    rule = _rule(model)
    if _is_admin(user) and rule.scope != "owner":  # a token is its owner's, admins' too
        return None
    roles = rule.roles.get(action)
    if not roles:
        return Q(pk__in=[])
    condition = SCOPES[rule.scope](rule.to, user, roles, action)
    if model._meta.label_lower == "plans.commitment" and action == CHANGE:
        condition &= _commitment_change(user)
    if model._meta.label_lower == "plans.commitmentdelivery" and action == CHANGE:
        condition &= _commitment_change(user, "commitment", proposals=False)
    return condition


def _owned_parties(user, to: str = "") -> Q:
    """Commitments (at ``to``) of the parties the user speaks for: a kommunal koordinator for the kommune
    and its forvaltninger, a boligorganisation's staff for their organisation (seed 002/004)."""
    coordinated = _assignments(user, {Role.MUNICIPAL_COORDINATOR}).values("organisation")
    housing = _assignments(user, {Role.HOUSING_ORG_STAFF}).values("organisation")
    return (
        Q(**{_join(to, "party__in"): coordinated})
        | Q(**{_join(to, "party__parent__in"): coordinated})
        | Q(**{_join(to, "party__in"): housing})
    )


def _commitment_change(user, to: str = "", *, proposals: bool = True) -> Q:
    """Who changes a commitment (at ``to``): the party that pays (``_owned_parties``); the
    sekretariatsleder the commitments of parties nobody else keeps (LBF, local partners) and, with
    ``proposals``, the proposals it made that the party has not yet confirmed."""
    lead_plans = _plans(user, LEAD).values("pk")
    kept = Q(**{_join(to, "plan__in"): lead_plans, _join(to, "party__kind__in"): SECRETARIAT_KEPT_PARTIES})
    condition = _owned_parties(user, to) | kept
    if proposals:
        condition |= Q(**{_join(to, "plan__in"): lead_plans, _join(to, "status"): "proposed"})
    return condition


# --- the public surface --------------------------------------------------------------------------


def restrict(queryset: QuerySet, user, action: Action = VIEW) -> QuerySet:
    """``queryset`` narrowed to the rows ``user`` may ``action`` (NetBox's ``restrict``)."""
    if _anonymous(user):
        return queryset.none()
    condition = _condition(queryset.model, user, action)
    if condition is None:
        return queryset
    if queryset.model._meta.label_lower in DISTINCT_RULES:
        return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def visible(user, model: type[Model], action: Action = VIEW) -> QuerySet:
    """Every row of ``model`` that ``user`` may ``action``."""
    return restrict(model._default_manager.all(), user, action)


def get_or_404(user, model_or_queryset, action: Action = VIEW, **lookup):
    """The object if ``user`` may see it (else 404); 403 when they may see it but not ``action`` it."""
    queryset = (
        model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager.all()
    )
    try:
        obj = restrict(queryset, user, VIEW).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(f"{queryset.model._meta.object_name} not found") from None
    if Action(action) != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def can(user, action: Action, obj: Model) -> bool:
    """May ``user`` ``action`` this object? (template flags, 403 checks)."""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def with_can(queryset: QuerySet, user, action: Action, name: str) -> QuerySet:
    """``queryset`` with each row's ``can(user, action, row)`` as the boolean ``name``, in the same query."""
    model = queryset.model
    return queryset.annotate(**{name: Exists(restrict(model._default_manager.filter(pk=OuterRef("pk")), user, action))})


def parents_for(user, action: Action, model: type[Model], parent_field: str) -> QuerySet:
    """The rows ``parent_field`` of ``model`` may point at for a new ``model`` row that ``user`` may
    ``action``: e.g. the indicators a user may enter measurements for
    (``parents_for(user, CHANGE, Measurement, "indicator")``). The model's rule, applied to the parent."""
    parent_model = model._meta.get_field(parent_field).related_model
    parents = parent_model._default_manager.all()
    if _anonymous(user):
        return parents.none()
    if _is_admin(user):
        return parents
    rule = _rule(model)
    roles = rule.roles.get(Action(action))
    if not roles:
        return parents.none()
    if rule.to != parent_field and not rule.to.startswith(parent_field + "__"):
        raise ValueError(f"{model._meta.label} does not reach its scope through {parent_field}")
    rest = rule.to.removeprefix(parent_field).removeprefix("__")
    return parents.filter(SCOPES[rule.scope](rest, user, roles, Action(action)))


def can_create(user, action: Action, model: type[Model], **parent) -> bool:
    """May ``user`` make a ``model`` row hanging from this parent (``indicator=...``)?"""
    ((field_name, obj),) = parent.items()
    return parents_for(user, action, model, field_name).filter(pk=obj.pk).exists()


def guest_items(user, meeting) -> list[int] | None:
    """The agenda items of ``meeting`` a person reaches only as a guest invited to them, or ``None``
    when they reach the whole meeting (a role that shows it, a seat in its body or an invited body).
    A guest is invited for one item: the meeting pack they get holds that item and its bilag only."""
    if _anonymous(user) or _is_admin(user):
        return None
    meeting_model = type(meeting)
    whole = _meeting_q("", user, ALL_ROLES, VIEW, as_guest=False)
    if meeting_model._default_manager.filter(whole, pk=meeting.pk).exists():
        return None
    guest = apps.get_model("governance", "Guest")
    items = guest.objects.filter(person__user_id=user.pk, agenda_item__meeting=meeting)
    return list(items.order_by("agenda_item__position").values_list("agenda_item_id", flat=True)) or None


def may_commit(user, plan: Plan, party) -> bool:
    """May ``user`` record a commitment of ``party`` on ``plan`` (before the row exists)? The
    sekretariatsleder may record any party's (for a party that keeps its own, as a proposal:
    ``owns_commitment``)."""
    if _anonymous(user):
        return False
    if _is_admin(user) or _plans(user, LEAD).filter(pk=plan.pk).exists():
        return True
    return owns_commitment(user, plan, party)


def owns_commitment(user, plan: Plan, party) -> bool:
    """Does ``user`` keep ``party``'s commitments on ``plan``, so what they record is confirmed at once
    (and they may confirm a proposal)? The party's own roles; the sekretariatsleder for LBF and local
    partners; admins for everyone."""
    if _anonymous(user):
        return False
    if _is_admin(user):
        return True
    if party.kind in SECRETARIAT_KEPT_PARTIES:
        return _plans(user, LEAD).filter(pk=plan.pk).exists()
    if not _plans(user, {Role.MUNICIPAL_COORDINATOR, Role.HOUSING_ORG_STAFF}).filter(pk=plan.pk).exists():
        return False
    owned = _assignments(user, {Role.MUNICIPAL_COORDINATOR, Role.HOUSING_ORG_STAFF})
    if party.kind == "housing_org":
        return owned.filter(role=Role.HOUSING_ORG_STAFF, organisation=party).exists()
    return owned.filter(role=Role.MUNICIPAL_COORDINATOR, organisation_id__in=[party.pk, party.parent_id]).exists()


def deliverable_commitments(user) -> QuerySet:
    """The commitments ``user`` may record deliveries against: those of the parties they keep
    (``_owned_parties``; the sekretariatsleder LBF's and local partners'). The rule of
    ``plans.commitmentdelivery`` for a row not made yet."""
    commitment = apps.get_model("plans", "Commitment")
    if _anonymous(user):
        return commitment.objects.none()
    if _is_admin(user):
        return commitment.objects.all()
    roles = RULES["plans.commitmentdelivery"].roles[CHANGE]
    return commitment.objects.filter(_plan_part_q("", user, roles, CHANGE) & _commitment_change(user, proposals=False))


def commitment_parties_for(user, plan: Plan):
    """The parties of ``plan`` ``user`` may record commitments for (``may_commit``), ordered by name."""
    parties = plan.parties(include_funders=True)
    if _anonymous(user):
        return parties.none()
    if _is_admin(user) or _plans(user, LEAD).filter(pk=plan.pk).exists():
        return parties.order_by("name")
    if not _plans(user, {Role.MUNICIPAL_COORDINATOR, Role.HOUSING_ORG_STAFF}).filter(pk=plan.pk).exists():
        return parties.none()
    coordinated = _assignments(user, {Role.MUNICIPAL_COORDINATOR}).values("organisation")
    housing = _assignments(user, {Role.HOUSING_ORG_STAFF}).values("organisation")
    return parties.filter(Q(pk__in=coordinated) | Q(parent__in=coordinated) | Q(pk__in=housing)).order_by("name")


def plans_for(user, action: Action = VIEW) -> QuerySet[Plan]:
    """The plans ``user`` may ``action``."""
    return visible(user, Plan, action)


def sub_agreements_for(user, action: Action = VIEW) -> QuerySet[SubAgreement]:
    return visible(user, SubAgreement, action)


def plans_for_roles(user, roles) -> QuerySet[Plan]:
    """The plans ``user`` reaches through these roles only (admins: all plans): for dashboards
    made for one role, e.g. the board's reading room."""
    if _anonymous(user):
        return Plan.objects.none()
    return _plans(user, frozenset(roles))


def get_plan_or_404(user, plan_id, action: Action = VIEW, queryset: QuerySet[Plan] | None = None) -> Plan:
    return get_or_404(user, queryset if queryset is not None else Plan.objects.all(), action, pk=plan_id)


# Pages made for one role, by URL name: who may open them (admins too). Other pages show each user their scope.
ROLE_PAGES: dict[str, frozenset[Role]] = {
    "my-secretariat": SECRETARIAT_ROLES,
    "reading-room": frozenset({Role.BOARD_MEMBER}),
}


def may_open(user, page: str, roles=None) -> bool:
    """May ``user`` open the role page ``page``? ``roles`` (names, e.g. the roles remembered in the
    session at login) spares the query; without them the user's role assignments are read."""
    if _anonymous(user):
        return False
    if user.is_superuser:
        return True
    wanted = {str(role) for role in ROLE_PAGES[page]}
    if roles is not None:
        return bool(wanted & set(roles))
    return user.role_assignments.filter(role__in=wanted).exists()


def open_role_pages(user, roles) -> set[str]:
    """The role pages to show in the navigation (all of them when the roles are not known)."""
    if roles is None:
        return set(ROLE_PAGES)
    return {page for page in ROLE_PAGES if may_open(user, page, roles)}


def user_roles(user) -> set[Role]:
    """The roles a user holds anywhere (for landing pages and navigation)."""
    if not user.is_authenticated:
        return set()
    return {Role(role) for role in user.role_assignments.values_list("role", flat=True).distinct()}
