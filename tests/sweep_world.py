"""The demo world as the access sweep sees it (tests/test_access_sweep.py).

- ``sweep_extras``: what the sweep needs beyond ``seed_demo``: finished status reports (PDFs), bilag,
  sent meeting packs, a commitment per delaftale, calendar-feed keys and API tokens per role.
  Everything is made through the services, inside one transaction per test module that is rolled
  back at the end, so no other test module ever sees it.
- ``World``: for each role, an object inside its VIEW scope and one outside, per kind of object.
- ``hidden_names``: per role, the names it must never see, computed from the demo world's
  structure and POLICY.md (deliberately *not* through ``plans.access``, so the sweep is an
  independent check of it).
"""

import io
import json
import re
import subprocess
from dataclasses import dataclass, field
from html import unescape

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.bodies.models import Body, Membership
from governance.meetings.models import ActionItem, AgendaItem, Attachment, Decision, Meeting
from governance.reports.models import StatusReport
from monitoring.models import AreaStatistic, Goal, Indicator, Measurement
from plans.demo import DEMO_USERS
from plans.models import Commitment, CommitmentDelivery, Intervention, Organisation, Plan, SubAgreement

PLAN_A1 = "Helhedsplan Vestparken og Nørre Enge"
PLAN_A2 = "Helhedsplan Søndermarken"
PLAN_B = "Helhedsplan Åbæk Øst"
STYREGRUPPE_BODY = "Styregruppen for uddannelse og beskæftigelse"
MISSING_ID = 2_000_000_000  # a valid integer no demo row has
HUGE_ID = 2**64  # larger than any database integer: must be 404, not 500

ANONYMOUS = "anonymous"
ROLES = [*DEMO_USERS, ANONYMOUS]
FJORDBY_PLAN_WIDE = {"demo-sekretariatsleder", "demo-koordinator", "demo-boligorg"}
AABAEK = {"demo-koordinator-2", "demo-boligorg-2"}

# What each role may do inside its VIEW scope (POLICY.md's role table). Actions:
# view, manage (meetings, agendas, minutes, decisions, goals/targets, reports), send (agenda),
# approve (measurements), edit (measurements and interventions), commit (change the kommune's commitments
# and record their deliveries: kept by the kommune, issue #14), propose (record a commitment on a plan:
# the payers, and the sekretariatsleder as a proposal), export.
ALL_ACTIONS = {
    "view",
    "manage",
    "send",
    "approve",
    "edit",
    "commit",
    "propose",
    "lbf",
    "import_statistics",
    "export",
    "secretariat",
    "reading_room",
}
CAN = {
    "demo-admin": ALL_ACTIONS,
    # The sekretariatsleder sits on the board as its secretary, so the Læsesal is theirs too.
    "demo-sekretariatsleder": {
        "view",
        "manage",
        "send",
        "approve",
        "edit",
        "propose",
        "lbf",
        "import_statistics",
        "export",
        "secretariat",
        "reading_room",
        "answer",
    },
    "demo-koordinator": {"view", "commit", "propose", "lbf", "export"},
    "demo-boligorg": {"view", "edit", "propose", "lbf", "export"},
    # "answer": deltager / afbud for oneself: the invitees of the role's open meeting (a seat in its body).
    "demo-bestyrelse": {"view", "export", "lbf", "reading_room", "answer"},
    "demo-styregruppe": {"view", "edit", "export", "answer"},
    "demo-koordinator-2": {"view", "commit", "propose", "lbf", "export"},
    "demo-boligorg-2": {"view", "edit", "propose", "lbf", "export"},
}


# --- Bodies as text ---------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("\u00a0", " ").split())


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    cells = []
    for sheet in workbook.worksheets:
        cells.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def _ics_text(content: bytes) -> str:
    text = content.decode()
    text = re.sub(r"\r?\n[ \t]", "", text)  # unfold RFC 5545 continuation lines
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\N", "\n")


