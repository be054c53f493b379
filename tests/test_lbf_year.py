"""The LBF year (issue #14, item 2): obligations generated from the plan period with the right
deadlines, per-plan deadlines, reminders batched per person and sent once, overdue obligations on
the dashboards, and the målopfyldelsesskema pre-filled from the approved measurements, frozen with
a SHA-256 when submitted."""

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.goal_attainment import attainment_rows, goal_attainment_save, goal_attainment_submit
from monitoring.models import GoalAttainmentReport, Measurement, Obligation, ObligationReminder
from monitoring.obligations import obligation_deadline_set, obligation_reminders_send, obligations_generate

from .conftest import PLAN_A1, PLAN_B
from .factories import GoalFactory, IndicatorFactory, MeasurementFactory, PersonFactory, PlanFactory, TargetFactory

TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def due(plan, kind, year, sequence=1):
    return Obligation.objects.get(plan=plan, kind=kind, year=year, sequence=sequence).due_date


# --- generation ------------------------------------------------------------------------------------


def test_obligations_for_a_four_year_plan(db):
    plan = PlanFactory(start_date=date(2023, 1, 1), end_date=date(2026, 12, 31))
    created, moved = obligations_generate(plan=plan)
    assert (created, moved) == (4 * 3 + 4 * 2 + 1, 0)  # yearly three, two data updates a year, one midterm
    assert due(plan, "self_evaluation", 2024) == date(2025, 3, 1)
    assert due(plan, "goal_attainment", 2024) == date(2025, 3, 1)
    assert due(plan, "accounts", 2024) == date(2025, 6, 30)
    assert due(plan, "data_update", 2025, 1) == date(2025, 3, 31)
    assert due(plan, "data_update", 2025, 2) == date(2025, 9, 30)
    assert due(plan, "midterm_evaluation", 2025) == date(2025, 3, 31)  # 3 months after the middle
    assert obligations_generate(plan=plan) == (0, 0)  # idempotent


def test_a_short_plan_has_no_midterm_and_data_updates_only_inside_the_period(db):
    plan = PlanFactory(start_date=date(2024, 7, 1), end_date=date(2026, 6, 30))
    obligations_generate(plan=plan)
    assert not Obligation.objects.filter(plan=plan, kind="midterm_evaluation").exists()
    updates = Obligation.objects.filter(plan=plan, kind="data_update").order_by("due_date")
    assert [o.due_date for o in updates] == [date(2024, 9, 30), date(2025, 3, 31), date(2025, 9, 30), date(2026, 3, 31)]


def test_a_plans_own_deadline_moves_unsubmitted_obligations_only(db):
    plan = PlanFactory(start_date=date(2023, 1, 1), end_date=date(2026, 12, 31))
    obligations_generate(plan=plan)
    submitted = Obligation.objects.get(plan=plan, kind="self_evaluation", year=2023)
    submitted.state, submitted.submitted_on = Obligation.State.SUBMITTED, date(2024, 2, 20)
    submitted.save()
    obligation_deadline_set(
        plan=plan, kind="self_evaluation", sequence=1, month=4, day=15, years_after=1, source="LBF's brev 2025"
    )
    assert due(plan, "self_evaluation", 2024) == date(2025, 4, 15)
    assert due(plan, "self_evaluation", 2023) == date(2024, 3, 1)  # already submitted: kept
    assert (
        Obligation.history.filter(id=Obligation.objects.get(plan=plan, kind="self_evaluation", year=2024).pk).count()
        == 2
    )


def test_bad_deadline_is_refused_and_changes_nothing(demo, login):
    plan = demo.plan(PLAN_A1)
    before = list(Obligation.objects.filter(plan=plan).values_list("pk", "due_date"))
    response = login("demo-sekretariatsleder").post(
        reverse("lbf:deadlines", args=[plan.pk]),
        {"kind": "self_evaluation", "sequence": 1, "day": 31, "month": 2, "years_after": 1, "source": "x"},
    )
    assert response.status_code == 400
    assert list(Obligation.objects.filter(plan=plan).values_list("pk", "due_date")) == before
    assert not plan.obligation_deadlines.exists()


