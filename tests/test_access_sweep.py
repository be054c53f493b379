"""The access sweep (issue #11, item 4): every URL pattern × every demo role, web and API.

For every named URL pattern in the URLconf, ``SWEEP`` says how to build its kwargs from demo
objects (one object inside the role's VIEW scope and one outside, per ``tests/sweep_world.World``),
which methods to try and which action each needs. The expected status follows docs POLICY.md:

- anonymous: web 302 to /login/, API 401;
- outside the VIEW scope (other kommune, other plan, a hidden delaftale, the other body's meeting,
  an id that does not exist or is too large for the database): 404, web and API alike, also when a
  visible plan's id is combined with a child of another plan;
- inside the scope, action allowed: GET 200, POST with empty/invalid data 200/302/400, API PATCH {} 200;
- inside the scope, action not allowed: 403; a POST-only view answers 405 to GET.

Every response body (HTML, JSON, XLSX via openpyxl, ICS unfolded, PDF via pdftotext) must not
contain any name the role may not see (``sweep_world.hidden_names``, computed from the demo
world's structure, not from ``plans.access``).

A URL pattern without an entry in ``SWEEP`` fails ``test_every_url_pattern_is_in_the_sweep``.
DRF's format-suffix variants (``.json``) are recognised as their base route, and every API GET
inside the scope is also tried with ``.json``.

The Django admin (namespace ``admin``) is one rule, ``test_admin_sweep``: the admin index and every
registered model's changelist answer 200 to the superuser and 302 to the admin login to everyone else.

Decisions where POLICY.md is silent (see also the report of the sweep branch):
- XLSX exports (målinger, overblik, medfinansiering) are the "export" action: every reader may
  export what they may see (the file is made from their scope, like the page), so board and
  steering-group members get 200 with their part only.
- A POST-only view answers 405 to a logged-in GET; an anonymous GET may get 302 (login) or 405.
- Bodies and memberships of a visible plan (the governance structure on the plan page) are visible
  to everyone who sees the plan; strategic goals and their indicators too (POLICY), but not the
  indsatser of delaftaler a steering-group member may not see, even when linked to such an indicator.
- Creates through the API (POST to a list) with an empty body: 400 or 403 for every logged-in role.
- The calendar feed's key is the credential: own key 200 (only the role's own meetings), unknown 404.
  The same for the signed answer link of the agenda e-mail (deltager / afbud): a valid link 200, a forged one 404.
- Answering deltager / afbud for oneself ("answer") is for the meeting's invitees: plan-wide roles
  without a seat in the body get 403.
- The API schema and docs, /healthz, /login/ and /i18n/setlang/ are public (their current answer);
  the schema is swept for three readers only (it is generated per request and holds no data).
- The Læsesal (board) and Mit sekretariat keep today's role gate; the sekretariatsleder sits on the
  board as its secretary and so has the Læsesal too.
- A steering-group member sees the strategic goals and their indicators but may enter measurements
  only for their delaftaler's indicators ("in:view-only" in the messages: anything but view and export is 403).
- Reports are made for an audience: the board's reports are read by plan-wide roles and board
  members, a steering group's by plan-wide roles and that group; never a board report to a
  steering-group-only member (sweep_world makes both kinds for A1).

Run: ``pytest -n 2 tests/test_access_sweep.py``; ``SWEEP_REPORT=/tmp/sweep.jsonl`` also writes one
JSON line per (pattern, role) with its problems, for a failure list.
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import sweep_world as sw
from .sweep_world import ANONYMOUS, CAN, HUGE_ID, ROLES, Missing

pytestmark = pytest.mark.django_db


# --- The table ---------------------------------------------------------------------------------------


def _plan_of(obj):
    from governance.reports.models import StatusReport
    from monitoring.models import Goal, ImportJob, Indicator, Measurement, Obligation, Target
    from plans.models import Plan

    if isinstance(obj, Missing):
        return obj.plan
    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, (Goal, StatusReport, Obligation, ImportJob)):
        return obj.plan
    if isinstance(obj, Indicator):
        return obj.goal.plan
    if isinstance(obj, (Target, Measurement)):
        return obj.indicator.goal.plan
    return None


@dataclass(frozen=True)
class Req:
    """One way to call a URL: which object kind fills its kwargs and which action each method needs."""

    kind: str | None = None  # World.pick kind; None: a page without an object
    kwargs: Callable | None = None  # (object, plan) -> URL kwargs
    get: str | None = "view"  # action a GET needs; None: POST-only (GET is 405)
    post: str | None = None  # action a POST with empty data needs; None: not tried
    patch: str | None = None  # API detail: action a PATCH {} needs
    api: bool = False
    list_post: bool = False  # API list that creates: POST {} is 400/403
    query: str = ""
    ok_get: frozenset = frozenset({200})
    anonymous: frozenset | None = None  # overrides the anonymous rule (public URLs)
    public: bool = False  # same answer for everybody (anonymous included)
    cross: bool = False  # also try a visible plan's id with a child of another plan
    roles: frozenset | None = None  # only these roles (a static document: the same for every reader)


def plan_kw(o, p):
    return {"plan_id": o.pk}


def goal_kw(o, p):
    return {"plan_id": p.pk, "goal_id": o.pk}


def indicator_kw(o, p):
    return {"plan_id": p.pk, "indicator_id": o.pk}


def target_kw(o, p):
    indicator_id = o.indicator_id if not isinstance(o, Missing) else sw.MISSING_ID
    return {"plan_id": p.pk, "indicator_id": indicator_id, "target_id": o.pk}


def measurement_kw(o, p):
    return {"plan_id": p.pk, "measurement_id": o.pk}


def report_kw(o, p):
    return {"plan_id": p.pk, "report_id": o.pk}


def obligation_kw(o, p):
    return {"plan_id": p.pk, "obligation_id": o.pk}


def year_kw(o, p):
    return {"plan_id": o.pk, "year": 2025}


def one(name):
    return lambda o, p: {name: o.pk}


def pk_kw(o, p):
    return {"pk": o.pk}


def api_list(list_post=False):
    return [Req(api=True, query="page_size=500", list_post=list_post)]


def api_detail(kind, patch=None):
    return [Req(kind=kind, kwargs=pk_kw, api=True, patch=patch)]


WEB_POST = frozenset({200, 302, 400})
# The OpenAPI schema is generated on every request (about a second) and holds no data: three readers suffice.
STATIC_DOCUMENT_ROLES = frozenset({ANONYMOUS, "demo-admin", "demo-styregruppe"})

SWEEP: dict[str, list[Req]] = {
    # portal
    "home": [Req(ok_get=frozenset({302}))],
    "plan-list": [Req()],
    "plan-detail": [Req(kind="plan", kwargs=plan_kw)],
    "overview": [Req(), Req(query="format=xlsx", get="export")],
    "cofinancing": [Req(), Req(query="format=xlsx", get="export")],
    "plan-cofinancing": [
        Req(kind="plan", kwargs=plan_kw),
        Req(kind="plan", kwargs=plan_kw, query="format=xlsx", get="export"),
    ],
    "commitment-create": [Req(kind="plan", kwargs=plan_kw, get="propose", post="propose")],
    "commitment-detail": [Req(kind="commitment", kwargs=one("commitment_id"))],
    "commitment-edit": [Req(kind="commitment", kwargs=one("commitment_id"), get="commit", post="commit")],
    "commitment-confirm": [Req(kind="commitment", kwargs=one("commitment_id"), get=None, post="commit")],
    "delivery-add": [Req(kind="commitment", kwargs=one("commitment_id"), get=None, post="commit")],
    "delivery-delete": [Req(kind="delivery", kwargs=one("delivery_id"), get=None, post="commit")],
    "project-bank": [Req()],
    "area-barometer": [Req()],
    "area-statistics-import": [Req(get="import_statistics", post="import_statistics")],
    "area-statistics-import-confirm": [Req(get=None, post="import_statistics")],
    "my-secretariat": [Req(get="secretariat")],
    "reading-room": [Req(get="reading_room")],
    "login": [Req(anonymous=frozenset({200}), ok_get=frozenset({302}))],
    "logout": [Req(get=None, post="view", anonymous=frozenset({405}))],
    "set_language": [Req(public=True, ok_get=frozenset({204, 302}))],
    "api-tokens": [Req(post="view")],
    "api-token-revoke": [Req(kind="api_token", kwargs=lambda o, p: {"token_id": o}, get=None, post="view")],
    "healthz": [Req(public=True)],
    # målstyring
    "monitoring:goal-tree": [Req(kind="plan", kwargs=plan_kw)],
    "monitoring:goal-create": [Req(kind="plan", kwargs=plan_kw, get="manage", post="manage")],
    "monitoring:goal-edit": [Req(kind="goal", kwargs=goal_kw, get="manage", post="manage", cross=True)],
    "monitoring:indicator-create": [Req(kind="goal", kwargs=goal_kw, get="manage", post="manage", cross=True)],
    "monitoring:target-create": [Req(kind="indicator", kwargs=indicator_kw, get="manage", post="manage", cross=True)],
    "monitoring:target-edit": [Req(kind="target", kwargs=target_kw, get="manage", post="manage", cross=True)],
    "monitoring:indicator-detail": [Req(kind="indicator", kwargs=indicator_kw, cross=True)],
    "monitoring:measurement-create": [Req(kind="indicator", kwargs=indicator_kw, get="edit", post="edit", cross=True)],
    "monitoring:indicator-export": [Req(kind="indicator", kwargs=indicator_kw, get="export", cross=True)],
    "monitoring:measurement-approve": [
        Req(kind="measurement", kwargs=measurement_kw, get=None, post="approve", cross=True)
    ],
    "monitoring:import-upload": [Req(kind="plan", kwargs=plan_kw, get="edit", post="edit")],
    "monitoring:import-confirm": [Req(kind="plan", kwargs=plan_kw, get=None, post="edit")],
    "monitoring:plan-export": [Req(kind="plan", kwargs=plan_kw, get="export")],
    "monitoring:import-job": [Req(kind="import_job", kwargs=lambda o, p: {"plan_id": p.pk, "job_id": o.pk})],
    "monitoring:import-job-retry": [
        Req(kind="import_job", kwargs=lambda o, p: {"plan_id": p.pk, "job_id": o.pk}, get=None, post="view")
    ],
    # the LBF year (issue #14): the whole plan's obligations and målopfyldelsesskema, not a steering group's
    "lbf:obligations": [Req(kind="plan", kwargs=plan_kw, get="lbf", post="manage")],
    "lbf:deadlines": [Req(kind="plan", kwargs=plan_kw, get="manage", post="manage")],
    "lbf:obligation-edit": [Req(kind="obligation", kwargs=obligation_kw, get="manage", post="manage", cross=True)],
    "lbf:obligation-file": [Req(kind="obligation_file", kwargs=obligation_kw, get="lbf", cross=True)],
    "lbf:goal-attainment": [Req(kind="plan", kwargs=year_kw, get="lbf", post="manage")],
    "lbf:goal-attainment-submit": [Req(kind="plan", kwargs=year_kw, get=None, post="manage")],
    "lbf:goal-attainment-xlsx": [Req(kind="plan", kwargs=year_kw, get="lbf")],
    "lbf:goal-attainment-pdf": [Req(kind="plan", kwargs=year_kw, get="lbf")],
    # governance
    "governance:upcoming-meetings": [Req()],
    "governance:meeting-list": [Req(kind="plan", kwargs=plan_kw)],
    "governance:meeting-create": [Req(kind="plan", kwargs=plan_kw, get="manage", post="manage")],
    "governance:decision-register": [Req(kind="plan", kwargs=plan_kw)],
    "governance:meeting-detail": [Req(kind="meeting", kwargs=one("meeting_id"))],
    "governance:meeting-edit": [Req(kind="open_meeting", kwargs=one("meeting_id"), get="manage", post="manage")],
    "governance:meeting-agenda": [Req(kind="meeting", kwargs=one("meeting_id"))],
    "governance:meeting-send": [Req(kind="open_meeting", kwargs=one("meeting_id"), get=None, post="send")],
    "governance:meeting-send-retry": [Req(kind="open_meeting", kwargs=one("meeting_id"), get=None, post="send")],
    "governance:meeting-pack": [Req(kind="open_meeting", kwargs=one("meeting_id"))],
    "governance:item-create": [Req(kind="open_meeting", kwargs=one("meeting_id"), get="manage", post="manage")],
    "governance:minutes-edit": [Req(kind="open_meeting", kwargs=one("meeting_id"), get="manage", post="manage")],
    "governance:minutes-approve": [Req(kind="open_meeting", kwargs=one("meeting_id"), get=None, post="manage")],
    "governance:item-edit": [Req(kind="item", kwargs=one("item_id"), get="manage", post="manage")],
    "governance:item-delete": [Req(kind="item", kwargs=one("item_id"), get=None, post="manage")],
    "governance:item-move": [Req(kind="item", kwargs=one("item_id"), get=None, post="manage")],
    "governance:attachment-upload": [Req(kind="item", kwargs=one("item_id"), get=None, post="manage")],
    "governance:attachment-download": [Req(kind="attachment", kwargs=one("attachment_id"))],
    "governance:attachment-delete": [Req(kind="attachment", kwargs=one("attachment_id"), get=None, post="manage")],
    "governance:action-create": [Req(kind="decision", kwargs=one("decision_id"), get=None, post="manage")],
    "governance:decision-correct": [Req(kind="decision", kwargs=one("decision_id"), get="manage", post="manage")],
    "governance:action-status": [Req(kind="action", kwargs=one("action_id"), get=None, post="manage")],
    "governance:calendar-settings": [Req(post="view")],
    "governance:calendar-feed": [Req(kind="calendar", kwargs=lambda o, p: {"token": o}, anonymous=frozenset({404}))],
    "governance:report-archive": [Req(kind="plan", kwargs=plan_kw)],
    "governance:report-request": [Req(kind="plan", kwargs=plan_kw, get=None, post="manage")],
    "governance:report-status": [Req(kind="report", kwargs=report_kw, cross=True)],
    "governance:report-retry": [Req(kind="report", kwargs=report_kw, get=None, post="manage", cross=True)],
    "governance:agenda-builder": [Req(kind="open_meeting", kwargs=one("meeting_id"), get="manage")],
    "governance:proposal-accept": [Req(kind="open_meeting", kwargs=one("meeting_id"), get=None, post="manage")],
    "governance:proposal-dismiss": [Req(kind="open_meeting", kwargs=one("meeting_id"), get=None, post="manage")],
    "governance:proposal-restore": [Req(kind="proposal_response", kwargs=one("response_id"), get=None, post="manage")],
    "governance:item-place": [Req(kind="item", kwargs=one("item_id"), get=None, post="manage")],
    "governance:attendance-respond": [Req(kind="open_meeting", kwargs=one("meeting_id"), get=None, post="answer")],
    "governance:attendance-record": [Req(kind="open_meeting", kwargs=one("meeting_id"), get="manage", post="manage")],
    "governance:attendance-link": [
        Req(kind="answer_link", kwargs=lambda o, p: {"token": o}, anonymous=frozenset({404}))
    ],
    "governance:report-download": [Req(kind="report", kwargs=report_kw, cross=True)],
    "governance:agreement-detail": [Req(kind="plan", kwargs=plan_kw)],
    "governance:agreement-draft": [Req(kind="plan", kwargs=plan_kw, get="manage", post="manage")],
    "governance:sub-agreement-detail": [Req(kind="sub_agreement", kwargs=one("sub_agreement_id"))],
    "governance:sub-agreement-draft": [
        Req(kind="sub_agreement", kwargs=one("sub_agreement_id"), get="manage", post="manage")
    ],
    "governance:sub-agreement-interventions": [Req(kind="sub_agreement", kwargs=one("sub_agreement_id"))],
    "governance:intervention-adjust": [
        Req(kind="intervention", kwargs=one("intervention_id"), get="edit", post="edit")
    ],
    "governance:agreement-version": [Req(kind="agreement_version", kwargs=one("version_id"))],
    "governance:agreement-version-approve": [
        Req(kind="agreement_version", kwargs=one("version_id"), get=None, post="manage")
    ],
    "governance:agreement-version-lbf": [
        Req(kind="agreement_version", kwargs=one("version_id"), get=None, post="manage")
    ],
    # API
    "api:schema": [Req(api=True, anonymous=frozenset({200}), roles=STATIC_DOCUMENT_ROLES)],
    "api:docs": [Req(api=True, anonymous=frozenset({200}), roles=STATIC_DOCUMENT_ROLES)],
    "api:api-root": [Req(api=True)],
    "api:plan-list": api_list(),
    "api:plan-detail": api_detail("plan"),
    "api:sub-agreement-list": api_list(),
    "api:sub-agreement-detail": api_detail("sub_agreement"),
    "api:intervention-list": api_list(list_post=True),
    "api:intervention-detail": api_detail("intervention", patch="edit"),
    "api:commitment-list": api_list(list_post=True),
    "api:commitment-detail": api_detail("commitment", patch="commit"),
    "api:commitment-delivery-list": api_list(list_post=True),
    "api:commitment-delivery-detail": api_detail("delivery"),
    "api:goal-list": api_list(),
    "api:goal-detail": api_detail("goal"),
    "api:indicator-list": api_list(),
    "api:indicator-detail": api_detail("indicator"),
    "api:measurement-list": [Req(api=True, query="page_size=20", list_post=True)],
    "api:measurement-detail": api_detail("measurement", patch="edit"),
    "api:area-statistic-list": [Req(api=True, query="page_size=20")],
    "api:area-statistic-detail": api_detail("area_statistic"),
    "api:body-list": api_list(),
    "api:body-detail": api_detail("body"),
    "api:membership-list": api_list(),
    "api:membership-detail": api_detail("membership"),
    "api:meeting-list": api_list(),
    "api:meeting-detail": api_detail("meeting"),
    "api:decision-list": api_list(),
    "api:decision-detail": api_detail("decision"),
    "api:action-item-list": api_list(),
    "api:action-item-detail": api_detail("action"),
    "api:status-report-list": api_list(),
    "api:status-report-detail": api_detail("report"),
    "api:status-report-pdf": api_detail("report"),
}

# Who may do what where the action is not "inside a plan": the dashboards keep today's role gate.
CAN_PAGE = {role: set(actions) for role, actions in CAN.items()}


# --- The URLconf ------------------------------------------------------------------------------------


@dataclass
class Pattern:
    name: str | None
    route: str
    format_suffix: bool


def url_patterns(resolver=None, prefix: str = "", namespace: str | None = None) -> list[Pattern]:
    """Every URL pattern, recursively, with its namespaced name."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += url_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            route = prefix + str(entry.pattern)
            suffix = "(?P<format>" in route or "<drf_format_suffix:format>" in route
            found.append(Pattern(name, route, suffix))
    return found


