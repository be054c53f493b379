"""Import of measurements from XLSX/CSV (preview, all-or-nothing) and export to XLSX (round trip)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import imports
from monitoring.imports import measurements_import, read_table, validate_measurement_rows
from monitoring.models import Indicator, Measurement
from plans.models import Role
from plans.services import role_assign

from .conftest import PLAN_A1
from .factories import IndicatorFactory, MeasurementFactory, UserFactory

HEADER = "indikator_id;indikator;periode;opdeling;værdi;kilde\n"


@pytest.fixture
def world(db):
    """A plan with a quarterly and a yearly indicator and its sekretariatsleder."""
    quarterly = IndicatorFactory(name="Kvartal")
    yearly = IndicatorFactory(goal=quarterly.goal, name="År", frequency=Indicator.Frequency.YEARLY)
    lead = UserFactory(username="leder")
    role_assign(user=lead, role=Role.SECRETARIAT_LEAD, secretariat=quarterly.goal.plan.secretariat)
    return quarterly, yearly, lead


def _csv(text: str, name="maalinger.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_a_valid_file_is_saved_whole(world):
    quarterly, yearly, lead = world
    text = HEADER + (
        f"{quarterly.pk};Kvartal;2024-Q1;;51,5;Kommunens register\n"
        f"{quarterly.pk};Kvartal;2024-Q2;;52;\n"
        f"{yearly.pk};År;2024;;1.234,5;Egen optælling\n"
    )
    plan = quarterly.goal.plan
    rows = read_table(_csv(text))
    preview = validate_measurement_rows(user=lead, plan=plan, rows=rows)
    assert preview.is_valid and preview.new_count == 3
    result = measurements_import(user=lead, plan=plan, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    saved = {(m.indicator_id, m.period): m for m in Measurement.objects.filter(indicator__goal__plan=plan)}
    assert saved[(quarterly.pk, "2024-Q1")].value == Decimal("51.5")
    assert saved[(yearly.pk, "2024")].value == Decimal("1234.5")
    assert all(m.status == Measurement.Status.DRAFT and m.entered_by == lead for m in saved.values())


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        ("999999;X;2024-Q3;;53;", "indikator_id", "Ukendt indikator"),
        ("{q};Kvartal;2024-Q5;;53;", "periode", "kvartal"),
        ("{q};Kvartal;2024;;53;", "periode", "passer ikke"),  # a year for a quarterly indicator
        ("{q};Kvartal;2024-Q3;;tre;", "værdi", "ikke et tal"),
        ("{q};Kvartal;2024-Q1;;53;", "periode", "Dublet"),  # same as row 2
        ("{q};Kvartal;2024-Q3;Piger;53;", "opdeling", "ingen opdeling"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_row_and_column(world, bad_row, column, message):
    quarterly, _yearly, lead = world
    text = HEADER + f"{quarterly.pk};Kvartal;2024-Q1;;51;\n" + bad_row.format(q=quarterly.pk) + "\n"
    plan = quarterly.goal.plan
    rows = read_table(_csv(text))
    preview = validate_measurement_rows(user=lead, plan=plan, rows=rows)
    assert not preview.is_valid
    assert rows[0].errors == []
    assert rows[1].number == 3
    assert [c for c, _m in rows[1].errors] == [column]
    assert message in rows[1].errors[0][1]
    with pytest.raises(ValidationError):
        measurements_import(user=lead, plan=plan, rows=rows)
    assert not Measurement.objects.filter(indicator__goal__plan=plan).exists()


def test_indicators_of_other_plans_are_unknown(world):
    quarterly, _yearly, lead = world
    foreign = IndicatorFactory()
    rows = read_table(_csv(HEADER + f"{foreign.pk};Fremmed;2024-Q1;;51;\n"))
    preview = validate_measurement_rows(user=lead, plan=quarterly.goal.plan, rows=rows)
    assert rows[0].errors[0][0] == "indikator_id" and not preview.is_valid


def _zip_without_content_types() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hej")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("maalinger.txt", b"indikator_id;periode;v\xc3\xa6rdi\n", "typen"),
        ("maalinger.xlsx", b"indikator_id;periode;vaerdi\n", "XLSX"),
        ("maalinger.xlsx", _zip_without_content_types(), "XLSX"),
        ("maalinger.csv", "indikator_id;periode;værdi\n1;2024;æ\n".encode("latin-1"), "UTF-8"),
        ("maalinger.csv", b"indikator_id;periode\n1;2024\n", "mangler"),
        ("maalinger.csv", b"", "tom"),
    ],
)
def test_bad_files_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        read_table(SimpleUploadedFile(name, content))


def test_too_large_files_are_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(ValidationError, match="for stor"):
        read_table(_csv(HEADER))


def _snapshot(plan):
    measurements = Measurement.objects.filter(indicator__goal__plan=plan)
    rows = sorted(
        measurements.values_list(
            "indicator_id",
            "period",
            "breakdown_value",
            "value",
            "source_note",
            "status",
            "entered_by",
            "approved_by",
        )
    )
    return rows, Measurement.history.filter(indicator__goal__plan=plan).count()


def test_xlsx_round_trip_changes_nothing(demo, login, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    before = _snapshot(plan)
    response = client.get(reverse("monitoring:plan-export", args=[plan.pk]))
    assert response.status_code == 200
    exported = response.content
    sheet = load_workbook(io.BytesIO(exported)).active
    assert [cell.value for cell in sheet[1]] == imports.COLUMNS
    assert sheet.max_row - 1 == len(before[0])

    response = client.post(
        reverse("monitoring:import-upload", args=[plan.pk]),
        {"file": SimpleUploadedFile("export.xlsx", exported)},
    )
    preview = response.context["preview"]
    assert preview.is_valid, [row.errors for row in preview.rows if row.errors][:3]
    assert preview.unchanged_count == len(before[0]) and preview.new_count == preview.update_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:import-confirm", args=[plan.pk]))
    assert response.status_code == 302
    assert _snapshot(plan) == before


def test_edited_export_updates_only_the_changed_row(demo, login, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    indicator = Indicator.objects.get(goal__plan=plan, name="Antal faste deltagere i lektiecaféen")
    exported = client.get(reverse("monitoring:indicator-export", args=[plan.pk, indicator.pk])).content
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {indicator.pk}
    sheet.cell(row=2, column=5).value = 999
    changed_period = sheet.cell(row=2, column=3).value
    buffer = io.BytesIO()
    workbook.save(buffer)
    # The row changes an approved measurement: allowed only with "Erstat godkendte værdier" and a reason.
    client.post(
        reverse("monitoring:import-upload", args=[plan.pk]),
        {"file": SimpleUploadedFile("rettet.xlsx", buffer.getvalue()), "replace_approved": "on", "reason": "Rettet"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("monitoring:import-confirm", args=[plan.pk]))
    changed = indicator.measurements.get(period=changed_period, breakdown_value="")
    assert (changed.value, changed.status) == (Decimal(999), Measurement.Status.DRAFT)
    assert indicator.measurements.filter(status=Measurement.Status.DRAFT).count() == 2  # + the demo's draft


def test_upload_page_shows_row_and_column_and_saves_nothing(demo, login, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    indicator = Indicator.objects.get(goal__plan=plan, name="Antal faste deltagere i lektiecaféen")
    client = login("demo-boligorg")
    before = Measurement.objects.count()
    text = HEADER + f"{indicator.pk};x;2026-Q4;;12;\n{indicator.pk};x;2027-Q1;;tolv;\n"
    response = client.post(reverse("monitoring:import-upload", args=[plan.pk]), {"file": _csv(text)})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Række 3" in content and "kolonne værdi" in content
    # No confirmation is possible for a file with errors.
    assert reverse("monitoring:import-confirm", args=[plan.pk]) not in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:import-confirm", args=[plan.pk]))
    assert Measurement.objects.count() == before


def test_import_with_drafts_keeps_approved_measurements(world):
    quarterly, _yearly, lead = world
    MeasurementFactory(indicator=quarterly, period="2024-Q1", value=Decimal(51))
    rows = read_table(_csv(HEADER + f"{quarterly.pk};Kvartal;2024-Q1;;51;\n"))
    result = measurements_import(user=lead, plan=quarterly.goal.plan, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert quarterly.measurements.get().status == Measurement.Status.APPROVED


def test_export_writes_text_starting_with_equals_as_text(world):
    quarterly, _yearly, lead = world
    MeasurementFactory(indicator=quarterly, period="2024-Q1", value=Decimal(51), source_note="=HYPERLINK(1)")
    content = imports.measurements_workbook(quarterly.measurements.select_related("indicator"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    rows = read_table(SimpleUploadedFile("eksport.xlsx", content))
    assert rows[0].values["kilde"] == "=HYPERLINK(1)"
    result = measurements_import(user=lead, plan=quarterly.goal.plan, rows=rows)
    assert result.unchanged == 1
