"""REST API for meetings, decisions, action items and status reports: scoped exactly like the web pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.bodies.models import Body
from governance.meetings.models import ActionItem, Decision, Meeting
from governance.reports.models import StatusReport
from plans.models import Plan

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import StatusReportFactory
from .test_access import EXPECTED
from .test_api_read import all_ids
from .test_reports_views import done_report


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def web_visible_meetings(client) -> set[int]:
    """The meetings whose page the logged-in web user may open (200) – the rule the API must follow."""
    visible = set()
    for meeting_id in Meeting.objects.values_list("pk", flat=True):
        status = client.get(reverse("governance:meeting-detail", args=[meeting_id])).status_code
        assert status in (200, 404)
        if status == 200:
            visible.add(meeting_id)
    return visible


@pytest.mark.parametrize("username", list(EXPECTED))
def test_meetings_decisions_and_actions_follow_the_meeting_pages(demo, api, login, username):
    meetings = web_visible_meetings(login(username))
    client = api(username)
    assert set(all_ids(client, "/api/v1/meetings/")) == meetings
    decisions = set(Decision.objects.filter(agenda_item__meeting__in=meetings).values_list("pk", flat=True))
    assert set(all_ids(client, "/api/v1/decisions/")) == decisions
    actions = set(ActionItem.objects.filter(decision__in=decisions).values_list("pk", flat=True))
    assert set(all_ids(client, "/api/v1/action-items/")) == actions
    if username in {"demo-admin", "demo-sekretariatsleder", "demo-bestyrelse", "demo-styregruppe"}:
        assert meetings and decisions and actions
    for meeting in Meeting.objects.order_by("pk"):
        expected = 200 if meeting.pk in meetings else 404
        assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == expected
    for decision in Decision.objects.order_by("pk"):
        expected = 200 if decision.pk in decisions else 404
        assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == expected
    for action_item in ActionItem.objects.order_by("pk")[:6]:
        expected = 200 if action_item.pk in actions else 404
        assert client.get(f"/api/v1/action-items/{action_item.pk}/").status_code == expected


def test_a_board_member_sees_board_meetings_and_a_steering_group_member_their_groups(demo, api):
    board_rows = api("demo-bestyrelse").get("/api/v1/meetings/?page_size=500").json()["results"]
    bodies = {body.pk: body for body in Body.objects.all()}
    invited = lambda row: bool(row["invited_bodies"])  # noqa: E731 - a joint meeting the board is invited to
    assert board_rows
    assert all(bodies[row["body"]].is_board or invited(row) for row in board_rows)
    a1_group_meetings = Meeting.objects.filter(body__plan=demo.plan(PLAN_A1)).exclude(body__kind__in=Body.BOARD_KINDS)
    assert a1_group_meetings.exists()
    group_rows = api("demo-styregruppe").get("/api/v1/meetings/?page_size=500").json()["results"]
    user = demo.user("demo-styregruppe")
    own_bodies = set(
        Body.objects.filter(sub_agreements__in=user.role_assignments.values("sub_agreement")).values_list(
            "pk", flat=True
        )
    )
    assert group_rows
    assert all(row["body"] in own_bodies or invited(row) for row in group_rows)
    assert not {row["id"] for row in board_rows} >= set(a1_group_meetings.values_list("pk", flat=True))


@pytest.mark.parametrize("username", ["demo-boligorg-2", "demo-koordinator-2"])
def test_second_kommune_sees_nothing_of_the_first(demo, api, username):
    client = api(username)
    first_kommune = demo.plan(PLAN_A1).municipality
    plan_ids = set(Plan.objects.filter(municipality=first_kommune).values_list("pk", flat=True))
    for plan_id in plan_ids:
        done_report(Plan.objects.get(pk=plan_id), period="2026-Q1")
    for resource in ["meetings", "decisions", "action-items", "reports"]:
        for row in client.get(f"/api/v1/{resource}/?page_size=500").json()["results"]:
            assert row["plan"] not in plan_ids
        for plan_id in plan_ids:
            assert client.get(f"/api/v1/{resource}/?plan={plan_id}").json()["count"] == 0
    for meeting in Meeting.objects.filter(body__plan__in=plan_ids):
        assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    for report in StatusReport.objects.filter(plan__in=plan_ids):
        assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 404
        assert client.get(f"/api/v1/reports/{report.pk}/pdf/").status_code == 404


def test_meetings_carry_their_agenda_and_decisions_their_versions(demo, api):
    client = api("demo-admin")
    decision = Decision.objects.filter(actions__isnull=False).order_by("pk").first()
    meeting = decision.agenda_item.meeting
    body = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [item["position"] for item in body["agenda_items"]] == sorted(
        meeting.agenda_items.values_list("position", flat=True)
    )
    assert body["plan"] == meeting.body.plan_id
    row = client.get(f"/api/v1/decisions/{decision.pk}/").json()
    assert (row["meeting"], row["version"], row["is_current"]) == (meeting.pk, decision.version, decision.is_current)
    assert set(row["actions"]) == set(decision.actions.values_list("pk", flat=True))
    action_item = decision.actions.order_by("pk").first()
    row = client.get(f"/api/v1/action-items/{action_item.pk}/").json()
    assert (row["decision"], row["owner_name"], row["status"]) == (
        decision.pk,
        action_item.owner.name,
        action_item.status,
    )


def test_filters(demo, api):
    client = api("demo-admin")
    plan = demo.plan(PLAN_A1)
    rows = client.get(f"/api/v1/meetings/?plan={plan.pk}&page_size=500").json()["results"]
    assert {row["id"] for row in rows} == set(Meeting.objects.filter(body__plan=plan).values_list("pk", flat=True))
    board = Body.objects.filter(plan=plan, kind="board").first()
    rows = client.get(f"/api/v1/meetings/?body={board.pk}").json()["results"]
    assert rows and {row["body"] for row in rows} == {board.pk}
    today = timezone.localdate()
    rows = client.get(f"/api/v1/meetings/?starts_after={today}&page_size=500").json()["results"]
    assert {row["id"] for row in rows} == set(
        Meeting.objects.filter(starts_at__date__gte=today).values_list("pk", flat=True)
    )
    rows = client.get("/api/v1/decisions/?is_current=true&page_size=500").json()["results"]
    assert {row["id"] for row in rows} == set(Decision.objects.filter(is_current=True).values_list("pk", flat=True))
    ActionItem.objects.filter(pk=ActionItem.objects.order_by("pk").first().pk).update(
        status="open", due_date=today - timedelta(days=3)
    )
    rows = client.get("/api/v1/action-items/?overdue=true&page_size=500").json()["results"]
    expected = ActionItem.objects.filter(status="open", due_date__lt=today)
    assert {row["id"] for row in rows} == set(expected.values_list("pk", flat=True))
    assert all(row["is_overdue"] for row in rows) and rows
    rows = client.get("/api/v1/action-items/?status=done&page_size=500").json()["results"]
    assert {row["status"] for row in rows} <= {"done"}


@pytest.mark.parametrize(
    ("resource", "query"),
    [
        ("meetings", "starts_after=tomorrow"),
        ("meetings", "status=cancelled"),
        ("decisions", "is_current=perhaps"),
        ("action-items", "overdue=maybe"),
        ("reports", "kind=weekly"),
    ],
)
def test_bad_filters_are_400(api, resource, query):
    response = api("demo-admin").get(f"/api/v1/{resource}/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][query.split("=")[0]]


@pytest.mark.parametrize("resource", ["meetings", "decisions", "action-items", "reports"])
def test_governance_resources_are_read_only(demo, api, resource):
    client = api("demo-admin")
    done_report(demo.plan(PLAN_A1))
    first = client.get(f"/api/v1/{resource}/").json()["results"][0]
    assert client.post(f"/api/v1/{resource}/", {}, format="json").status_code == 405
    assert client.patch(f"/api/v1/{resource}/{first['id']}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/{resource}/{first['id']}/").status_code == 405


# --- status reports and their PDFs ----------------------------------------------------------------


@pytest.mark.parametrize("username", list(EXPECTED))
def test_board_reports_follow_the_board_audience(demo, api, username):
    reports = {name: done_report(demo.plan(name)) for name in (PLAN_A1, PLAN_A2, PLAN_B)}
    client = api(username)
    # These are board reports: a steering-group-only member reads none of them (plans.access).
    readable = set() if username == "demo-styregruppe" else EXPECTED[username]["view"]
    visible = {reports[name].pk for name in readable}
    assert set(all_ids(client, "/api/v1/reports/")) == visible
    for name, report in reports.items():
        allowed = name in readable
        assert client.get(f"/api/v1/reports/{report.pk}/").status_code == (200 if allowed else 404)
        response = client.get(f"/api/v1/reports/{report.pk}/pdf/")
        assert response.status_code == (200 if allowed else 404)
        if allowed:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
            assert report.filename in response["Content-Disposition"]
        else:
            assert response["Content-Type"] == "application/json"
            assert set(response.json()) == {"detail", "errors"}


def test_a_report_row_links_its_pdf_when_done(demo, api):
    plan = demo.plan(PLAN_A1)
    done = done_report(plan)
    queued = StatusReportFactory(plan=plan, period="2026-Q3", version=1, state="queued")
    client = api("demo-bestyrelse")
    rows = {row["id"]: row for row in client.get(f"/api/v1/reports/?plan={plan.pk}").json()["results"]}
    assert rows[done.pk]["pdf_url"].endswith(f"/api/v1/reports/{done.pk}/pdf/")
    assert rows[queued.pk]["pdf_url"] is None
    assert client.get(rows[done.pk]["pdf_url"]).status_code == 200
    assert client.get(f"/api/v1/reports/?state=queued&plan={plan.pk}").json()["count"] == 1


@pytest.mark.parametrize("state", ["queued", "running", "failed"])
def test_unfinished_reports_have_no_pdf(demo, api, state):
    report = StatusReportFactory(plan=demo.plan(PLAN_A1), period="2026-Q3", version=1, state=state)
    response = api("demo-sekretariatsleder").get(f"/api/v1/reports/{report.pk}/pdf/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_missing_pdf_file_is_404_not_a_crash(demo, api, media_root):
    report = done_report(demo.plan(PLAN_A1))
    (media_root / report.pdf.name).unlink()
    assert api("demo-sekretariatsleder").get(f"/api/v1/reports/{report.pk}/pdf/").status_code == 404


def test_the_pdf_answers_whatever_the_client_accepts(demo, api):
    report = done_report(demo.plan(PLAN_A1))
    client = api("demo-boligorg")
    for accept in ("application/pdf", "application/json", "*/*"):
        response = client.get(f"/api/v1/reports/{report.pk}/pdf/", HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        assert response["Content-Type"] == "application/pdf"
    missing = client.get("/api/v1/reports/99999999/pdf/", HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"


def test_the_pdf_path_without_a_trailing_slash_redirects(demo, api):
    report = done_report(demo.plan(PLAN_A1))
    response = api("demo-boligorg").get(f"/api/v1/reports/{report.pk}/pdf")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/api/v1/reports/{report.pk}/pdf/")


# --- query counts: constant in the number of rows -------------------------------------------------


def _grow(demo, extra: int) -> None:
    from .factories import ActionItemFactory, AgendaItemFactory, DecisionFactory, MeetingFactory

    plan = demo.plan(PLAN_A1)
    board = Body.objects.filter(plan=plan, kind="board").first()
    for n in range(extra // 5):
        meeting = MeetingFactory(body=board, starts_at=timezone.now() + timedelta(days=100 + n))
        for _position in range(2):
            decision = DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting))
            ActionItemFactory.create_batch(2, decision=decision)
    for n in range(extra // 5):
        done_report(plan, period=f"2025-Q{n % 4 + 1}", kind="full", version=n + 1)


@pytest.mark.parametrize("resource", ["meetings", "decisions", "action-items", "reports"])
@pytest.mark.parametrize("username", ["demo-boligorg", "demo-bestyrelse"])
def test_list_query_count_does_not_grow_with_rows(demo, api, django_assert_max_num_queries, username, resource):
    client = api(username)
    done_report(demo.plan(PLAN_A1))
    url = f"/api/v1/{resource}/?page_size=200"
    with django_assert_max_num_queries(7):
        small = client.get(url)
    _grow(demo, 60)
    with django_assert_max_num_queries(7):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.json()["count"] > small.json()["count"]