def response_bytes(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def response_text(response) -> tuple[str, str]:
    """(kind, text) of a response body: PDF via pdftotext, XLSX via openpyxl, ICS unfolded, JSON, HTML."""
    content = response_bytes(response)
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type == "application/pdf" or content.startswith(b"%PDF-"):
        return "pdf", _pdf_text(content)
    if "spreadsheetml" in content_type:
        return "xlsx", _xlsx_text(content)
    if content_type == "text/calendar":
        return "ics", _ics_text(content)
    if content_type == "application/json" and content:
        try:
            return "json", json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            pass
    try:
        return content_type or "text", unescape(content.decode())
    except UnicodeDecodeError:
        return content_type or "binary", ""


# --- Extra data --------------------------------------------------------------------------------------

# A minimal one-page PDF (the bilag's content is sniffed, so it must really start like a PDF).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_board_reports(plan: Plan, kinds=("pixi", "full")) -> list[StatusReport]:
    """The board's reports for ``plan``."""
    return [_generate_report(plan, kind, audience=StatusReport.Audience.BOARD) for kind in kinds]


def make_steering_group_reports(plan: Plan, body_name: str, kinds=("pixi", "full")) -> list[StatusReport]:
    """The reports made for one steering group of ``plan``: readable by that group and plan-wide roles."""
    from governance.bodies.models import Body

    body = Body.objects.get(plan=plan, name=body_name)
    return [
        _generate_report(plan, kind, audience=StatusReport.Audience.STEERING_GROUP, audience_body=body)
        for kind in kinds
    ]


def _generate_report(plan: Plan, kind: str, **audience) -> StatusReport:
    from governance.reports.services import status_report_generate, status_report_request

    report = status_report_request(plan=plan, period=report_period(), kind=kind, via="command", **audience)
    # Inside the module's transaction on_commit never fires: run the job the task would run.
    status_report_generate(report_id=report.pk, task_id=report.task_id)
    report.refresh_from_db()
    assert report.state == StatusReport.State.DONE, report.last_error
    return report


def report_period() -> str:
    """The quarter of the A1 steering group's last meeting: the board's report for it must not show it."""
    from django.utils import timezone

    meeting = Meeting.objects.get(body__plan__name=PLAN_A1, body__name=STYREGRUPPE_BODY, title__endswith="(efterår)")
    day = timezone.localtime(meeting.starts_at).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def calendar_feed_key(user) -> str:
    """A fresh calendar-feed key for ``user`` through the service (works whether the service returns the
    token row, whose ``token`` is the key today, or a (row, key) pair once keys are stored hashed)."""
    from governance.meetings.services import calendar_token_create

    created = calendar_token_create(user=user)
    if isinstance(created, tuple):
        return created[1]
    return created.token


def _attach(meeting: Meeting, name: str, user) -> Attachment:
    from governance.meetings.services import attachment_add

    item = meeting.agenda_items.order_by("position", "pk").first()
    return attachment_add(item=item, upload=SimpleUploadedFile(name, TINY_PDF, "application/pdf"), user=user)


def _send(meeting: Meeting, user) -> None:
    from governance.meetings.services import meeting_request_send_out, send_out_deliver

    send_out = meeting_request_send_out(meeting=meeting, user=user, resend=True)
    send_out_deliver(send_out_id=send_out.pk)


@dataclass
class Extras:
    reports: dict[str, list[StatusReport]] = field(default_factory=dict)  # plan key -> reports
    calendar_keys: dict[str, str] = field(default_factory=dict)  # username -> feed key
    api_keys: dict[str, str] = field(default_factory=dict)  # username -> API token key
    api_tokens: dict[str, int] = field(default_factory=dict)  # username -> ApiToken id
    commitments: dict[str, Commitment] = field(default_factory=dict)  # delaftale title (A1) -> commitment


def make_extras() -> Extras:
    from plans.services import commitment_create, commitment_delivery_add
    from portal.services import api_token_create

    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERS)}
    lead, admin = users["demo-sekretariatsleder"], users["demo-admin"]
    a1, b = Plan.objects.get(name=PLAN_A1), Plan.objects.get(name=PLAN_B)
    extras = Extras()
    for plan, actor, prefix in ((a1, lead, "Notat til"), (b, admin, "Bilag for")):
        for meeting in Meeting.objects.filter(body__plan=plan, title__endswith="(vinter)"):
            _attach(meeting, f"{prefix} {meeting.body.name} om {meeting.title}.pdf", actor)
            _send(meeting, actor)
    extras.reports = {
        "A1": make_board_reports(a1),
        "A1_GROUP": make_steering_group_reports(a1, STYREGRUPPE_BODY),
        "B": make_board_reports(b, kinds=("pixi",)),
    }
    department = Organisation.objects.filter(parent=a1.municipality).order_by("name").first()
    for sub_agreement in a1.sub_agreements.all():
        extras.commitments[sub_agreement.title] = commitment_create(
            party=department,
            plan=a1,
            sub_agreement=sub_agreement,
            year=2026,
            form=Commitment.Form.STAFF_IN_ACTIVITIES,
            amount=10000,
            hours=10,
        )
        commitment_delivery_add(
            commitment=extras.commitments[sub_agreement.title], date=a1.start_date, amount=2500, note="Første rate"
        )
    for plan in (a1, b):  # a submitted obligation with its file (stored in the sweep's media folder)
        from monitoring.models import Obligation
        from monitoring.obligations import obligation_update
        from plans.files import check_document

        obligation = Obligation.objects.filter(plan=plan, state=Obligation.State.SUBMITTED).order_by("pk").first()
        upload = SimpleUploadedFile(f"Selvevaluering for {plan.name}.pdf", TINY_PDF, "application/pdf")
        obligation_update(
            obligation=obligation,
            state=obligation.state,
            responsible=obligation.responsible,
            submitted_on=obligation.submitted_on,
            upload=upload,
            checked_file=check_document(upload),
        )
    for username, user in users.items():
        extras.calendar_keys[username] = calendar_feed_key(user)
        token, key = api_token_create(user=user, name="sweep")
        extras.api_keys[username], extras.api_tokens[username] = key, token.pk
    return extras


