"""Measurements in and out of spreadsheets: XLSX/CSV import with a preview, and XLSX export.

Export and import share one column format (``COLUMNS``), so exporting a plan's measurements and
importing the file again changes nothing. The import reads the file as a stream (openpyxl
read-only), validates every row in sets (one query per referenced table, not per row: the
indicators the user may enter, the existing measurements of those indicators) and writes only a
file without errors, in one transaction: new rows at once (``common.bulk_insert``: one COPY on
PostgreSQL), changed rows with ``bulk_update``, and bulk history rows. Re-importing the same file
changes nothing (idempotent).

Numbers are read the Danish way (``parse_danish_number``): ``1.234`` is 1234, ``1.234,5`` is
1234.5 and ``1,5`` is 1.5; a cell that could be read two ways (``1,234.5``, ``12.5``) is a row
error naming the cell. A number typed into a numeric spreadsheet cell is taken as it is.

An approved measurement is not changed by an import unless the user ticks "Erstat godkendte
værdier" and gives a reason: then the row goes back to draft (to be approved again) and the
history records the reason. Every row error says the column, the cell, what is expected and an
example. ``validate_measurement_rows`` and ``measurements_import`` take a ``progress(done,
total)`` callback so that a background job can report how far a large file has come.
"""

import csv
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from common import jobs
from common.bulk_insert import insert_rows
from common.history import CHANGED, CREATED, history_record
from common.periods import parse_period
from plans.files import XLSX, check_office_package
from plans.models import Plan
from plans.xlsx import workbook_bytes

from .models import Indicator, Measurement, future_period_error
from .selectors import measurable_indicators
from .services import statuses_refresh
from .xlsx_rows import worksheet_rows

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
NUMERIC_COLUMNS = (COL_VALUE,)  # a numeric XLSX cell here is taken as the number it is
# A 100,000-row file: ~3 MB as XLSX, ~5 MB as CSV; the limits leave room and still refuse the absurd.
MAX_UPLOAD_BYTES = getattr(settings, "MONITORING_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MAX_ROWS = getattr(settings, "MONITORING_IMPORT_MAX_ROWS", 100_000)
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # against zip bombs
WRITE_BATCH = 5000
# Control characters no text file has (tab, line feed, form feed and carriage return are text).
BINARY_CHARACTERS = frozenset(chr(code) for code in [*range(0, 9), 11, *range(14, 32), 127])


@dataclass
class ImportRow:
    number: int  # the row number in the spreadsheet (the header is row 1)
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    action: str = ""  # "new", "update" or "unchanged" when valid
    resolved: dict | None = None  # the parsed values, filled by validation
    letters: dict[str, str] = field(default_factory=dict, repr=False)  # column name → spreadsheet column letter

    def cell(self, column: str) -> str:
        """The spreadsheet cell of ``column`` in this row (``E7``), or ``""`` when the file has no such column."""
        letter = self.letters.get(column)
        return f"{letter}{self.number}" if letter else ""

    @property
    def located_errors(self) -> list[tuple[str, str, str]]:
        """``(column, cell, message)`` for the page."""
        return [(column, self.cell(column), message) for column, message in self.errors]

    @property
    def action_label(self) -> str:
        return {"new": _("Ny"), "update": _("Ændres (ny kladde)"), "unchanged": _("Uændret")}.get(self.action, "")


class Existing(NamedTuple):
    """A measurement already in the database, as far as the import compares and changes it."""

    pk: int
    indicator_id: int
    period: str
    breakdown_value: str
    value: Decimal
    source_note: str
    status: str


PREVIEW_ROWS = 200  # a 100,000-row file is not shown whole: its errors (or its first rows) are


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def shown_rows(self) -> list[ImportRow]:
        """The rows with errors (at most ``PREVIEW_ROWS``), or the first rows of a valid file."""
        failing = [row for row in self.rows if row.errors]
        return (failing or self.rows)[:PREVIEW_ROWS]

    @property
    def hidden_count(self) -> int:
        return (self.error_count or len(self.rows)) - len(self.shown_rows)

    @property
    def replace_count(self) -> int:
        return sum(
            1
            for row in self.rows
            if row.action == "update" and row.resolved and row.resolved["current"].status == Measurement.Status.APPROVED
        )

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


def _read_xlsx(data: bytes) -> list[list]:
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
        fast = worksheet_rows(buffer, max_rows=MAX_ROWS + 1)
    except Exception:
        fast = None
    if fast is not None:
        return fast
    buffer.seek(0)
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read to the last row there is, without openpyxl first parsing the whole sheet for its size.
        sheet.reset_dimensions()
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)  # typed cells; read_table turns them into text (numbers stay numbers where asked)
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


