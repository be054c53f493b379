"""Measurements in and out of spreadsheets: XLSX/CSV import with a preview, and XLSX export.

Export and import share one column format (``COLUMNS``), so exporting a plan's measurements and
importing the file again changes nothing. The import validates every row first (unknown
indicator, bad period, non-numeric value, duplicate, …) and saves only a file without errors,
in one transaction.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from plans.files import XLSX, check_office_package
from plans.models import Plan
from plans.xlsx import workbook_bytes

from .models import Measurement
from .selectors import measurable_indicators

# Column keys in file order; the header row holds exactly these names.
COL_INDICATOR_ID, COL_INDICATOR, COL_PERIOD, COL_BREAKDOWN, COL_VALUE, COL_SOURCE, COL_STATUS = (
    "indikator_id",
    "indikator",
    "periode",
    "opdeling",
    "værdi",
    "kilde",
    "status",
)
COLUMNS = [COL_INDICATOR_ID, COL_INDICATOR, COL_PERIOD, COL_BREAKDOWN, COL_VALUE, COL_SOURCE, COL_STATUS]
REQUIRED_COLUMNS = [COL_INDICATOR_ID, COL_PERIOD, COL_VALUE]
MAX_UPLOAD_BYTES = getattr(settings, "MONITORING_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # against zip bombs
# Control characters no text file has (tab, line feed, form feed and carriage return are text).
BINARY_CHARACTERS = frozenset(chr(code) for code in [*range(0, 9), 11, *range(14, 32), 127])


@dataclass
class ImportRow:
    number: int  # the row number in the spreadsheet (the header is row 1)
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    action: str = ""  # "new", "update" or "unchanged" when valid
    resolved: dict | None = None  # the parsed values, filled by validation

    @property
    def action_label(self) -> str:
        return {"new": _("Ny"), "update": _("Ændres (ny kladde)"), "unchanged": _("Uændret")}.get(self.action, "")


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def update_count(self) -> int:
        return self.count("update")

    @property
    def unchanged_count(self) -> int:
        return self.count("unchanged")


# --- reading files ----------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    return str(value).strip()


def check_upload(uploaded, *, extensions=(".xlsx", ".csv")) -> str:
    """Refuse files that are too large, of another type, or whose content does not match."""
    name = (uploaded.name or "").lower()
    extension = next((ext for ext in extensions if name.endswith(ext)), None)
    if extension is None:
        raise ValidationError(
            _("Filen skal være af typen %(types)s.") % {"types": ", ".join(e.lstrip(".").upper() for e in extensions)}
        )
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Filen er for stor (højst %(size)s MB).") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    return extension


def _read_xlsx(data: bytes) -> list[list[str]]:
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise ValidationError(_("Filen er ikke en gyldig XLSX-fil."))
    # Sizes, compression ratio and checksums are checked before openpyxl opens the package.
    try:
        package = check_office_package(buffer, max_unpacked_bytes=MAX_UNPACKED_BYTES)
    except ValidationError as error:
        if error.code == "zip_bomb":
            raise ValidationError(_("XLSX-filen fylder for meget udpakket.")) from error
        raise ValidationError(_("Filen er ikke en gyldig XLSX-fil.")) from error
    if package.kind != XLSX:
        raise ValidationError(_("Filen er ikke en gyldig XLSX-fil."))
    buffer.seek(0)
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(cell) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break  # read_table refuses the file; no need to read the rest
        workbook.close()
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ValidationError(_("XLSX-filen kunne ikke læses.")) from exc
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("CSV-filen skal være gemt som UTF-8.")) from exc
    if not BINARY_CHARACTERS.isdisjoint(text):
        raise ValidationError(_("CSV-filen indeholder binære data."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_table(uploaded, *, aliases: dict[str, str] | None = None, required=REQUIRED_COLUMNS) -> list[ImportRow]:
    """The uploaded file's data rows as ``ImportRow``s keyed by column name (file-level errors raise)."""
    extension = check_upload(uploaded)
    data = uploaded.read()
    table = _read_xlsx(data) if extension == ".xlsx" else _read_csv(data)
    table = [row for row in table if any(cell for cell in row)]
    if not table:
        raise ValidationError(_("Filen er tom."))
    aliases = aliases or {}
    header = [aliases.get(cell.strip().lower(), cell.strip().lower()) for cell in table[0]]
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationError(_("Filen mangler kolonnen/kolonnerne: %(columns)s.") % {"columns": ", ".join(missing)})
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("Filen har for mange rækker (højst %(max)s).") % {"max": MAX_ROWS})
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(header) if column}
        rows.append(ImportRow(number=number, values=values))
    return rows