# --- In and out of scope, per role -----------------------------------------------------------------


class Missing:
    """Stands in for an object that does not exist (the admin's "out of scope")."""

    pk = MISSING_ID
    id = MISSING_ID

    def __init__(self, plan=None):
        self.plan = plan

    def __repr__(self) -> str:
        return "<missing>"


class World:
    """Demo objects by role and scope: ``world.pick(kind, role)`` -> (inside, outside) lists."""

    def __init__(self, extras: Extras):
        self.extras = extras
        names = (("A1", PLAN_A1), ("A2", PLAN_A2), ("B", PLAN_B))
        self.plans = {key: Plan.objects.get(name=name) for key, name in names}
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERS)}
        a1 = self.plans["A1"]
        self.group = Body.objects.get(plan=a1, name=STYREGRUPPE_BODY)
        self.group_sub_agreements = set(self.group.sub_agreements.values_list("pk", flat=True))
        self.view_only: set[tuple[str, int]] = set()  # (kind, pk) a role sees but may only read

    # plans in and out of each role's scope
    def plan_in(self, role: str) -> Plan:
        return self.plans["B"] if role in AABAEK else self.plans["A1"]

    def plan_out(self, role: str):
        if role == "demo-admin":
            return Missing()
        if role in AABAEK:
            return self.plans["A1"]
        if role in FJORDBY_PLAN_WIDE:
            return self.plans["B"]
        return self.plans["A2"]  # board and steering-group members reach only A1

    def _split(self, role, queryset, plan_field: str, sub_agreement_field: str | None, **filters):
        """(inside, outside) rows of ``queryset`` for ``role`` (first row each, ordered by pk)."""
        inside_plan, outside_plan = self.plan_in(role), self.plan_out(role)
        qs = queryset.filter(**filters).order_by("pk")
        if role == "demo-styregruppe" and sub_agreement_field:
            mine = qs.filter(**{plan_field: inside_plan, f"{sub_agreement_field}__in": self.group_sub_agreements})
            hidden = qs.filter(**{plan_field: inside_plan}).exclude(
                **{f"{sub_agreement_field}__in": self.group_sub_agreements}
            )
            inside = [mine.first()]
            outside = [hidden.first(), qs.filter(**{plan_field: outside_plan}).first()]
        else:
            inside = [qs.filter(**{plan_field: inside_plan}).first()]
            outside = (
                [Missing(inside_plan)]
                if isinstance(outside_plan, Missing)
                else [qs.filter(**{plan_field: outside_plan}).first()]
            )
        return [o for o in inside if o is not None], [o for o in outside if o is not None]

    def pick(self, kind: str, role: str):
        method = getattr(self, f"_pick_{kind}")
        return method(role)

    def _pick_plan(self, role):
        return [self.plan_in(role)], [self.plan_out(role)]

    def _pick_sub_agreement(self, role):
        return self._split(role, SubAgreement.objects.all(), "plan", "pk")

    def _pick_intervention(self, role):
        return self._split(role, Intervention.objects.all(), "sub_agreement__plan", "sub_agreement")

    def _pick_agreement_version(self, role):
        """Versions of a delaftale (the styregruppe: its own inside, another delaftale's outside) and
        of the samarbejdsaftale (every role on the plan reads them), inside and outside the scope."""
        from governance.agreements.models import AgreementVersion

        versions = AgreementVersion.objects.all()
        inside, outside = self._split(role, versions.filter(sub_agreement__isnull=False), "plan", "sub_agreement")
        cooperation_in, cooperation_out = self._split(role, versions.filter(sub_agreement__isnull=True), "plan", None)
        return [*inside, *cooperation_in], [*outside, *cooperation_out]

    def _strategic_of_hidden_area(self):
        """An A1 strategic goal whose indsatsområde is a delaftale the styregruppe may not see."""
        hidden = SubAgreement.objects.filter(plan=self.plans["A1"]).exclude(pk__in=self.group_sub_agreements)
        return (
            Goal.objects.filter(level=Goal.Level.STRATEGIC, sub_goals__sub_agreement__in=hidden).order_by("pk").first()
        )

    def _pick_goal(self, role):
        # the styregruppe: their delmål and a strategic goal inside; the hidden delaftaler's delmål outside
        if role == "demo-styregruppe":
            inside, outside = self._split(role, Goal.objects.filter(level=Goal.Level.SUB), "plan", "sub_agreement")
            return [*inside, self._strategic_of_hidden_area()], outside
        return self._split(role, Goal.objects.filter(level=Goal.Level.STRATEGIC), "plan", None)

    def _pick_indicator(self, role):
        base = Indicator.objects.exclude(data_source=Indicator.DataSource.LBF)
        if role == "demo-styregruppe":
            inside, outside = self._split(
                role, base.filter(goal__level=Goal.Level.SUB), "goal__plan", "goal__sub_agreement"
            )
            # a strategic indicator linked to indsatser of a hidden delaftale (issue #11)
            strategic = base.filter(goal=self._strategic_of_hidden_area(), interventions__isnull=False)
            indicator = strategic.order_by("pk").first()
            self.view_only.add(("indicator", indicator.pk))  # seen, but not one of their delaftaler's
            return [*inside, indicator], outside
        return self._split(role, base.filter(goal__level=Goal.Level.STRATEGIC), "goal__plan", None)

    def _pick_target(self, role):
        inside, outside = self._pick_indicator(role)
        return (
            [t for t in (i.targets.order_by("pk").first() for i in inside) if t],
            [Missing(o.plan) if isinstance(o, Missing) else o.targets.order_by("pk").first() for o in outside],
        )

    def _pick_measurement(self, role):
        drafts = Measurement.objects.filter(status=Measurement.Status.DRAFT)
        if role == "demo-styregruppe":
            return self._split(
                role,
                drafts.filter(indicator__goal__level=Goal.Level.SUB),
                "indicator__goal__plan",
                "indicator__goal__sub_agreement",
            )
        return self._split(
            role, drafts.filter(indicator__goal__level=Goal.Level.STRATEGIC), "indicator__goal__plan", None
        )

    def _pick_commitment(self, role):
        commitments = self.extras.commitments
        a1 = self.plans["A1"]
        if role == "demo-styregruppe":
            mine = [c for c in commitments.values() if c.sub_agreement_id in self.group_sub_agreements]
            hidden = [c for c in commitments.values() if c.sub_agreement_id not in self.group_sub_agreements]
            plan_level = Commitment.objects.filter(plan=a1, sub_agreement=None).order_by("pk").first()
            return mine[:1], [hidden[0], plan_level]
        # a commitment of the kommune (its department): what the koordinator may change
        return self._split(
            role, Commitment.objects.filter(party__kind=Organisation.Kind.DEPARTMENT, sub_agreement=None), "plan", None
        )

    def _pick_obligation(self, role):
        from monitoring.models import Obligation

        return self._split(role, Obligation.objects.all(), "plan", None)

    def _pick_obligation_file(self, role):
        from monitoring.models import Obligation

        return self._split(role, Obligation.objects.exclude(file=""), "plan", None)

    def _pick_delivery(self, role):
        deliveries = CommitmentDelivery.objects.filter(commitment__party__kind=Organisation.Kind.DEPARTMENT)
        if role == "demo-styregruppe":
            return self._split(role, deliveries, "commitment__plan", "commitment__sub_agreement")
        return self._split(role, deliveries.filter(commitment__sub_agreement=None), "commitment__plan", None)

    def _pick_area_statistic(self, role):
        stats = AreaStatistic.objects.filter(scope=AreaStatistic.Scope.AREA).order_by("pk")
        inside = [stats.filter(area__plans=self.plan_in(role)).first()]
        out_plan = self.plan_out(role)
        outside = [Missing()] if isinstance(out_plan, Missing) else [stats.filter(area__plans=out_plan).first()]
        return inside, outside

    def _pick_body(self, role):
        inside = [self.group if role == "demo-styregruppe" else Body.objects.get(plan=self.plan_in(role), kind="board")]
        out_plan = self.plan_out(role)
        outside = [Missing()] if isinstance(out_plan, Missing) else [Body.objects.get(plan=out_plan, kind="board")]
        return inside, outside

    def _pick_membership(self, role):
        inside, outside = self._pick_body(role)
        first = lambda body: body if isinstance(body, Missing) else body.memberships.order_by("pk").first()  # noqa: E731
        return [first(b) for b in inside], [first(b) for b in outside]

    # meetings: the board's for the board, the group's for the styregruppe, and the other way round
    def _meeting(self, role, *, title_suffix: str, inside: bool):
        a1 = self.plans["A1"]
        if role == "demo-styregruppe":
            body = self.group if inside else Body.objects.get(plan=a1, kind="board")
        elif role == "demo-bestyrelse":
            body = Body.objects.get(plan=a1, kind="board") if inside else self.group
        else:
            plan = self.plan_in(role) if inside else self.plan_out(role)
            if isinstance(plan, Missing):
                return Missing()
            body = Body.objects.get(plan=plan, kind="board")
        meetings = Meeting.objects.filter(body=body, title__endswith=title_suffix)
        return meetings.order_by("pk").first()

    def _meetings(self, role, suffixes):
        inside = [self._meeting(role, title_suffix=s, inside=True) for s in suffixes]
        outside = [self._meeting(role, title_suffix=s, inside=False) for s in suffixes]
        if role in {"demo-bestyrelse", "demo-styregruppe"}:  # and a meeting of another plan
            outside.append(Meeting.objects.filter(body__plan=self.plans["A2"], title__endswith=suffixes[0]).first())
        return [m for m in inside if m], [m for m in outside if m]

    def _pick_meeting(self, role):
        return self._meetings(role, ["(vinter)", "(efterår)"])

    def _pick_open_meeting(self, role):
        return self._meetings(role, ["(vinter)"])

    def _pick_done_meeting(self, role):
        return self._meetings(role, ["(efterår)"])

    def _children(self, meetings, get):
        return [m if isinstance(m, Missing) else get(m) for m in meetings]

    def _pick_item(self, role):
        inside, outside = self._pick_open_meeting(role)
        first = lambda m: m.agenda_items.order_by("position", "pk").first()  # noqa: E731
        return self._children(inside, first), self._children(outside, first)

    def _pick_attachment(self, role):
        inside, outside = self._pick_open_meeting(role)
        first = lambda m: Attachment.objects.filter(agenda_item__meeting=m).order_by("pk").first()  # noqa: E731
        return [a for a in self._children(inside, first) if a], [a for a in self._children(outside, first) if a]

    def _pick_proposal_response(self, role):
        """A dismissed agenda proposal on the role's open meetings (made here; restoring deletes it)."""
        from governance.agenda.models import ProposalResponse

        def make(meeting):
            return ProposalResponse.objects.get_or_create(
                meeting=meeting,
                key="sweep",
                fingerprint="0" * 64,
                defaults={"source": "sweep", "title": "Afvist forslag", "outcome": "dismissed"},
            )[0]

        inside, outside = self._pick_open_meeting(role)
        return self._children(inside, make), self._children(outside, make)

    def answer_token(self, role) -> str | None:
        """The signed answer link of the first invitee of the role's open meeting (the e-mail's link)."""
        from governance.meetings.attendance.links import answer_token
        from governance.meetings.selectors import meeting_invitees

        inside, _outside = self._pick_open_meeting(role)
        if not inside:
            return None
        person, _role = meeting_invitees(meeting=inside[0])[0]
        return answer_token(meeting=inside[0], person=person)

    def _pick_decision(self, role):
        inside, outside = self._pick_done_meeting(role)
        first = lambda m: Decision.objects.filter(agenda_item__meeting=m, is_current=True).order_by("pk").first()  # noqa: E731
        return [d for d in self._children(inside, first) if d], [d for d in self._children(outside, first) if d]

    def _pick_action(self, role):
        inside, outside = self._pick_done_meeting(role)
        first = lambda m: ActionItem.objects.filter(decision__agenda_item__meeting=m).order_by("pk").first()  # noqa: E731
        return [a for a in self._children(inside, first) if a], [a for a in self._children(outside, first) if a]

    def _pick_report(self, role):
        reports = self.extras.reports
        if role == "demo-admin":
            return reports["A1"] + reports["A1_GROUP"], [Missing(self.plans["A1"])]
        if role in AABAEK:
            return reports["B"], reports["A1"][:1] + reports["A1_GROUP"][:1]
        if role == "demo-styregruppe":
            # Their group's reports only: the board's never reach a steering group.
            return reports["A1_GROUP"], reports["A1"] + reports["B"]
        if role == "demo-bestyrelse":
            return reports["A1"], reports["A1_GROUP"] + reports["B"]
        return reports["A1"] + reports["A1_GROUP"], reports["B"]

    def _pick_import_job(self, role):
        """An import job is its uploader's (owner scope): the role's own job inside, another user's
        job in the same plan outside (404, admins included)."""
        from django.contrib.auth import get_user_model

        from monitoring.models import ImportJob

        plan = self.plan_in(role)
        other = "demo-admin" if role != "demo-admin" else "demo-sekretariatsleder"
        users = get_user_model().objects
        made = [
            ImportJob.objects.get_or_create(
                plan=plan,
                requested_by=users.get(username=username),
                file_name=f"imports/pending/sweep-{username}.xlsx",
                defaults={"state": "done", "original_name": "maalinger.xlsx"},
            )[0]
            for username in (role, other)
        ]
        return [made[0]], [made[1]]

    def _pick_api_token(self, role):
        other = "demo-admin" if role != "demo-admin" else "demo-koordinator"
        return [self.extras.api_tokens[role]], [self.extras.api_tokens[other]]