def read_table(
    uploaded, *, aliases: dict[str, str] | None = None, required=REQUIRED_COLUMNS, numeric_columns=()
) -> list[ImportRow]:
    """The uploaded file's data rows as ``ImportRow``s keyed by column name (file-level errors raise).

    Cells are text, except that a number typed into a numeric XLSX cell of one of
    ``numeric_columns`` stays a number (``Decimal``), so it is never re-read as text.
    """
    extension = check_upload(uploaded)
    data = uploaded.read()
    table = _read_xlsx(data) if extension == ".xlsx" else _read_csv(data)
    table = [row for row in table if any(cell not in (None, "") for cell in row)]
    if not table:
        raise ValidationError(_("Filen er tom."))
    aliases = aliases or {}
    first = [_cell_text(cell) for cell in table[0]]
    header = [aliases.get(cell.strip().lower(), cell.strip().lower()) for cell in first]
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationError(_("Filen mangler kolonnen/kolonnerne: %(columns)s.") % {"columns": ", ".join(missing)})
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("Filen har for mange rækker (højst %(max)s).") % {"max": MAX_ROWS})
    letters = {column: get_column_letter(i + 1) for i, column in enumerate(header) if column}
    keep = {i for i, column in enumerate(header) if column in numeric_columns}
    columns = [(i, column) for i, column in enumerate(header) if column]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {}
        for i, column in columns:
            cell = cells[i] if i < len(cells) else None
            if i in keep and isinstance(cell, int | float) and not isinstance(cell, bool):
                values[column] = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
            else:
                values[column] = _cell_text(cell)
        rows.append(ImportRow(number=number, values=values, letters=letters))
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


# --- Danish numbers -------------------------------------------------------------------------------

NUMBER_EXAMPLE = "1.234,5"
_THOUSANDS = re.compile(r"-?\d{1,3}(?:\.\d{3})+")  # 1.234 or 1.234.567
_THOUSANDS_DECIMAL = re.compile(r"-?\d{1,3}(?:\.\d{3})+,\d+")  # 1.234,5
_DECIMAL_COMMA = re.compile(r"-?\d+(?:,\d+)?")  # 12 or 12,5


class NumberFormatError(ValueError):
    """A cell that is not a number, or that could be read as two different numbers (``ambiguous``)."""

    def __init__(self, text: str, *, ambiguous: bool):
        super().__init__(text)
        self.text, self.ambiguous = text, ambiguous


def parse_danish_number(value) -> Decimal:
    """A number as written in Danish: ``.`` groups thousands, ``,`` is the decimal mark.

    ``1.234`` → 1234, ``1.234,5`` → 1234.5, ``1,5`` → 1.5, ``1 234,5`` → 1234.5. A number from a
    numeric spreadsheet cell (``Decimal``/``int``/``float``) is taken as it is. Text that a
    Danish reader and an English one would read differently – a point not followed by groups of
    three digits (``12.5``) or a comma before a point (``1,234.5``) – raises ``NumberFormatError``
    with ``ambiguous=True``; anything else that is not a number raises it with ``ambiguous=False``.
    """
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = (value or "").strip()
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
    if _DECIMAL_COMMA.fullmatch(cleaned):
        return Decimal(cleaned.replace(",", "."))
    if _THOUSANDS.fullmatch(cleaned) or _THOUSANDS_DECIMAL.fullmatch(cleaned):
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    if re.fullmatch(r"-?[\d.,]*\d[\d.,]*", cleaned):
        raise NumberFormatError(text, ambiguous=True)
    raise NumberFormatError(text, ambiguous=False)