def _is_admin(pattern: Pattern) -> bool:
    return (pattern.name or "").startswith("admin:") or pattern.route.startswith("admin/")


def test_every_url_pattern_is_in_the_sweep():
    """A new URL without an entry in SWEEP fails here: add it to the sweep."""
    missing = sorted(
        {f"{p.name or '(unnamed)'} ({p.route})" for p in url_patterns() if not _is_admin(p) and p.name not in SWEEP}
    )
    hint = "URL patterns without an entry in tests/test_access_sweep.py SWEEP (add them to the sweep): "
    assert not missing, hint + ", ".join(missing)
    names = {p.name for p in url_patterns()}
    stale = sorted(set(SWEEP) - names)
    assert not stale, f"SWEEP entries for URL names that no longer exist: {stale}"
    suffixed = {p.name for p in url_patterns() if p.format_suffix}
    assert suffixed and suffixed <= set(SWEEP), "format-suffix routes map to their base entry"


# --- Fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Reports, bilag, packs, tokens for the sweep, in a transaction rolled back after the module."""
    from django.db import transaction
    from django.test.utils import override_settings

    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("sweep-media")))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            extras = sw.make_extras()
            world = sw.World(extras)
            world.hidden = {role: sw.hidden_names(role) for role in ROLES}
            world.clients = {}
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()


