"""The report pages: archive, ordering with progress, download — for allowed, forbidden and outside users."""

from pathlib import Path

import pytest
from django.urls import reverse

from governance.reports.models import StatusReport

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import StatusReportFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def done_report(plan, period="2026-Q2", kind="pixi", version=1, **kwargs) -> StatusReport:
    """A finished report with a small file in MEDIA_ROOT (no rendering: these tests are about the pages)."""
    from django.conf import settings

    report = StatusReportFactory(plan=plan, period=period, kind=kind, version=version, state="done", **kwargs)
    name = f"reports/plan-{plan.pk}/{period}-{kind}-v{version}.pdf"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7\n% test file\n")
    report.pdf.name = name
    report.page_count = 1
    report.save()
    return report


def archive_url(plan):
    return reverse("governance:report-archive", args=[plan.pk])


# --- Archive ------------------------------------------------------------------------------------------

VIEWERS_OF_A1 = ["demo-sekretariatsleder", "demo-koordinator", "demo-bestyrelse", "demo-boligorg", "demo-admin"]


@pytest.mark.parametrize(
    ("username", "plan_name", "status"),
    [
        *[(u, PLAN_A1, 200) for u in VIEWERS_OF_A1],
        ("demo-bestyrelse", PLAN_A2, 404),
        ("demo-bestyrelse", PLAN_B, 404),
        ("demo-koordinator-2", PLAN_A1, 404),
        ("demo-koordinator-2", PLAN_B, 200),
        ("demo-sekretariatsleder", PLAN_B, 404),
    ],
)
def test_the_archive_answers_viewers_and_hides_from_others(demo, login, username, plan_name, status):
    plan = demo.plan(plan_name)
    done_report(plan)
    response = login(username).get(archive_url(plan))
    assert response.status_code == status
    if status == 200:
        assert "Pixi- og statusrapporter" in response.text
        assert reverse("governance:report-download", args=[plan.pk, plan.reports.get().pk]) in response.text