def number_error_message(error: NumberFormatError, *, cell: str = "") -> str:
    """What is wrong with a number cell and how to write it (column, format, example)."""
    where = _("Celle %(cell)s: ") % {"cell": cell} if cell else ""
    if error.ambiguous:
        problem = _("“%(value)s” kan læses som to forskellige tal.") % {"value": error.text}
    else:
        problem = _("“%(value)s” er ikke et tal.") % {"value": error.text or "–"}
    return (
        where
        + problem
        + " "
        + _(
            "Skriv tallet på dansk med komma før decimaler og evt. punktum mellem tusinder, fx %(example)s "
            "eller 51,5 – eller brug en talcelle."
        )
        % {"example": NUMBER_EXAMPLE}
    )


# --- measurements -----------------------------------------------------------------------------

PERIOD_HINT = _noop("Skriv perioden som indikatorens hyppighed: %(example)s.")
PERIOD_EXAMPLES = {"quarterly": "2025-Q3", "half_yearly": "2025-H1", "yearly": "2025"}
MAX_VALUE_DIGITS, MAX_VALUE_DECIMALS = 14, 4  # Measurement.value
PROGRESS_EVERY = 5000


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    replaced_approved: int = 0


def _indicator_id(raw) -> str:
    text = str(raw if raw is not None else "").strip()
    return text[:-2] if text.endswith(".0") else text


def _period_error(indicator, text: str) -> str | None:
    """``None`` when ``text`` is a period of the indicator's frequency, else what to write instead."""
    try:
        parsed = parse_period(text)
    except ValidationError as exc:
        problem = " ".join(exc.messages)
    else:
        future = future_period_error(parsed.label, parsed.start)
        if future:
            return future
        if indicator is None or parsed.kind == indicator.frequency:
            return None
        problem = _("Indikatoren måles %(frequency)s; perioden %(period)s passer ikke.") % {
            "frequency": Indicator.Frequency(indicator.frequency).label.lower(),
            "period": parsed.label,
        }
    example = PERIOD_EXAMPLES.get(getattr(indicator, "frequency", ""), "2025-Q3, 2025-H1 eller 2025")
    return problem + " " + _(PERIOD_HINT) % {"example": example}


def _too_many_digits(value: Decimal) -> bool:
    _sign, digits, exponent = value.normalize().as_tuple()
    decimals = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    return decimals > MAX_VALUE_DECIMALS or whole > MAX_VALUE_DIGITS - MAX_VALUE_DECIMALS