def test_hidden_names_are_realistic(world):
    """The sweep can't silently become vacuous: every restricted role has enough names to look for."""
    for role, minimum in sw.MIN_HIDDEN.items():
        assert len(world.hidden[role]) >= minimum, (role, world.hidden[role])
    assert "Delaftale: Kriminalitetsforebyggelse" in world.hidden["demo-styregruppe"]
    assert "Bestyrelsesmøde (sommer)" in world.hidden["demo-styregruppe"]
    assert "Lektiecaféens åbningstider" in world.hidden["demo-bestyrelse"]
    assert sw.PLAN_A1 in world.hidden["demo-koordinator-2"]
    assert sw.PLAN_B in world.hidden["demo-koordinator"]
    assert world.hidden["demo-admin"] == []


# --- Running one (pattern, role) --------------------------------------------------------------------


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    requests: int = 0


def _client(world, role: str, api: bool):
    """One client per (role, web/API) for the module, all sharing one handler: building a handler loads
    the middleware (WhiteNoise scans the static files), which would dominate the sweep's run time."""
    from rest_framework.test import APIClient

    client = world.clients.get((role, api))
    if client is None:
        client = APIClient() if api else Client()
        client.raise_request_exception = False  # a view's exception is a 500 to record, not a crash
        shared = world.clients.setdefault(("handler", api), client.handler)
        client.handler = shared
        if api and role != ANONYMOUS:
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.extras.api_keys[role]}")
        world.clients[(role, api)] = client
    if not api:
        client.cookies.clear()  # each test's session rows are rolled back with the test
        if role != ANONYMOUS:
            client.force_login(world.users[role])
    return client