# --- reminders -------------------------------------------------------------------------------------


def _obligations_due(plan, person, *days):
    today = date(2025, 1, 1)
    rows = []
    for number, offset in enumerate(days, start=1):
        rows.append(
            Obligation.objects.create(
                plan=plan,
                kind="data_update",
                year=2024 + number,
                sequence=1,
                due_date=today + timedelta(days=offset),
                responsible=person,
            )
        )
    return today, rows


def test_reminders_are_batched_per_person_and_sent_once_per_stage(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = PlanFactory(start_date=date(2023, 1, 1), end_date=date(2030, 12, 31))
    anne, bo = PersonFactory(email="anne@example.invalid"), PersonFactory(email="bo@example.invalid")
    today, (first, second) = _obligations_due(plan, anne, 30, 20)
    Obligation.objects.create(
        plan=plan, kind="accounts", year=2024, due_date=today + timedelta(days=25), responsible=bo
    )
    Obligation.objects.create(
        plan=plan,
        kind="self_evaluation",
        year=2024,
        due_date=today + timedelta(days=10),
        responsible=bo,
        state=Obligation.State.SUBMITTED,
        submitted_on=today,
    )
    Obligation.objects.create(
        plan=plan, kind="goal_attainment", year=2024, due_date=today + timedelta(days=45), responsible=bo
    )
    result = obligation_reminders_send(today=today)
    assert result == {"emails": 2, "obligations": 3}
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"anne@example.invalid", "bo@example.invalid"}
    assert (
        str(first) in by_recipient["anne@example.invalid"].body
        and plan.name in by_recipient["anne@example.invalid"].body
    )
    assert obligation_reminders_send(today=today) == {"emails": 0, "obligations": 0}  # idempotent
    assert obligation_reminders_send(today=today + timedelta(days=1)) == {"emails": 0, "obligations": 0}
    later = obligation_reminders_send(today=today + timedelta(days=13))  # 7 days before `second`
    assert later == {"emails": 1, "obligations": 1}
    assert ObligationReminder.objects.filter(obligation=second).count() == 2