def validate_measurement_rows(
    *, user, plan: Plan, rows: list[ImportRow], replace_approved: bool = False, progress=None
) -> ImportPreview:
    """Check every row and decide what it would do; nothing is written.

    Two queries whatever the number of rows: the indicators ``user`` may enter in ``plan`` and the
    existing measurements of those indicators for the periods in the file. Each valid row gets
    ``action`` (``new``, ``update`` or ``unchanged``) and ``resolved`` (the parsed values and,
    for an update, the measurement it changes).
    """
    indicators = {str(indicator.pk): indicator for indicator in measurable_indicators(user, plan)}
    example_id = next(iter(indicators), "123")
    parsed_periods: dict[str, object] = {}

    def period_of(text: str):
        if text not in parsed_periods:
            try:
                parsed_periods[text] = parse_period(text)
            except ValidationError:
                parsed_periods[text] = None
        return parsed_periods[text]

    labels = {p.label for p in (period_of(str(r.values.get(COL_PERIOD, "")).strip()) for r in rows) if p}
    breakdowns = {str(r.values.get(COL_BREAKDOWN, "")).strip() for r in rows}
    wanted = {_indicator_id(r.values.get(COL_INDICATOR_ID, "")) for r in rows} & set(indicators)
    existing = {
        (m.indicator_id, m.period, m.breakdown_value): m
        for m in (
            Existing(*values)
            for values in Measurement.objects.filter(indicator_id__in=[int(pk) for pk in wanted], period__in=labels)
            .filter(
                # narrowed by breakdown too when that list is short enough to send cheaply
                **({"breakdown_value__in": breakdowns} if len(breakdowns) <= 1000 else {})
            )
            .values_list(*Existing._fields)
        )
    }
    seen: dict[tuple, int] = {}
    period_errors: dict[tuple, str | None] = {}  # the period rule per (indicator, period text), asked once
    total = len(rows)
    for index, row in enumerate(rows, start=1):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, total)
        row.errors, row.action, row.resolved = [], "", None
        raw_id = _indicator_id(row.values.get(COL_INDICATOR_ID, ""))
        indicator = indicators.get(raw_id)
        if indicator is None:
            row.errors.append(
                (
                    COL_INDICATOR_ID,
                    _(
                        "Ukendt indikator “%(id)s” i denne plan. Skriv id'et på en indikator, du må indtaste "
                        "målinger for, som i eksporten, fx %(example)s."
                    )
                    % {"id": raw_id or "–", "example": example_id},
                )
            )
        try:
            value = parse_danish_number(row.values.get(COL_VALUE, ""))
        except NumberFormatError as exc:
            value = None
            row.errors.append((COL_VALUE, number_error_message(exc, cell=row.cell(COL_VALUE))))
        else:
            if _too_many_digits(value):
                row.errors.append(
                    (
                        COL_VALUE,
                        _("Tallet %(value)s har for mange cifre: højst 10 før og 4 efter kommaet, fx 1.234,5678.")
                        % {"value": row.values.get(COL_VALUE)},
                    )
                )
        period_text = str(row.values.get(COL_PERIOD, "")).strip()
        rule = (raw_id if indicator is not None else None, period_text)
        if rule not in period_errors:
            period_errors[rule] = _period_error(indicator, period_text)
        period_error = period_errors[rule]
        if period_error:
            row.errors.append((COL_PERIOD, period_error))
        breakdown = str(row.values.get(COL_BREAKDOWN, "")).strip()
        source = str(row.values.get(COL_SOURCE, "")).strip()
        if breakdown and indicator is not None and not indicator.breakdown_dimension:
            message = _("Indikatoren har ingen opdeling. Lad kolonnen opdeling være tom for hele målgruppen.")
            row.errors.append((COL_BREAKDOWN, message))
        if len(breakdown) > 100:
            row.errors.append((COL_BREAKDOWN, _("Højst 100 tegn i kolonnen opdeling, fx “Piger 15-17 år”.")))
        if len(source) > 255:
            row.errors.append((COL_SOURCE, _("Højst 255 tegn i kolonnen kilde, fx “Kommunens register”.")))
        if row.errors:
            continue
        period = period_of(period_text)
        key = (indicator.pk, period.label, breakdown)
        if key in seen:
            row.errors.append(
                (
                    COL_PERIOD,
                    _("Dublet: samme indikator, periode og opdeling som række %(row)s. Slet den ene af de to rækker.")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        current = existing.get(key)
        if current is None:
            row.action = "new"
        elif current.value == value and current.source_note == source:
            row.action = "unchanged"
        else:
            row.action = "update"
        if row.action == "unchanged":
            row.resolved = {"indicator": indicator, "period": period, "value": value, "source": source}
            continue
        if indicator.is_lbf:
            row.errors.append(
                (
                    COL_INDICATOR_ID,
                    _("LBF-indikatorer får deres målinger fra importen af boligsociale data. Fjern rækken fra filen."),
                )
            )
            row.action = ""
            continue
        if row.action == "update" and current.status == Measurement.Status.APPROVED and not replace_approved:
            row.errors.append(
                (
                    COL_VALUE,
                    _(
                        "Målingen for %(period)s er godkendt (værdi %(current)s). Fjern rækken, eller sæt flueben "
                        "i “Erstat godkendte værdier” og skriv en begrundelse; så bliver den en kladde igen."
                    )
                    % {"period": period.label, "current": _danish(current.value)},
                )
            )
            row.action = ""
            continue
        row.resolved = {
            "indicator": indicator,
            "period": period,
            "breakdown": breakdown,
            "value": value,
            "source": source,
            "current": current,
        }
    if progress:
        progress(total, total)
    return ImportPreview(rows=rows)


def _danish(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    whole, _sep, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-') or 0):,}".replace(",", ".")
    return sign + whole + ("," + decimals if decimals else "")


@transaction.atomic
def measurements_import(
    *, user, plan: Plan, rows: list[ImportRow], replace_approved: bool = False, reason: str = "", progress=None
) -> ImportResult:
    """Save a validated file whole: new rows and changed rows become drafts; unchanged rows stay.

    With ``replace_approved`` (and a ``reason``, required then) a changed row may replace an
    approved measurement: it goes back to draft and its history row carries the reason. Raises
    ``ValidationError`` (and writes nothing) if any row has an error; ``PermissionDenied`` when
    the user may enter no measurement in ``plan``. Validation and writing are set-based (a fixed
    number of queries plus one per 5,000 rows changed), so it can run inside a background job
    with ``progress(done, total)``.
    """
    reason = (reason or "").strip()
    if replace_approved and not reason:
        raise ValidationError(_("Skriv en begrundelse for at erstatte godkendte værdier."))
    if not measurable_indicators(user, plan).exists():
        raise PermissionDenied(_("Du kan ikke indlæse målinger i denne plan."))
    preview = validate_measurement_rows(user=user, plan=plan, rows=rows, replace_approved=replace_approved)
    if not preview.is_valid:
        raise ValidationError(_("Filen har fejl; intet er gemt."))
    new, changed, replaced = [], [], []
    for row in preview.rows:
        if row.action == "new":
            resolved = row.resolved
            new.append(
                Measurement.draft_row(
                    indicator_id=resolved["indicator"].pk,
                    period=resolved["period"],
                    value=resolved["value"],
                    breakdown_value=resolved["breakdown"],
                    source_note=resolved["source"],
                    entered_by_id=user.pk,
                )
            )
        elif row.action == "update":
            current = row.resolved["current"]
            measurement = Measurement(
                pk=current.pk,
                indicator_id=current.indicator_id,
                value=row.resolved["value"],
                source_note=row.resolved["source"],
                status=Measurement.Status.DRAFT,
                entered_by=user,
                approved_by=None,
                approved_at=None,
            )
            (replaced if current.status == Measurement.Status.APPROVED else changed).append(measurement)
    total = len(new) + len(changed) + len(replaced)
    if new:
        created = insert_rows(Measurement, new)
        history_record(
            Measurement, [m.pk for m in created], history_type=CREATED, user=user, reason=_("Indlæst fra fil")
        )
    if progress:
        progress(len(new), total)
    fields = ["value", "source_note", "status", "entered_by", "approved_by", "approved_at"]
    for objects, change_reason in (
        (changed, _("Indlæst fra fil")),
        (replaced, _("Godkendt værdi erstattet ved indlæsning: %(reason)s") % {"reason": reason}),
    ):
        if objects:
            Measurement.objects.bulk_update(objects, fields, batch_size=WRITE_BATCH)
            history_record(Measurement, [m.pk for m in objects], history_type=CHANGED, user=user, reason=change_reason)
    if replaced:
        statuses_refresh(indicator_ids={m.indicator_id for m in replaced})
    if progress:
        progress(total, total)
    return ImportResult(
        created=len(new),
        updated=len(changed) + len(replaced),
        unchanged=preview.count("unchanged"),
        replaced_approved=len(replaced),
    )


# --- the file between preview and confirmation -------------------------------------------------------

PENDING_DIR = "imports/pending"
_PENDING_NAME = re.compile(r"imports/pending/[0-9a-f]{32}\.(xlsx|csv)")


def pending_upload_store(uploaded) -> str:
    """Keep the previewed file (outside the web root) until it is confirmed; returns its storage name.

    A 100,000-row file is too large for the session, so the session holds only this name and the
    confirmation reads and validates the same file again.
    """
    extension = check_upload(uploaded)
    uploaded.seek(0)
    return default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}{extension}", ContentFile(uploaded.read()))


def pending_upload_open(name: str) -> SimpleUploadedFile | None:
    """The stored file as an upload again, or ``None`` when the name is not one of ours or it is gone."""
    if not (isinstance(name, str) and _PENDING_NAME.fullmatch(name)) or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return SimpleUploadedFile(name.rsplit("/", 1)[-1], handle.read())


def pending_upload_discard(name: str) -> None:
    if isinstance(name, str) and _PENDING_NAME.fullmatch(name):
        default_storage.delete(name)


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


# --- A confirmed import as a background job (common.jobs) -----------------------------------------

IMPORT_JOB_TASK = "monitoring.tasks.run_import"
PROGRESS_CACHE_SECONDS = 60 * 60


def import_progress_key(job_id: int) -> str:
    return f"monitoring:import-job:{job_id}:progress"


def import_progress(job_id: int) -> tuple[int, int] | None:
    """(rows done, rows in all) while the job runs. Kept in the cache, not the row: the import writes
    in one transaction, so a progress column would stay invisible to the page until the end."""
    value = cache.get(import_progress_key(job_id))
    return tuple(value) if value else None


@transaction.atomic
def import_job_request(*, user, plan: Plan, file_name: str, original_name: str = "", replace_approved=False, reason=""):
    """Queue the import of a previewed file (stored by ``pending_upload_store``); the job saves it whole."""
    from .models import ImportJob

    job = ImportJob.objects.create(
        plan=plan,
        requested_by=user,
        file_name=file_name,
        original_name=original_name[:255],
        replace_approved=replace_approved,
        reason=(reason or "").strip()[:200],
        task_id=jobs.new_task_id(),
    )
    jobs.dispatch_on_commit(job)
    return job


def import_job_run(*, job_id: int, task_id: str | None = None, retried: bool = False):
    """The import job: read the stored file, validate and save it whole, report progress and the counts.

    Row errors (the data changed since the preview) fail the job with the first errors as its reason;
    the file is deleted once the job is done. Re-running a done job does nothing; re-running after a
    lost worker saves the same rows again, which changes nothing (an import is idempotent).
    """
    from .models import ImportJob

    if not jobs.claim(ImportJob, job_id, task_id=task_id, retried=retried):
        return None
    job = ImportJob.objects.select_related("plan", "requested_by").get(pk=job_id)
    uploaded = pending_upload_open(job.file_name)
    if uploaded is None:
        jobs.mark_failed(
            ImportJob, job_id, task_id=task_id, error=str(_("Filen findes ikke længere. Indlæs den igen."))
        )
        return ImportJob.objects.get(pk=job_id)

    def progress(done: int, total: int) -> None:
        cache.set(import_progress_key(job_id), (done, total), PROGRESS_CACHE_SECONDS)

    rows = read_table(uploaded, numeric_columns=NUMERIC_COLUMNS)
    progress(0, len(rows))
    try:
        result = measurements_import(
            user=job.requested_by,
            plan=job.plan,
            rows=rows,
            replace_approved=job.replace_approved,
            reason=job.reason,
            progress=progress,
        )
    except (ValidationError, PermissionDenied) as exc:
        preview = validate_measurement_rows(
            user=job.requested_by, plan=job.plan, rows=rows, replace_approved=job.replace_approved
        )
        details = [
            f"{column} {cell}: {message}" for row in preview.rows for column, cell, message in row.located_errors
        ][:5]
        reason = " ".join([*getattr(exc, "messages", [str(exc)]), *details])
        jobs.mark_failed(
            ImportJob, job_id, task_id=task_id, error=reason + " " + str(_("Ret filen, og indlæs den igen."))
        )
        return ImportJob.objects.get(pk=job_id)
    jobs.finish(
        ImportJob,
        job_id,
        task_id=task_id,
        rows_total=len(rows),
        created_count=result.created,
        updated_count=result.updated,
        unchanged_count=result.unchanged,
        replaced_count=result.replaced_approved,
    )
    pending_upload_discard(job.file_name)
    cache.delete(import_progress_key(job_id))
    return ImportJob.objects.get(pk=job_id)