def _allowed(role: str, action: str | None) -> bool:
    return action is not None and action in CAN[role]


def _expected(req: Req, role: str, method: str, scope: str, action: str | None) -> frozenset:
    if req.public:
        return req.ok_get
    if role == ANONYMOUS:
        if req.anonymous is not None and method == "GET":
            return req.anonymous
        if req.api:
            return frozenset({401})
        if method == "GET" and req.get is None:
            return frozenset({302, 405})
        return frozenset({302})
    if method == "GET" and req.get is None:
        # An id too large for the database matches no route at all: 404 then tells as little as 405.
        return frozenset({404, 405}) if scope == "out" else frozenset({405})
    if method == "POST" and req.list_post:
        return frozenset({400, 403})
    if scope in ("out", "in:binary-suffix"):
        return frozenset({404})
    if not _allowed(role, action) or (scope == "in:view-only" and action not in ("view", "export")):
        return frozenset({403})
    if method == "GET":
        return req.ok_get
    if method == "PATCH":
        return frozenset({200})
    return WEB_POST


def _call(client, method: str, url: str, api: bool):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, {}, format="json") if api else client.post(url, {})
    return client.patch(url, {}, format="json")


def _check(outcome, world, role, req, method, url, scope, action, client):
    expected = _expected(req, role, method, scope, action)
    response = _call(client, method, url, req.api)
    outcome.requests += 1
    got = response.status_code
    if got not in expected:
        outcome.problems.append(f"STATUS {method} {url} [{scope}] expected {sorted(expected)} got {got}")
    elif (
        got == 302
        and role == ANONYMOUS
        and not (req.api or req.public or req.anonymous)
        and not response["Location"].startswith("/login/")
    ):
        outcome.problems.append(f"STATUS {method} {url} [{scope}] redirects to {response['Location']}, not /login/")
    names = world.hidden[role]
    if names and got != 302:
        kind, text = sw.response_text(response)
        found = sw.leaked(text, names)
        if found:
            outcome.problems.append(f"LEAK {method} {url} [{scope}] ({kind}, {got}): {found}")


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _objects(world, req: Req, role: str):
    """[(scope, object, plan)] to call ``req`` with for ``role``."""
    if req.kind is None:
        return [("page", None, None)]
    if req.kind == "calendar":
        own = [("in", world.extras.calendar_keys[role], None)] if role != ANONYMOUS else []
        return [*own, ("out", "x" * 43, None)]
    if req.kind == "answer_link":  # the signature is the credential: a valid link 200, a forged one 404
        token = world.answer_token(role) if role != ANONYMOUS else None
        return [*([("in", token, None)] if token else []), ("out", "x" * 43, None)]
    if role == ANONYMOUS:
        inside, _outside = world.pick(req.kind, "demo-admin")
        return [("in", inside[0], _plan_of(inside[0]))] if inside else []
    inside, outside = world.pick(req.kind, role)
    calls = [
        (
            "in:view-only" if (req.kind, getattr(o, "pk", o)) in world.view_only else "in",
            o,
            _plan_of(o) or world.plan_in(role),
        )
        for o in inside
    ]
    if req.kind == "api_token":
        return calls + [("out", o, None) for o in outside]
    if role == "demo-admin":
        outside = [*outside, Missing(world.plan_in(role))]
        outside[-1].pk = outside[-1].id = HUGE_ID
    for o in outside:
        plan = _plan_of(o) or world.plan_in(role)
        calls.append(("out", o, plan))
        if req.cross and plan is not None and plan != world.plan_in(role) and not isinstance(o, Missing):
            calls.append(("out", o, world.plan_in(role)))  # a visible plan's id with another plan's child
    return calls


