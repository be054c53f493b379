"""The expat XLSX reader (``monitoring.xlsx_rows``) reads what openpyxl's read-only reader reads,
or hands the file back to openpyxl."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from monitoring.xlsx_rows import worksheet_rows


def openpyxl_rows(data: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    return rows


def saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_only_book() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Målinger")
    sheet.append(["indikator_id", "periode", "værdi", None, "kilde"])
    sheet.append([12, "2025-Q2", "1.234,5", None, "  mellemrum  "])
    sheet.append([12.0, "2025-Q3", 1234.5, True, "æøå “citat” <&>"])
    sheet.append([])
    sheet.append([None, None, 0, False, 1e-7])
    sheet.append([3, "=A2", -12, None, ""])
    return saved(workbook)


def normal_book() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["C1"], sheet["B3"] = "overskrift", 7, "delt tekst"
    sheet["A5"], sheet["B5"], sheet["D5"] = "delt tekst", 2.25, "=B5*2"
    sheet["A7"] = "sidst"
    workbook.create_sheet("Andet")["A1"] = "ikke læst"
    return saved(workbook)


@pytest.mark.parametrize("make", [write_only_book, normal_book])
def test_the_same_rows_as_openpyxl(make):
    data = make()
    assert worksheet_rows(io.BytesIO(data), max_rows=1000) == openpyxl_rows(data)


def test_the_portals_own_export_reads_the_same(db):
    from monitoring.imports import COLUMNS
    from plans.xlsx import workbook_bytes

    data = workbook_bytes([("Målinger", COLUMNS, [[1, "Indikator", "2025-Q1", "", 12.5, "kilde", "Kladde"]])])
    assert worksheet_rows(io.BytesIO(data), max_rows=10) == openpyxl_rows(data)


def test_a_date_cell_is_left_to_openpyxl():
    workbook = Workbook()
    workbook.active["A1"] = dt.date(2025, 4, 1)
    assert worksheet_rows(io.BytesIO(saved(workbook)), max_rows=10) is None


def test_reading_stops_after_max_rows():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("M")
    for n in range(50):
        sheet.append([n])
    rows = worksheet_rows(io.BytesIO(saved(workbook)), max_rows=10)
    assert rows == [(n,) for n in range(11)]