# --- Names each role must not see --------------------------------------------------------------------


def _plan_names(plan: Plan) -> set[str]:
    names = {plan.name, plan.secretariat.name, plan.municipality.name}
    names |= set(plan.areas.values_list("name", flat=True))
    names |= set(plan.housing_organisations.values_list("name", flat=True))
    names |= set(Organisation.objects.filter(parent=plan.municipality).values_list("name", flat=True))
    names |= set(Body.objects.filter(plan=plan).values_list("name", flat=True))
    names |= set(Membership.objects.filter(body__plan=plan).values_list("person__name", flat=True))
    names |= set(Goal.objects.filter(plan=plan, level=Goal.Level.STRATEGIC).values_list("title", flat=True))
    names |= set(
        Indicator.objects.filter(goal__plan=plan, goal__level=Goal.Level.STRATEGIC).values_list("name", flat=True)
    )
    return names


def _sub_agreement_names(sub_agreements) -> set[str]:
    names = set(sub_agreements.values_list("title", flat=True))
    names |= set(Intervention.objects.filter(sub_agreement__in=sub_agreements).values_list("name", flat=True))
    goals = Goal.objects.filter(sub_agreement__in=sub_agreements, level=Goal.Level.SUB)
    names |= set(goals.values_list("title", flat=True))
    names |= set(Indicator.objects.filter(goal__in=goals).values_list("name", flat=True))
    return names