def test_reminder_command_and_task(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = PlanFactory(start_date=date(2023, 1, 1), end_date=date(2030, 12, 31))
    today, _rows = _obligations_due(plan, PersonFactory(email="c@example.invalid"), 7)
    call_command("send_obligation_reminders", "--today", today.isoformat(), stdout=BytesIO_text())
    assert len(mail.outbox) == 1
    from monitoring.tasks import send_obligation_reminders

    assert send_obligation_reminders.delay(today.isoformat()).get() == {"emails": 0, "obligations": 0}
    assert "monitoring.tasks.send_obligation_reminders" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


class BytesIO_text:
    def write(self, text):
        pass

    def flush(self):
        pass


# --- pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("demo-sekretariatsleder", 200),
        ("demo-koordinator", 200),
        ("demo-bestyrelse", 200),
        ("demo-boligorg", 200),
        ("demo-styregruppe", 403),
        ("demo-koordinator-2", 404),
    ],
)
def test_who_sees_the_obligations(demo, login, username, expected):
    response = login(username).get(reverse("lbf:obligations", args=[demo.plan(PLAN_A1).pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "Reguleringskontoopgørelse (regnskab)" in response.content.decode()


def test_demo_has_obligations_in_every_state_and_one_overdue(demo):
    today = timezone.localdate()
    states = set(Obligation.objects.values_list("state", flat=True))
    assert states == {"not_started", "in_progress", "submitted"}
    overdue = Obligation.objects.filter(due_date__lt=today).exclude(state="submitted")
    assert [(o.plan.name, o.kind) for o in overdue] == [(PLAN_A1, "accounts")]


def test_plan_overdue_obligations_for_the_board(demo):
    from monitoring.obligations import plan_overdue_obligations

    plan = demo.plan(PLAN_A1)
    overdue = plan_overdue_obligations(plan=plan)
    assert [(o.kind, o.year) for o in overdue] == [("accounts", timezone.localdate().year - 1)]
    assert plan_overdue_obligations(plan=plan, on=overdue[0].due_date) == []


@pytest.mark.parametrize("username", ["demo-sekretariatsleder", "demo-koordinator"])
def test_overdue_obligation_on_the_dashboards(demo, login, username):
    url = reverse("my-secretariat" if username == "demo-sekretariatsleder" else "overview")
    html = login(username).get(url).content.decode()
    assert "Overskredne LBF-frister" in html
    assert f"{PLAN_A1}: Reguleringskontoopgørelse (regnskab) {timezone.localdate().year - 1}" in html


def test_dashboard_overdue_section_is_one_query(demo, login, django_assert_max_num_queries):
    client = login("demo-sekretariatsleder")
    with django_assert_max_num_queries(60) as small:
        client.get(reverse("my-secretariat"))
    plan = demo.plan(PLAN_A1)
    for year in range(2021, 2026):
        Obligation.objects.create(plan=plan, kind="data_update", year=year, sequence=3, due_date=date(year, 5, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("my-secretariat")).content.decode()
    assert html.count("Opdatering af LBF&#x27;s boligsociale data") + html.count("Opdatering af LBF's") >= 5


def test_lead_submits_an_obligation_with_a_checked_file(demo, login, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    plan = demo.plan(PLAN_A1)
    obligation = Obligation.objects.get(plan=plan, kind="accounts", year=timezone.localdate().year - 1)
    client = login("demo-sekretariatsleder")
    bad = SimpleUploadedFile("regnskab.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = client.post(
        reverse("lbf:obligation-edit", args=[plan.pk, obligation.pk]), {"state": "submitted", "file": bad}
    )
    assert response.status_code == 400
    obligation.refresh_from_db()
    assert obligation.state == "in_progress" and not obligation.file
    good = SimpleUploadedFile("regnskab 2025.pdf", TINY_PDF, "application/octet-stream")
    response = client.post(
        reverse("lbf:obligation-edit", args=[plan.pk, obligation.pk]), {"state": "submitted", "file": good}
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.state == "submitted" and obligation.submitted_on == timezone.localdate()
    assert obligation.file_sha256 == hashlib.sha256(TINY_PDF).hexdigest()
    download = client.get(reverse("lbf:obligation-file", args=[plan.pk, obligation.pk]))
    assert b"".join(download.streaming_content) == TINY_PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert (
        login("demo-koordinator").get(reverse("lbf:obligation-edit", args=[plan.pk, obligation.pk])).status_code == 403
    )


# --- the målopfyldelsesskema ------------------------------------------------------------------------


@pytest.fixture
def measured(db):
    """A plan with one goal and indicator: approved values in 2024 and 2025, a draft, and one approved
    for a period after 2024."""
    plan = PlanFactory(start_date=date(2023, 1, 1), end_date=date(2026, 12, 31))
    goal = GoalFactory(plan=plan, title="Flere unge i uddannelse")
    indicator = IndicatorFactory(
        goal=goal,
        name="Andel unge i uddannelse",
        unit="%",
        frequency="yearly",
        baseline_value=Decimal("50"),
        baseline_date=date(2022, 12, 31),
    )
    TargetFactory(indicator=indicator, value=Decimal("60"), due_date=date(2026, 12, 31))
    MeasurementFactory(indicator=indicator, period="2023", value=Decimal("52"), status="approved")
    MeasurementFactory(indicator=indicator, period="2024", value=Decimal("55"), status="approved")
    MeasurementFactory(indicator=indicator, period="2025", value=Decimal("58"), status="approved")
    return plan, goal, indicator


def test_goal_attainment_numbers_are_the_approved_measurements_at_year_end(measured):
    plan, _goal, indicator = measured
    Measurement.objects.filter(indicator=indicator, period="2024").update(status="draft")
    rows = attainment_rows(plan=plan, year=2024)
    assert rows[0]["result"] == "52" and rows[0]["period"] == "2023"  # the 2024 draft and 2025 do not count
    Measurement.objects.filter(indicator=indicator, period="2024").update(status="approved")
    (row,) = attainment_rows(plan=plan, year=2024)
    assert (row["baseline"], row["target"], row["result"], row["period"]) == ("50", "60", "55", "2024")
    assert row["status"] == "on_track"  # 5 of 10 after 2 of 4 years
    assert attainment_rows(plan=plan, year=2025)[0]["result"] == "58"


def test_comments_then_submit_freezes_the_form_with_a_hash(measured, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    plan, _goal, indicator = measured
    obligations_generate(plan=plan)
    key = attainment_rows(plan=plan, year=2024)[0]["key"]
    goal_attainment_save(plan=plan, year=2024, comments={key: "Godt på vej", "i999": "ukendt"}, note="Samlet ok")
    report = goal_attainment_submit(plan=plan, year=2024, user=None)
    assert report.state == "submitted"
    stored = report.pdf.open("rb").read()
    assert report.sha256 == hashlib.sha256(stored).hexdigest()
    assert report.snapshot["rows"][0]["comment"] == "Godt på vej"
    Measurement.objects.filter(indicator=indicator, period="2024").update(value=Decimal("40"))
    from monitoring.goal_attainment import report_rows

    assert report_rows(GoalAttainmentReport.objects.get(pk=report.pk))[0]["result"] == "55"  # frozen
    obligation = Obligation.objects.get(plan=plan, kind="goal_attainment", year=2024)
    assert obligation.state == "submitted" and obligation.file_sha256 == report.sha256
    with pytest.raises(Exception, match="indsendt"):
        goal_attainment_save(plan=plan, year=2024, comments={key: "ændret"}, note="")


def test_goal_attainment_pages(demo, login, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    plan = demo.plan(PLAN_A1)
    year = timezone.localdate().year
    url = reverse("lbf:goal-attainment", args=[plan.pk, year])
    assert login("demo-koordinator").post(url, {"note": "x"}).status_code == 403
    assert login("demo-styregruppe").get(url).status_code == 403
    assert login("demo-koordinator-2").get(url).status_code == 404
    assert login("demo-sekretariatsleder").get(reverse("lbf:goal-attainment", args=[plan.pk, 1990])).status_code == 404
    client = login("demo-sekretariatsleder")
    html = client.get(url).content.decode()
    assert "Bestyrelsens kommentar" in html and "textarea" in html
    key = attainment_rows(plan=plan, year=year)[0]["key"]
    assert client.post(url, {f"comment-{key}": "Drøftet på mødet", "note": "Samlet"}).status_code == 302
    book = load_workbook(BytesIO(client.get(reverse("lbf:goal-attainment-xlsx", args=[plan.pk, year])).content))
    assert "Drøftet på mødet" in [row[-1] for row in book.active.iter_rows(values_only=True)]
    draft = client.get(reverse("lbf:goal-attainment-pdf", args=[plan.pk, year]))
    assert draft.content.startswith(b"%PDF") and "kladde" in draft["Content-Disposition"]
    assert client.post(reverse("lbf:goal-attainment-submit", args=[plan.pk, year])).status_code == 302
    frozen = client.get(reverse("lbf:goal-attainment-pdf", args=[plan.pk, year]))
    report = GoalAttainmentReport.objects.get(plan=plan, year=year)
    assert hashlib.sha256(frozen.content).hexdigest() == report.sha256 == frozen["X-Content-SHA256"]
    assert "textarea" not in client.get(url).content.decode()
    assert login("demo-bestyrelse").get(reverse("lbf:goal-attainment-pdf", args=[plan.pk, year])).status_code == 200


def test_goal_attainment_page_query_count_does_not_grow_with_goals(demo, login, django_assert_max_num_queries):
    plan = demo.plan(PLAN_B)
    client = login("demo-koordinator-2")
    url = reverse("lbf:goal-attainment", args=[plan.pk, 2025])
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for number in range(5):
        goal = GoalFactory(plan=plan, title=f"Ekstra mål {number}")
        IndicatorFactory(goal=goal, name=f"Ekstra indikator {number}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_generate_obligations_command(db):
    plan = PlanFactory(start_date=date(2023, 1, 1), end_date=date(2026, 12, 31))
    out = BytesIO_text()
    call_command("generate_obligations", "--plan", str(plan.pk), stdout=out)
    assert Obligation.objects.filter(plan=plan).count() == 21