def parse_decimal(text: str) -> Decimal:
    """A number as people type it: ``12.5``, ``12,5`` or ``1.234,5``. Raises ``ValueError``."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


# --- measurements -----------------------------------------------------------------------------

FIELD_COLUMNS = {
    "period": COL_PERIOD,
    "value": COL_VALUE,
    "breakdown_value": COL_BREAKDOWN,
    "source_note": COL_SOURCE,
}


def validate_measurement_rows(*, user, plan: Plan, rows: list[ImportRow]) -> ImportPreview:
    """Check every row and decide what it would do; nothing is written."""
    indicators = {str(indicator.pk): indicator for indicator in measurable_indicators(user, plan)}
    existing = {
        (m.indicator_id, m.period, m.breakdown_value): m
        for m in Measurement.objects.filter(indicator__in=list(indicators.values()))
    }
    seen: dict[tuple, int] = {}
    for row in rows:
        row.errors, row.action = [], ""
        raw_id = row.values.get(COL_INDICATOR_ID, "").strip()
        if raw_id.endswith(".0"):
            raw_id = raw_id[:-2]
        indicator = indicators.get(raw_id)
        if indicator is None:
            row.errors.append((COL_INDICATOR_ID, _("Ukendt indikator “%(id)s” i denne plan.") % {"id": raw_id or "–"}))
        try:
            value = parse_decimal(row.values.get(COL_VALUE, ""))
        except ValueError:
            value = None
            row.errors.append((COL_VALUE, _("“%(value)s” er ikke et tal.") % {"value": row.values.get(COL_VALUE, "")}))
        measurement = Measurement(
            indicator=indicator,
            period=row.values.get(COL_PERIOD, ""),
            value=value if value is not None else Decimal(0),
            breakdown_value=row.values.get(COL_BREAKDOWN, ""),
            source_note=row.values.get(COL_SOURCE, ""),
            entered_by=user,
        )
        try:
            exclude = ["indicator"] if indicator is None else []
            measurement.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = FIELD_COLUMNS.get(name, COL_INDICATOR_ID if name != "__all__" else COL_PERIOD)
                if column == COL_VALUE and value is None:
                    continue
                row.errors.extend((column, message) for message in messages)
        if row.errors:
            continue
        key = (indicator.pk, measurement.period, measurement.breakdown_value)
        if key in seen:
            row.errors.append(
                (
                    COL_PERIOD,
                    _("Dublet: samme indikator, periode og opdeling som række %(row)s.") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        current = existing.get(key)
        if current is None:
            row.action = "new"
        elif current.value == value and current.source_note == measurement.source_note:
            row.action = "unchanged"
        else:
            row.action = "update"
        if indicator.is_lbf and row.action != "unchanged":
            row.errors.append(
                (COL_INDICATOR_ID, _("LBF-indikatorer får deres målinger fra importen af boligsociale data."))
            )
            row.action = ""
    return ImportPreview(rows=rows)


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def measurements_import(*, user, plan: Plan, rows: list[ImportRow]) -> ImportResult:
    """Save a validated file whole: new rows and changed rows become drafts; unchanged rows stay.

    Raises ``ValidationError`` (and writes nothing) if any row has an error.
    """
    indicators = {str(i.pk): i for i in measurable_indicators(user, plan)}
    if not indicators:
        raise PermissionDenied(_("Du kan ikke indlæse målinger i denne plan."))
    preview = validate_measurement_rows(user=user, plan=plan, rows=rows)
    if not preview.is_valid:
        raise ValidationError(_("Filen har fejl; intet er gemt."))
    created = updated = 0
    for row in preview.rows:
        if row.action == "unchanged":
            continue
        raw_id = row.values[COL_INDICATOR_ID].strip().removesuffix(".0")
        indicator = indicators[raw_id]
        breakdown = row.values.get(COL_BREAKDOWN, "").strip()
        measurement = Measurement(indicator=indicator, period=row.values[COL_PERIOD], breakdown_value=breakdown)
        measurement.set_period()
        if row.action == "update":
            measurement = Measurement.objects.get(
                indicator=indicator, period=measurement.period, breakdown_value=breakdown
            )
        measurement.value = parse_decimal(row.values[COL_VALUE])
        measurement.source_note = row.values.get(COL_SOURCE, "").strip()
        measurement.status = Measurement.Status.DRAFT
        measurement.entered_by = user
        measurement.approved_by = None
        measurement.approved_at = None
        measurement.full_clean(validate_constraints=False, validate_unique=False)
        measurement._change_reason = _("Indlæst fra fil")
        measurement._history_user = user
        measurement.save()
        created += row.action == "new"
        updated += row.action == "update"
    return ImportResult(created=created, updated=updated, unchanged=preview.count("unchanged"))


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def measurements_workbook(measurements) -> bytes:
    """The measurements as an XLSX file in the import's column format."""
    rows = (
        [
            m.indicator_id,
            m.indicator.name,
            m.period,
            m.breakdown_value,
            _number(m.value),
            m.source_note,
            m.get_status_display(),
        ]
        for m in measurements
    )
    return workbook_bytes([("Målinger", COLUMNS, rows)])