def _meeting_names(meetings) -> set[str]:
    names = set(meetings.values_list("title", flat=True))
    items = AgendaItem.objects.filter(meeting__in=meetings)
    names |= set(items.values_list("title", flat=True))
    names |= set(Decision.objects.filter(agenda_item__in=items).values_list("text", flat=True))
    names |= set(ActionItem.objects.filter(decision__agenda_item__in=items).values_list("title", flat=True))
    names |= set(Attachment.objects.filter(agenda_item__in=items).values_list("original_name", flat=True))
    return names


def _names_of(plans, *, sub_agreements=None, meetings=None) -> set[str]:
    """Every name in ``plans``; with ``sub_agreements``/``meetings`` only those (the plan's rest stays)."""
    names = set()
    for plan in plans:
        names |= _plan_names(plan)
        plan_sub_agreements = sub_agreements.filter(plan=plan) if sub_agreements is not None else plan.sub_agreements
        names |= _sub_agreement_names(plan_sub_agreements.all())
        names |= _meeting_names(
            meetings.filter(body__plan=plan) if meetings is not None else Meeting.objects.filter(body__plan=plan)
        )
    return names


def visible_and_hidden(role: str) -> tuple[set[str], set[str]]:
    """The names ``role`` sees and the names it must not see, per POLICY.md."""
    plans = {p.name: p for p in Plan.objects.all()}
    a1, a2, b = plans[PLAN_A1], plans[PLAN_A2], plans[PLAN_B]
    if role == "demo-admin":
        return _names_of(plans.values()), set()
    if role in FJORDBY_PLAN_WIDE:
        return _names_of([a1, a2]), _names_of([b])
    if role in AABAEK:
        return _names_of([b]), _names_of([a1, a2])
    board = Body.objects.get(plan=a1, kind="board")
    if role == "demo-bestyrelse":
        board_meetings = Meeting.objects.filter(body=board)
        visible = _names_of([a1], meetings=board_meetings)
        hidden = _names_of([a2, b]) | _meeting_names(Meeting.objects.filter(body__plan=a1).exclude(body=board))
        return visible, hidden
    if role == "demo-styregruppe":
        group = Body.objects.get(plan=a1, name=STYREGRUPPE_BODY)
        mine = SubAgreement.objects.filter(pk__in=group.sub_agreements.values("pk"))
        visible = _names_of([a1], sub_agreements=mine, meetings=Meeting.objects.filter(body=group))
        hidden = (
            _names_of([a2, b])
            | _sub_agreement_names(a1.sub_agreements.exclude(pk__in=mine.values("pk")))
            | _meeting_names(Meeting.objects.filter(body__plan=a1).exclude(body=group))
        )
        # The strategic goals' indicators link to indsatser of every delaftale (POLICY: not for the styregruppe).
        return visible, hidden
    raise ValueError(role)


MIN_HIDDEN = {
    "demo-sekretariatsleder": 15,
    "demo-koordinator": 15,
    "demo-boligorg": 15,
    "demo-bestyrelse": 30,
    "demo-styregruppe": 40,
    "demo-koordinator-2": 40,
    "demo-boligorg-2": 40,
}
GENERIC = 8  # names shorter than this many characters are too generic to mean a leak


def hidden_names(role: str) -> list[str]:
    """Out-of-scope names that would be a leak if ``role`` saw them: not too generic, and not also
    part of a name the role may see (identical titles across plans, substrings of visible names)."""
    if role == ANONYMOUS:
        visible, hidden = set(), _names_of(Plan.objects.all())
    else:
        visible, hidden = visible_and_hidden(role)
    visible = {normalise(n) for n in visible if n}
    result = []
    for name in sorted({normalise(n) for n in hidden if n}):
        if len(name) < GENERIC:
            continue
        if any(name in seen for seen in visible):
            continue
        result.append(name)
    return result


def leaked(text: str, names: list[str]) -> list[str]:
    text = normalise(text)
    return [name for name in names if name in text]