BINARY_API_ROUTES = {"api:status-report-pdf"}


def _reverse(name: str, kwargs: dict) -> str:
    """``reverse``, also for an id too large for the database, which the URL converters refuse to
    reverse: the URL is built with a stand-in id and the id put in as text (the request must get 404)."""
    huge = {key: value for key, value in kwargs.items() if isinstance(value, int) and value >= HUGE_ID}
    if not huge:
        return reverse(name, kwargs=kwargs)
    stand_in = 987654321987654321
    url = reverse(name, kwargs={**kwargs, **dict.fromkeys(huge, stand_in)})
    return url.replace(str(stand_in), str(HUGE_ID))


def sweep_one(world, name: str, role: str) -> Outcome:
    outcome = Outcome()
    last = []  # logout must come last: it ends the session
    for req in SWEEP[name]:
        client = _client(world, role, req.api)
        for scope, obj, plan in _objects(world, req, role):
            kwargs = req.kwargs(obj, plan) if req.kwargs else {}
            url = _with_query(_reverse(name, kwargs), req.query)
            _check(outcome, world, role, req, "GET", url, scope, req.get, client)
            if req.api and scope.startswith("in") and role != ANONYMOUS and req.get is not None:
                suffixed = reverse(name, kwargs={**kwargs, "format": "json"})
                # A binary endpoint (the report PDF) has no JSON form: its suffix routes are 404, never 500.
                suffix_scope = "in:binary-suffix" if name in BINARY_API_ROUTES else scope
                _check(outcome, world, role, req, "GET", suffixed, suffix_scope, req.get, client)
            if req.post is not None or req.list_post:
                last.append((req, url, scope, client))
            if req.patch is not None:
                _check(outcome, world, role, req, "PATCH", url, scope, req.patch, client)
    for req, url, scope, client in last:
        _check(outcome, world, role, req, "POST", url, scope, req.post, client)
    return outcome


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(SWEEP))
def test_sweep(world, name, role):
    if any(req.roles is not None and role not in req.roles for req in SWEEP[name]):
        pytest.skip(f"{name} is a static document; swept for {sorted(STATIC_DOCUMENT_ROLES)}")
    outcome = sweep_one(world, name, role)
    if os.environ.get("SWEEP_REPORT"):  # one JSON line per case, for the integrator's failure list
        with open(os.environ["SWEEP_REPORT"], "a") as report:
            report.write(json.dumps({"name": name, "role": role, "problems": outcome.problems}, ensure_ascii=False))
            report.write("\n")
    assert outcome.requests, f"{name} × {role}: nothing was requested"
    assert not outcome.problems, f"{name} × {role}:\n" + "\n".join(outcome.problems)


# --- The Django admin: one rule ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_admin_sweep(world, role):
    from django.contrib import admin

    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    client = _client(world, role, api=False)
    problems = []
    for url in urls:
        response = client.get(url)
        if role == "demo-admin":
            if response.status_code != 200:
                problems.append(f"{url}: expected 200 got {response.status_code}")
        elif response.status_code != 302 or not response["Location"].startswith(reverse("admin:login")):
            problems.append(f"{url}: expected 302 to the admin login, got {response.status_code}")
    assert not problems, "\n".join(problems)
