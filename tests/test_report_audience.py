"""Reports are made for an audience (the board or one steering group), read only by that audience and the
plan-wide roles, and built from that audience's scope; meeting packs give a guest only their own items."""

import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.periods import Quarter
from governance.bodies.models import Body, Membership
from governance.meetings.models import Decision, Meeting, SendOut
from governance.meetings.services import meeting_request_send_out
from governance.reports.content import build_report_snapshot, render_report_html
from governance.reports.models import StatusReport
from governance.reports.services import status_report_distribute, status_report_request, status_reports_queue_quarterly
from monitoring.models import Goal, Indicator
from plans.models import Person, SubAgreement

from .conftest import PLAN_A1, PLAN_A2
from .factories import StatusReportFactory
from .governance_helpers import demo_meeting

EDUCATION_GROUP = "Styregruppen for uddannelse og beskæftigelse"  # demo-styregruppe's group on A1
SAFETY_GROUP = "Styregruppen for tryghed"
PLAN_WIDE = ["demo-sekretariatsleder", "demo-koordinator", "demo-boligorg", "demo-admin"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def group(name: str, plan_name: str = PLAN_A1) -> Body:
    return Body.objects.get(plan__name=plan_name, name=name)


def done_report(plan, *, audience_body=None, period="2026-Q2", kind="pixi", version=1) -> StatusReport:
    """A finished report with a small file (these tests are about who gets it, not the rendering)."""
    audience = StatusReport.Audience.STEERING_GROUP if audience_body else StatusReport.Audience.BOARD
    report = StatusReportFactory(
        plan=plan, period=period, kind=kind, version=version, audience=audience, audience_body=audience_body
    )
    name = f"reports/plan-{plan.pk}/{period}-{kind}-{audience}-{audience_body.pk if audience_body else 0}.pdf"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7\n% test file\n")
    report.pdf.name, report.page_count = name, 1
    report.save()
    return report


def pdftotext(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def generate(capture, **kwargs) -> StatusReport:
    with capture(execute=True):
        report = status_report_request(via="command", **kwargs)
    report.refresh_from_db()
    assert report.state == "done", report.last_error
    return report


# --- 1. The audience on the report --------------------------------------------------------------------


def test_the_model_requires_a_steering_group_of_the_same_plan_for_a_group_report(demo):
    plan = demo.plan(PLAN_A1)
    board = Body.objects.get(plan=plan, kind=Body.Kind.BOARD)
    cases = [
        ("steering_group", None),
        ("steering_group", board),
        ("steering_group", Body.objects.filter(plan__name=PLAN_A2, kind=Body.Kind.STEERING_GROUP).first()),
        ("board", group(EDUCATION_GROUP)),
    ]
    for audience, body in cases:
        report = StatusReport(
            plan=plan, period="2026-Q3", kind="pixi", version=1, audience=audience, audience_body=body
        )
        with pytest.raises(ValidationError) as error:
            report.full_clean()
        assert "audience_body" in error.value.message_dict
    ok = StatusReport(
        plan=plan,
        period="2026-Q3",
        kind="pixi",
        version=1,
        audience="steering_group",
        audience_body=group(EDUCATION_GROUP),
    )
    ok.full_clean()
    assert ok.audience_label == f"Til styregruppen {EDUCATION_GROUP}"


@pytest.mark.parametrize(("audience", "with_body"), [("steering_group", False), ("board", True)])
def test_the_database_refuses_an_audience_without_its_body_or_a_board_report_with_one(demo, audience, with_body):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(
            plan=demo.plan(PLAN_A1),
            period="2026-Q3",
            kind="pixi",
            version=1,
            audience=audience,
            audience_body=group(EDUCATION_GROUP) if with_body else None,
        )


def test_versions_and_the_active_slot_are_per_audience(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    education, safety = group(EDUCATION_GROUP), group(SAFETY_GROUP)
    with django_capture_on_commit_callbacks(execute=False):
        board = status_report_request(plan=plan, period="2026-Q3", kind="pixi")
        first = status_report_request(
            plan=plan, period="2026-Q3", kind="pixi", audience="steering_group", audience_body=education
        )
        again = status_report_request(
            plan=plan, period="2026-Q3", kind="pixi", audience="steering_group", audience_body=education
        )
        other = status_report_request(
            plan=plan, period="2026-Q3", kind="pixi", audience="steering_group", audience_body=safety
        )
    assert again.pk == first.pk  # one active job per audience
    assert len({board.pk, first.pk, other.pk}) == 3
    assert [r.version for r in (board, first, other)] == [1, 1, 1]
    StatusReport.objects.filter(pk=first.pk).update(state="done")
    with django_capture_on_commit_callbacks(execute=False):
        second = status_report_request(
            plan=plan, period="2026-Q3", kind="pixi", audience="steering_group", audience_body=education
        )
    assert second.version == 2 and second.audience_body == education
    # The same version number for two audiences is fine; twice for one audience is not.
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(
            plan=plan, period="2026-Q3", kind="pixi", version=2, audience="steering_group", audience_body=education
        )


def test_a_group_of_another_plan_cannot_be_the_audience(demo, django_capture_on_commit_callbacks):
    foreign = Body.objects.filter(plan__name=PLAN_A2, kind=Body.Kind.STEERING_GROUP).first()
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=False):
        status_report_request(
            plan=demo.plan(PLAN_A1), period="2026-Q3", kind="pixi", audience="steering_group", audience_body=foreign
        )
    assert not StatusReport.objects.exists()


# --- 2. Content from the audience's scope -------------------------------------------------------------


def _group_period(education: Body) -> str:
    """The quarter of the education group's past meeting with a decision (the demo world moves with today)."""
    meeting = (
        Meeting.objects.filter(body=education, starts_at__lt=timezone.now(), agenda_items__decisions__is_current=True)
        .order_by("-starts_at")
        .first()
    )
    return Quarter.containing(timezone.localtime(meeting.starts_at).date()).code


def test_the_steering_group_pdf_has_its_delaftaler_and_none_of_the_hidden_content(
    demo, login, django_capture_on_commit_callbacks
):
    plan = demo.plan(PLAN_A1)
    education = group(EDUCATION_GROUP)
    period = _group_period(education)
    own = list(education.sub_agreements.values_list("title", flat=True))
    hidden = list(
        SubAgreement.objects.filter(plan=plan)
        .exclude(pk__in=education.sub_agreements.all())
        .values_list("title", flat=True)
    )
    hidden_goals = list(
        Goal.objects.filter(plan=plan, level="sub")
        .exclude(sub_agreement__in=education.sub_agreements.all())
        .values_list("title", flat=True)
    )
    board_meetings = list(
        Meeting.objects.filter(body__plan=plan, body__kind=Body.Kind.BOARD).values_list("title", flat=True)
    )
    board_decisions = list(
        Decision.objects.filter(
            agenda_item__meeting__body__plan=plan, agenda_item__meeting__body__kind=Body.Kind.BOARD
        ).values_list("text", flat=True)
    )
    assert own and hidden and hidden_goals and board_meetings and board_decisions

    report = generate(
        django_capture_on_commit_callbacks,
        plan=plan,
        period=period,
        kind="full",
        audience="steering_group",
        audience_body=education,
    )
    assert report.snapshot["header"]["audience"] == {
        "kind": "steering_group",
        "body_id": education.pk,
        "body": education.name,
        "label": f"Til styregruppen {education.name}",
    }
    assert report.snapshot["meetings"] and {m["body"] for m in report.snapshot["meetings"]} == {education.name}
    assert report.snapshot["decisions"] and {d["body"] for d in report.snapshot["decisions"]} == {education.name}
    assert [b["name"] for b in report.snapshot["bodies"]] == [education.name]

    response = login("demo-styregruppe").get(reverse("governance:report-download", args=[plan.pk, report.pk]))
    assert response.status_code == 200
    text = pdftotext(b"".join(response.streaming_content))
    assert f"Til styregruppen {education.name}" in text
    for title in own:
        assert title in text
    for name in [*hidden, *hidden_goals, *board_meetings]:
        assert name not in text, name
    for decision in board_decisions:
        assert decision[:60] not in text, decision

    # Positive control: the board's full report for the same quarter has what the group's leaves out.
    board = generate(django_capture_on_commit_callbacks, plan=plan, period=period, kind="full")
    assert board.snapshot["header"]["audience"]["label"] == "Til bestyrelsen"
    board_text = pdftotext(Path(board.pdf.path).read_bytes())
    assert "Til bestyrelsen" in board_text
    assert all(title in board_text for title in hidden)


def test_the_steering_group_pixi_questions_come_from_its_own_scope(demo):
    plan = demo.plan(PLAN_A1)
    education = group(EDUCATION_GROUP)
    own_goal_ids = set(
        Goal.objects.filter(sub_agreement__in=education.sub_agreements.all()).values_list("pk", flat=True)
    )
    snapshot = build_report_snapshot(
        plan=plan, period="2026-Q3", kind="pixi", audience="steering_group", audience_body=education
    )
    for question in snapshot["questions"]:
        if question["reason"] == "off_track_goal":
            assert int(question["key"].removeprefix("goal-")) in own_goal_ids
        assert "bestyrelsen" not in question["recommendation"]
    assert {sa["id"] for sa in snapshot["sub_agreements"]} == set(education.sub_agreements.values_list("pk", flat=True))
    # Strategic goals: the same ones a steering-group member sees on the plan pages.
    assert {g["id"] for g in snapshot["goals"]["goals"]} == set(
        Goal.objects.filter(plan=plan, level="strategic").values_list("pk", flat=True)
    )


# --- 3. Who gets which report --------------------------------------------------------------------------


@pytest.fixture
def three_reports(demo):
    plan = demo.plan(PLAN_A1)
    return {
        "board": done_report(plan),
        "education": done_report(plan, audience_body=group(EDUCATION_GROUP)),
        "safety": done_report(plan, audience_body=group(SAFETY_GROUP)),
    }


READERS = {
    **{username: {"board", "education", "safety"} for username in PLAN_WIDE},
    "demo-bestyrelse": {"board"},
    "demo-styregruppe": {"education"},
}


@pytest.mark.parametrize("username", list(READERS))
def test_each_reader_gets_exactly_their_reports_on_every_surface(demo, login, api, three_reports, username):
    plan = demo.plan(PLAN_A1)
    client = login(username)
    archive = client.get(reverse("governance:report-archive", args=[plan.pk]))
    assert archive.status_code == 200
    listed = api(username).get("/api/v1/reports/", {"plan": plan.pk}).json()["results"]
    assert {row["id"] for row in listed} == {three_reports[key].pk for key in READERS[username]}
    for key, report in three_reports.items():
        allowed = key in READERS[username]
        download = reverse("governance:report-download", args=[plan.pk, report.pk])
        assert (download in archive.text) is allowed
        expected = 200 if allowed else 404
        assert client.get(download).status_code == expected
        assert client.get(reverse("governance:report-status", args=[plan.pk, report.pk])).status_code == expected
        assert api(username).get(f"/api/v1/reports/{report.pk}/").status_code == expected
        assert api(username).get(f"/api/v1/reports/{report.pk}/pdf/").status_code == expected


def test_a_board_member_in_no_group_and_a_member_of_another_plan_get_no_group_report(demo, login, three_reports):
    plan = demo.plan(PLAN_A1)
    for username, key in [
        ("demo-bestyrelse", "education"),
        ("demo-koordinator-2", "board"),
        ("demo-koordinator-2", "education"),
    ]:
        url = reverse("governance:report-download", args=[plan.pk, three_reports[key].pk])
        assert login(username).get(url).status_code == 404


def test_the_archive_query_count_does_not_grow_with_the_reports(demo, login):
    plan = demo.plan(PLAN_A1)
    education = group(EDUCATION_GROUP)
    client = login("demo-styregruppe")
    url = reverse("governance:report-archive", args=[plan.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    done_report(plan, audience_body=education, version=1)
    done_report(plan, version=1)
    few = count()
    for version in range(2, 22):
        done_report(plan, audience_body=education, version=version)
        done_report(plan, version=version)
    many = count()
    assert many == few
    assert client.get(url).text.count("Hent PDF") == 21


def test_the_archive_query_count_has_a_fixed_bound(demo, login, django_assert_max_num_queries):
    plan = demo.plan(PLAN_A1)
    for version in range(1, 31):
        done_report(plan, audience_body=group(EDUCATION_GROUP), version=version)
    client = login("demo-sekretariatsleder")
    client.get(reverse("governance:report-archive", args=[plan.pk]))  # warm the session
    with django_assert_max_num_queries(20):
        assert client.get(reverse("governance:report-archive", args=[plan.pk])).status_code == 200


def test_board_questions_on_the_archive_are_only_for_readers_of_the_board_report(demo, login):
    plan = demo.plan(PLAN_A1)
    report = done_report(plan, period="2026-Q3")
    report.snapshot = build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi")
    report.save()
    assert report.snapshot["questions"]
    title = report.snapshot["questions"][0]["title"]
    url = reverse("governance:report-archive", args=[plan.pk])
    board = login("demo-bestyrelse").get(url).text
    assert "Spørgsmål til bestyrelsen" in board and title in board
    steering = login("demo-styregruppe").get(url).text
    assert "Spørgsmål til bestyrelsen" not in steering and title not in steering


def test_the_reading_room_and_the_secretariat_dashboard_list_only_readable_reports(demo, login, three_reports):
    plan = demo.plan(PLAN_A1)
    room = login("demo-bestyrelse").get(reverse("reading-room")).text
    assert reverse("governance:report-download", args=[plan.pk, three_reports["board"].pk]) in room
    for key in ("education", "safety"):
        assert reverse("governance:report-download", args=[plan.pk, three_reports[key].pk]) not in room
    # The reading room shows the board's reports, even when a group's report is newer.
    newer = done_report(plan, audience_body=group(EDUCATION_GROUP), period="2026-Q3")
    room = login("demo-bestyrelse").get(reverse("reading-room")).text
    assert reverse("governance:report-download", args=[plan.pk, newer.pk]) not in room
    dashboard = login("demo-sekretariatsleder").get(reverse("my-secretariat")).text
    assert f"Til styregruppen {EDUCATION_GROUP}" in dashboard and "Til bestyrelsen" in dashboard


# --- 4. Ordering reports ----------------------------------------------------------------------------


def test_the_order_form_offers_the_board_and_the_plans_steering_groups(demo, login, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    page = client.get(reverse("governance:report-archive", args=[plan.pk])).text
    education = group(EDUCATION_GROUP)
    assert f'value="group-{education.pk}"' in page and 'value="board"' in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("governance:report-request", args=[plan.pk]),
            {"kind": "pixi", "period": "2026-Q3", "audience": f"group-{education.pk}"},
        )
    assert response.status_code == 302
    report = StatusReport.objects.get()
    assert (report.audience, report.audience_body, report.requested_by.username) == (
        "steering_group",
        education,
        "demo-sekretariatsleder",
    )


@pytest.mark.parametrize("audience", ["nonsense", "group-", "group-987654321", "other-plan", "board-of-plan"])
def test_bad_audience_input_is_400_and_creates_nothing(demo, login, audience, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    if audience == "other-plan":
        audience = f"group-{Body.objects.filter(plan__name=PLAN_A2, kind=Body.Kind.STEERING_GROUP).first().pk}"
    elif audience == "board-of-plan":
        audience = f"group-{Body.objects.get(plan=plan, kind=Body.Kind.BOARD).pk}"
    with django_capture_on_commit_callbacks(execute=False):
        response = login("demo-sekretariatsleder").post(
            reverse("governance:report-request", args=[plan.pk]),
            {"kind": "pixi", "period": "2026-Q3", "audience": audience},
        )
    assert response.status_code == 400
    assert not StatusReport.objects.exists()


@pytest.mark.parametrize(
    ("audience", "expected"),
    [(None, {"board"}), ("board", {"board"}), ("steering-groups", {"groups"}), ("all", {"board", "groups"})],
)
def test_the_command_makes_reports_for_the_chosen_audiences(
    demo, django_capture_on_commit_callbacks, audience, expected
):
    plan = demo.plan(PLAN_A1)
    args = ["--period", "2026-Q3", "--plan", str(plan.pk), "--kind", "pixi"]
    if audience:
        args += ["--audience", audience]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("generate_reports", *args, stdout=out)
    groups = set(Body.objects.filter(plan=plan, kind__in=Body.GROUP_KINDS).values_list("pk", flat=True))
    made = set(StatusReport.objects.values_list("audience", "audience_body"))
    wanted = set()
    if "board" in expected:
        wanted.add(("board", None))
    if "groups" in expected:
        wanted |= {("steering_group", pk) for pk in groups}
    assert made == wanted
    if "groups" in expected:
        assert f"Til styregruppen {EDUCATION_GROUP}" in out.getvalue()


def test_the_command_refuses_an_unknown_audience(demo):
    with pytest.raises(Exception) as error:  # argparse's CommandError
        call_command("generate_reports", "--period", "2026-Q3", "--audience", "kommunen", stdout=io.StringIO())
    assert "audience" in str(error.value)
    assert not StatusReport.objects.exists()


def test_seed_demo_with_reports_makes_a_pixi_for_every_steering_group(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", "--force", "--with-reports", stdout=io.StringIO())
    period = Quarter.containing(timezone.localdate()).previous().code
    for body in Body.objects.filter(kind__in=Body.GROUP_KINDS):
        assert StatusReport.objects.filter(audience_body=body, period=period, kind="pixi").count() == 1
    assert StatusReport.objects.filter(audience="board", period=period).count() == 2 * 3


def test_the_quarterly_schedule_makes_board_reports_even_when_a_group_report_exists(
    demo, django_capture_on_commit_callbacks
):
    plan = demo.plan(PLAN_A1)
    today = timezone.localdate()
    quarter = Quarter.containing(today).previous()
    done_report(plan, audience_body=group(EDUCATION_GROUP), period=quarter.code)
    with django_capture_on_commit_callbacks(execute=False):
        queued = status_reports_queue_quarterly(today=quarter.end + timedelta(days=30))
    assert queued and {r.audience for r in queued} == {"board"}
    assert {(r.plan_id, r.kind) for r in queued} >= {(plan.pk, "pixi"), (plan.pk, "full")}


def _emails(body: Body) -> set[str]:
    people = Person.objects.filter(pk__in=Membership.objects.current().filter(body=body).values("person"))
    return {p.email for p in people} - {""}


def test_a_group_report_is_mailed_to_the_groups_members_and_a_board_report_to_the_board(demo):
    plan = demo.plan(PLAN_A1)
    education, board = group(EDUCATION_GROUP), Body.objects.get(plan=plan, kind=Body.Kind.BOARD)
    assert _emails(education) and _emails(board) and not (_emails(education) <= _emails(board))
    status_report_distribute(report=done_report(plan, audience_body=education))
    assert {m.to[0] for m in mail.outbox} == _emails(education)
    assert f"Til styregruppen {EDUCATION_GROUP}" in mail.outbox[0].body
    mail.outbox.clear()
    status_report_distribute(report=done_report(plan))
    assert {m.to[0] for m in mail.outbox} == _emails(board)


# --- 5. No snapshot markup rendered unescaped ---------------------------------------------------------

HOSTILE_GOAL = "Mål <script>alert('goal')</script>"
HOSTILE_INDICATOR = "Indikator <svg onload=alert('indicator')>"


@pytest.mark.parametrize("kind", ["pixi", "full"])
def test_hostile_goal_and_indicator_names_come_out_escaped(demo, kind):
    plan = demo.plan(PLAN_A1)
    goal = Goal.objects.filter(plan=plan, level="strategic", indicators__isnull=False).first()
    Goal.objects.filter(pk=goal.pk).update(title=HOSTILE_GOAL)
    Indicator.objects.filter(pk=goal.indicators.order_by("position", "name").first().pk).update(name=HOSTILE_INDICATOR)
    snapshot = build_report_snapshot(plan=plan, period="2026-Q3", kind=kind)
    html = render_report_html(report=StatusReport(plan=plan, period="2026-Q3", kind=kind, version=1), snapshot=snapshot)
    assert "<script" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(&#x27;goal&#x27;)&lt;/script&gt;" in html
    assert "Udvikling for Indikator &lt;svg onload=alert(&#x27;indicator&#x27;)&gt;" in html  # the chart's own title
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart"' in html  # charts are still drawn


def test_markup_stored_in_a_snapshot_is_never_output(demo):
    plan = demo.plan(PLAN_A1)
    snapshot = build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi")
    for goal in snapshot["goals"]["goals"]:
        goal["chart"] = "<svg onload=alert(1)><script>alert(2)</script></svg>"  # what schema 2 stored
    html = render_report_html(
        report=StatusReport(plan=plan, period="2026-Q3", kind="pixi", version=1), snapshot=snapshot
    )
    assert "onload=alert(1)" not in html and "<script>" not in html


# --- 6. Meeting packs for guests --------------------------------------------------------------------------


def test_a_guest_gets_a_pack_with_only_their_item(demo, login, django_capture_on_commit_callbacks):
    meeting = demo_meeting(PLAN_A1)  # the board's; demo-styregruppe reaches it only as a guest
    items = list(meeting.agenda_items.order_by("position"))
    assert len(items) >= 2
    guest_item, other_items = items[-1], items[:-1]
    person = Person.objects.get(user__username="demo-styregruppe")
    guest_item.guests.create(person=person)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_request_send_out(meeting=meeting, user=demo.user("demo-sekretariatsleder"))
    assert SendOut.objects.get(meeting=meeting).state == SendOut.State.DONE
    guest_email = person.email or person.user.email

    url = reverse("governance:meeting-pack", args=[meeting.pk])
    guest = login("demo-styregruppe").get(url)
    assert guest.status_code == 200
    text = pdftotext(b"".join(guest.streaming_content))
    assert guest_item.title in text and "Udsnit til gæst" in text
    for item in other_items:
        assert item.title not in text, item.title

    member = login("demo-bestyrelse").get(url)
    member_text = pdftotext(b"".join(member.streaming_content))
    assert all(item.title in member_text for item in items) and "Udsnit til gæst" not in member_text

    mailed = {m.to[0]: pdftotext(m.attachments[0][1]) for m in mail.outbox}
    assert guest_item.title in mailed[guest_email]
    assert all(item.title not in mailed[guest_email] for item in other_items)
    board_member = Person.objects.get(user__username="demo-bestyrelse")
    assert all(item.title in mailed[board_member.email or board_member.user.email] for item in items)
