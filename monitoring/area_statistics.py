"""Import of LBF's boligsociale data: one figure per area code, indicator code and period.

CSV columns ``area_code, indicator_code, period, value`` (Danish headers ``områdekode,
indikatorkode, periode, værdi`` work too). The area code is a ``HousingArea.code``, or
``KOMMUNE:<kommunekode>`` for a kommune's figure, or ``LAND`` for the whole country. LBF updates
the data twice a year, so periods are usually half years (``2025-H1``). The whole file is
checked first and saved in one transaction; afterwards the LBF indicators' measurements are
refreshed from the new figures.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.periods import parse_period
from plans.models import HousingArea, Organisation

from .imports import ImportPreview, ImportRow, parse_decimal, read_table
from .models import AreaStatistic, Indicator
from .services import lbf_measurements_sync

COL_AREA, COL_CODE, COL_PERIOD, COL_VALUE = "area_code", "indicator_code", "period", "value"
ALIASES = {
    "områdekode": COL_AREA,
    "område": COL_AREA,
    "indikatorkode": COL_CODE,
    "indikator": COL_CODE,
    "periode": COL_PERIOD,
    "værdi": COL_VALUE,
}
MUNICIPALITY_PREFIX = "KOMMUNE:"
COUNTRY_CODE = "LAND"


@dataclass
class AreaStatisticsResult:
    created: int
    updated: int
    unchanged: int
    measurements_changed: int


class _UploadedPath:
    """A file on disk shaped like an uploaded file for ``read_table``."""

    def __init__(self, path: str):
        self.name = str(path)
        with open(path, "rb") as handle:
            self._data = handle.read()
        self.size = len(self._data)

    def read(self) -> bytes:
        return self._data


def read_area_statistics_file(path_or_upload) -> list[ImportRow]:
    uploaded = _UploadedPath(path_or_upload) if isinstance(path_or_upload, str) else path_or_upload
    return read_table(uploaded, aliases=ALIASES, required=[COL_AREA, COL_CODE, COL_PERIOD, COL_VALUE])


def _resolve_scope(code: str, areas: dict, municipalities: dict) -> dict | None:
    if code.upper() == COUNTRY_CODE:
        return {"scope": AreaStatistic.Scope.COUNTRY, "area": None, "municipality": None}
    if code.upper().startswith(MUNICIPALITY_PREFIX):
        municipality = municipalities.get(code[len(MUNICIPALITY_PREFIX) :].strip())
        if municipality is None:
            return None
        return {"scope": AreaStatistic.Scope.MUNICIPALITY, "area": None, "municipality": municipality}
    area = areas.get(code)
    if area is None:
        return None
    return {"scope": AreaStatistic.Scope.AREA, "area": area, "municipality": None}


def validate_area_statistic_rows(rows: list[ImportRow], *, areas=None, municipalities=None) -> ImportPreview:
    """Check every row; ``areas``/``municipalities`` (querysets) narrow the codes a row may name (an
    importer's scope: other codes are "unknown", as if they did not exist)."""
    areas = {area.code: area for area in (HousingArea.objects.all() if areas is None else areas)}
    municipalities = {
        org.code: org
        for org in (
            Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
            if municipalities is None
            else municipalities
        ).exclude(code="")
    }
    seen: dict[tuple, int] = {}
    for row in rows:
        row.errors, row.action = [], ""
        code = row.values.get(COL_AREA, "").strip()
        scope = _resolve_scope(code, areas, municipalities)
        if scope is None:
            row.errors.append((COL_AREA, _("Ukendt områdekode “%(code)s”.") % {"code": code or "–"}))
        indicator_code = row.values.get(COL_CODE, "").strip()
        if not indicator_code:
            row.errors.append((COL_CODE, _("Angiv en indikatorkode.")))
        try:
            period = parse_period(row.values.get(COL_PERIOD, ""))
        except ValidationError as exc:
            period = None
            row.errors.append((COL_PERIOD, exc.messages[0]))
        try:
            value = parse_decimal(row.values.get(COL_VALUE, ""))
            if abs(value) >= 10**10 or value.as_tuple().exponent < -4:
                raise ValueError(value)
        except ValueError:
            row.errors.append(
                (
                    COL_VALUE,
                    _("“%(value)s” er ikke et gyldigt tal.") % {"value": row.values.get(COL_VALUE, "")},
                )
            )
        if row.errors:
            continue
        key = (code.upper(), indicator_code, period.label)
        if key in seen:
            row.errors.append(
                (
                    COL_PERIOD,
                    _("Dublet: samme område, indikator og periode som række %(row)s.") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        row.resolved = {**scope, "indicator_code": indicator_code, "period": period.label, "value": value}
    return ImportPreview(rows=rows)


@transaction.atomic
def area_statistics_import(*, rows: list[ImportRow], areas=None, municipalities=None) -> AreaStatisticsResult:
    """Save the figures (new or changed) and refresh the LBF indicators; nothing if any row is bad."""
    preview = validate_area_statistic_rows(rows, areas=areas, municipalities=municipalities)
    if not preview.is_valid:
        raise ValidationError(_("Filen har fejl; intet er gemt."))
    created = updated = unchanged = 0
    codes = set()
    for row in preview.rows:
        data = row.resolved
        key = {k: data[k] for k in ("scope", "area", "municipality", "indicator_code", "period")}
        statistic = AreaStatistic.objects.filter(**key).first()
        if statistic is not None and statistic.value == data["value"]:
            unchanged += 1
            continue
        if statistic is None:
            statistic = AreaStatistic(**key)
            created += 1
        else:
            updated += 1
        statistic.value = data["value"]
        statistic.full_clean(validate_constraints=False, validate_unique=False)
        statistic._change_reason = _("Indlæst fra LBF-fil")
        statistic.save()
        codes.add(data["indicator_code"])
    changed = lbf_measurements_sync(
        indicators=Indicator.objects.filter(data_source=Indicator.DataSource.LBF, lbf_indicator_code__in=codes)
    )
    return AreaStatisticsResult(created=created, updated=updated, unchanged=unchanged, measurements_changed=changed)