def test_anonymous_users_are_sent_to_login(demo, client):
    response = client.get(archive_url(demo.plan(PLAN_A1)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("username", "sees_button"),
    [("demo-sekretariatsleder", True), ("demo-admin", True), ("demo-bestyrelse", False), ("demo-koordinator", False)],
)
def test_only_managers_see_the_order_buttons(demo, login, username, sees_button):
    plan = demo.plan(PLAN_A1)
    for url in (archive_url(plan), reverse("plan-detail", args=[plan.pk])):
        response = login(username).get(url)
        assert response.status_code == 200
        assert ("Generér pixi-rapport" in response.text) is sees_button
        assert (reverse("governance:report-request", args=[plan.pk]) in response.text) is sees_button


def test_the_archive_lists_every_version_with_who_asked(demo, login):
    plan = demo.plan(PLAN_A1)
    lead = demo.user("demo-sekretariatsleder")
    done_report(plan, version=1, requested_by=lead, requested_via="user")
    done_report(plan, version=2, requested_via="beat")
    StatusReportFactory(
        plan=plan, period="2026-Q2", kind="pixi", version=3, state="failed", last_error="Fejl: disk fuld"
    )
    text = login("demo-bestyrelse").get(archive_url(plan)).text
    assert text.count("Pixi-rapport") >= 3
    assert lead.get_full_name() in text and "Kvartalsplan (automatisk)" in text
    assert "Fejlet" in text and "Fejl: disk fuld" in text


def test_the_archive_takes_a_constant_number_of_queries(demo, login, django_assert_max_num_queries):
    small, large = demo.plan(PLAN_A1), demo.plan(PLAN_A2)
    lead = demo.user("demo-sekretariatsleder")
    done_report(small, requested_by=lead)
    for quarter in range(1, 5):
        for kind in ("pixi", "full"):
            for version in (1, 2, 3):
                done_report(large, period=f"2025-Q{quarter}", kind=kind, version=version, requested_by=lead)
    client = login("demo-sekretariatsleder")
    with django_assert_max_num_queries(12) as small_ctx:
        assert client.get(archive_url(small)).status_code == 200
    with django_assert_max_num_queries(12) as large_ctx:
        assert client.get(archive_url(large)).status_code == 200
    assert len(large_ctx.captured_queries) == len(small_ctx.captured_queries)


# --- Ordering and progress -----------------------------------------------------------------------------


def test_the_lead_orders_a_pixi_and_it_is_done_in_process(demo, login, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("governance:report-request", args=[plan.pk]), {"kind": "pixi", "period": "2026-Q2"}
        )
    assert response.status_code == 302 and response["Location"] == archive_url(plan)
    report = StatusReport.objects.get(plan=plan)
    assert (report.period, report.kind, report.version, report.state) == ("2026-Q2", "pixi", 1, "done")
    assert report.requested_by.username == "demo-sekretariatsleder" and report.requested_via == "user"
    page = client.get(archive_url(plan)).text
    assert reverse("governance:report-download", args=[plan.pk, report.pk]) in page
    assert "hx-trigger" not in page


def test_the_plan_page_button_orders_the_latest_quarter(demo, login, django_capture_on_commit_callbacks):
    from governance.reports.forms import default_report_period

    plan = demo.plan(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=False):
        response = login("demo-sekretariatsleder").post(
            reverse("governance:report-request", args=[plan.pk]), {"kind": "pixi"}
        )
    assert response.status_code == 302
    assert StatusReport.objects.get(plan=plan).period == default_report_period(plan)


OUTSIDERS = {("demo-koordinator-2", PLAN_A1), ("demo-sekretariatsleder", PLAN_B)}


@pytest.mark.parametrize(
    ("username", "plan_name"),
    [
        ("demo-bestyrelse", PLAN_A1),
        ("demo-koordinator", PLAN_A1),
        ("demo-styregruppe", PLAN_A1),
        ("demo-boligorg", PLAN_A1),
        ("demo-koordinator-2", PLAN_A1),
        ("demo-sekretariatsleder", PLAN_B),
    ],
)
def test_only_managers_can_order(demo, login, username, plan_name, django_capture_on_commit_callbacks):
    plan = demo.plan(plan_name)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login(username).post(reverse("governance:report-request", args=[plan.pk]), {"kind": "pixi"})
    # Readers of the plan may not order (403); users who cannot see the plan get 404.
    assert response.status_code == (404 if (username, plan_name) in OUTSIDERS else 403)
    assert not StatusReport.objects.exists() and callbacks == []


@pytest.mark.parametrize(
    "data",
    [{"kind": "weekly", "period": "2026-Q2"}, {"kind": "pixi", "period": "2015-Q1"}, {"kind": "pixi", "period": "x"}],
)
def test_bad_orders_change_nothing(demo, login, data, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login("demo-sekretariatsleder").post(reverse("governance:report-request", args=[plan.pk]), data)
    assert response.status_code == 400
    assert not StatusReport.objects.exists() and callbacks == []


def test_ordering_is_post_only(demo, login):
    response = login("demo-sekretariatsleder").get(reverse("governance:report-request", args=[demo.plan(PLAN_A1).pk]))
    assert response.status_code == 405


def test_the_status_fragment_polls_until_done(demo, login):
    plan = demo.plan(PLAN_A1)
    report = StatusReportFactory(plan=plan, period="2026-Q3", version=1, state="queued")
    url = reverse("governance:report-status", args=[plan.pk, report.pk])
    client = login("demo-bestyrelse")
    fragment = client.get(url).text
    assert 'hx-trigger="every 2s"' in fragment and f'hx-get="{url}"' in fragment and "I kø" in fragment
    StatusReport.objects.filter(pk=report.pk).update(state="running")
    assert "Dannes" in client.get(url).text
    report.delete()
    done = done_report(plan, period="2026-Q3")
    fragment = client.get(reverse("governance:report-status", args=[plan.pk, done.pk])).text
    assert "hx-trigger" not in fragment and reverse("governance:report-download", args=[plan.pk, done.pk]) in fragment
    assert "✔" in fragment and "Færdig" in fragment


def test_the_status_fragment_is_hidden_from_others(demo, login):
    plan = demo.plan(PLAN_A1)
    report = StatusReportFactory(plan=plan, period="2026-Q3", version=1, state="queued")
    assert (
        login("demo-koordinator-2").get(reverse("governance:report-status", args=[plan.pk, report.pk])).status_code
        == 404
    )


# --- Download ---------------------------------------------------------------------------------------------


def test_a_board_member_downloads_their_plans_pdf(demo, login):
    plan = demo.plan(PLAN_A1)
    report = done_report(plan)
    response = login("demo-bestyrelse").get(reverse("governance:report-download", args=[plan.pk, report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert report.filename in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("username", "plan_name"),
    [("demo-bestyrelse", PLAN_A2), ("demo-bestyrelse", PLAN_B), ("demo-koordinator-2", PLAN_A1)],
)
def test_others_get_404_on_the_pdf(demo, login, username, plan_name):
    plan = demo.plan(plan_name)
    report = done_report(plan)
    assert login(username).get(reverse("governance:report-download", args=[plan.pk, report.pk])).status_code == 404


def test_a_report_cannot_be_fetched_through_another_plans_url(demo, login):
    a1, b = demo.plan(PLAN_A1), demo.plan(PLAN_B)
    report_b = done_report(b)
    response = login("demo-bestyrelse").get(reverse("governance:report-download", args=[a1.pk, report_b.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("state", ["queued", "running", "failed"])
def test_unfinished_reports_have_no_pdf(demo, login, state):
    plan = demo.plan(PLAN_A1)
    report = StatusReportFactory(plan=plan, period="2026-Q3", version=1, state=state)
    response = login("demo-sekretariatsleder").get(reverse("governance:report-download", args=[plan.pk, report.pk]))
    assert response.status_code == 404


def test_a_missing_file_is_a_404_not_a_crash(demo, login, media_root):
    plan = demo.plan(PLAN_A1)
    report = done_report(plan)
    (media_root / report.pdf.name).unlink()
    response = login("demo-sekretariatsleder").get(reverse("governance:report-download", args=[plan.pk, report.pk]))
    assert response.status_code == 404
