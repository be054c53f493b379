"""The spreadsheet import as a treasurer needs it (issue 12 item 5, issue 13 item 5): Danish numbers,
approved values protected unless replaced on purpose, errors that say how to fix them, and large
files validated and written in sets."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from monitoring.imports import (
    COLUMNS,
    NUMERIC_COLUMNS,
    NumberFormatError,
    measurements_import,
    parse_danish_number,
    read_table,
    validate_measurement_rows,
)
from monitoring.models import Indicator, Measurement
from plans.models import Role
from plans.services import role_assign

from .conftest import PLAN_A1
from .factories import IndicatorFactory, MeasurementFactory, TargetFactory, UserFactory

HEADER = "indikator_id;indikator;periode;opdeling;værdi;kilde\n"


@pytest.fixture
def world(db):
    indicator = IndicatorFactory(name="Kvartal", breakdown_dimension="Alder")
    lead = UserFactory(username="leder")
    role_assign(user=lead, role=Role.SECRETARIAT_LEAD, secretariat=indicator.goal.plan.secretariat)
    return indicator, lead


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("maalinger.csv", text.encode("utf-8"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234", Decimal("1234")),
        ("1.234,5", Decimal("1234.5")),
        ("1,5", Decimal("1.5")),
        ("12", Decimal("12")),
        ("-3,25", Decimal("-3.25")),
        ("1.234.567", Decimal("1234567")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234", Decimal("1234")),
    ],
)
def test_danish_numbers(text, expected):
    assert parse_danish_number(text) == expected


@pytest.mark.parametrize(("text", "ambiguous"), [("12.5", True), ("1,234.5", True), ("1.23", True), ("1,2,3", True)])
def test_numbers_that_read_two_ways_are_ambiguous(text, ambiguous):
    with pytest.raises(NumberFormatError) as error:
        parse_danish_number(text)
    assert error.value.ambiguous is ambiguous


def test_not_a_number():
    with pytest.raises(NumberFormatError) as error:
        parse_danish_number("tre")
    assert error.value.ambiguous is False


def test_numeric_xlsx_cells_are_taken_as_they_are(world):
    indicator, lead = world
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append([indicator.pk, "", "2024-Q1", "", 1234.5, "", ""])
    sheet.append([indicator.pk, "", "2024-Q2", "", "1.234", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_table(SimpleUploadedFile("m.xlsx", buffer.getvalue()), numeric_columns=NUMERIC_COLUMNS)
    result = measurements_import(user=lead, plan=indicator.goal.plan, rows=rows)
    assert result.created == 2
    values = dict(indicator.measurements.values_list("period", "value"))
    assert values == {"2024-Q1": Decimal("1234.5"), "2024-Q2": Decimal("1234")}


def test_an_ambiguous_cell_is_a_row_error_naming_the_cell_with_an_example(world):
    indicator, lead = world
    rows = read_table(_csv(HEADER + f"{indicator.pk};x;2024-Q1;;12;\n{indicator.pk};x;2024-Q2;;1,234.5;\n"))
    preview = validate_measurement_rows(user=lead, plan=indicator.goal.plan, rows=rows)
    assert not preview.is_valid and rows[0].errors == []
    ((column, cell, message),) = rows[1].located_errors
    assert (column, cell) == ("værdi", "E3")
    assert "Celle E3" in message and "1,234.5" in message and "1.234,5" in message
    with pytest.raises(ValidationError):
        measurements_import(user=lead, plan=indicator.goal.plan, rows=rows)
    assert not indicator.measurements.exists()


@pytest.mark.parametrize(
    ("row", "column", "hint"),
    [
        ("999999;x;2024-Q1;;1;", "indikator_id", "fx "),
        ("{i};x;2024-Q7;;1;", "periode", "2025-Q3"),
        ("{i};x;2024;;1;", "periode", "2025-Q3"),
        ("{i};x;2024-Q1;;tre;", "værdi", "1.234,5"),
        ("{i};x;2024-Q1;;12345678901,5;", "værdi", "1.234,5678"),
    ],
)
def test_every_row_error_says_what_to_write(world, row, column, hint):
    indicator, lead = world
    rows = read_table(_csv(HEADER + row.format(i=indicator.pk) + "\n"))
    validate_measurement_rows(user=lead, plan=indicator.goal.plan, rows=rows)
    ((got_column, message),) = rows[0].errors
    assert got_column == column and hint in message


def test_reimport_over_an_approved_measurement_is_a_row_error(world):
    indicator, lead = world
    approved = MeasurementFactory(indicator=indicator, period="2024-Q1", value=Decimal(51))
    rows = read_table(_csv(HEADER + f"{indicator.pk};x;2024-Q1;;60;\n"))
    preview = validate_measurement_rows(user=lead, plan=indicator.goal.plan, rows=rows)
    assert not preview.is_valid
    assert "Erstat godkendte værdier" in rows[0].errors[0][1]
    with pytest.raises(ValidationError):
        measurements_import(user=lead, plan=indicator.goal.plan, rows=rows)
    approved.refresh_from_db()
    assert (approved.value, approved.status) == (Decimal(51), Measurement.Status.APPROVED)


def test_replacing_approved_values_needs_a_reason_and_goes_back_to_draft_with_history(world):
    indicator, lead = world
    TargetFactory(indicator=indicator, value=Decimal(60))
    approved = MeasurementFactory(indicator=indicator, period="2024-Q1", value=Decimal(70))
    indicator.refresh_from_db()
    assert indicator.status == "on_track"
    rows = read_table(_csv(HEADER + f"{indicator.pk};x;2024-Q1;;40;\n"))
    with pytest.raises(ValidationError):
        measurements_import(user=lead, plan=indicator.goal.plan, rows=rows, replace_approved=True, reason=" ")
    result = measurements_import(
        user=lead, plan=indicator.goal.plan, rows=rows, replace_approved=True, reason="Rettede tal fra kommunen"
    )
    assert (result.updated, result.replaced_approved) == (1, 1)
    approved.refresh_from_db()
    assert (approved.value, approved.status, approved.approved_by) == (Decimal(40), "draft", None)
    latest = approved.history.order_by("-history_id").first()
    assert "Rettede tal fra kommunen" in latest.history_change_reason
    assert latest.history_user == lead and latest.status == "draft"
    # The stored status followed in the same transaction: no approved measurement is left.
    indicator.refresh_from_db()
    assert indicator.status == "no_data"


def test_the_upload_page_offers_replacing_and_requires_a_reason(demo, login, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    indicator = Indicator.objects.get(goal__plan=plan, name="Antal faste deltagere i lektiecaféen")
    approved = indicator.measurements.filter(status="approved", breakdown_value="").first()
    client = login("demo-sekretariatsleder")
    new_value = int(approved.value) + 1
    text = HEADER + f"{indicator.pk};x;{approved.period};;{new_value};\n"
    url = reverse("monitoring:import-upload", args=[plan.pk])
    content = client.post(url, {"file": _csv(text)}).content.decode()
    assert "Erstat godkendte værdier" in content and "(E2)" in content
    content = client.post(url, {"file": _csv(text), "replace_approved": "on"}).content.decode()
    assert "Skriv hvorfor" in content
    response = client.post(url, {"file": _csv(text), "replace_approved": "on", "reason": "Ny opgørelse"})
    assert "bliver en kladde igen" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("monitoring:import-confirm", args=[plan.pk]))
    approved.refresh_from_db()
    assert (approved.status, approved.value) == ("draft", Decimal(new_value))


def test_a_large_file_is_validated_and_written_in_sets_and_is_idempotent(world, django_assert_max_num_queries):
    indicator, lead = world
    count = 3000
    lines = [HEADER] + [f"{indicator.pk};x;2024-Q1;g{n};{n},5;kilde\n" for n in range(count)]
    plan = indicator.goal.plan
    rows = read_table(_csv("".join(lines)))
    # Reads: the scope and the existing rows once; writes in batches (on PostgreSQL 2,000 rows a
    # batch; SQLite's limit on parameters makes its batches smaller): far from one query per row.
    with django_assert_max_num_queries(count // 20):
        result = measurements_import(user=lead, plan=plan, rows=rows)
    assert result.created == count
    assert indicator.measurements.count() == count
    assert Measurement.history.filter(indicator_id=indicator.pk).count() == count
    again = measurements_import(user=lead, plan=plan, rows=read_table(_csv("".join(lines))))
    assert (again.created, again.updated, again.unchanged) == (0, 0, count)


def test_progress_is_reported(world):
    indicator, lead = world
    rows = read_table(_csv(HEADER + "".join(f"{indicator.pk};x;2024-Q1;g{n};1;\n" for n in range(10))))
    seen = []
    measurements_import(
        user=lead, plan=indicator.goal.plan, rows=rows, progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (10, 10)
