"""XLSX downloads for the portal's exports."""

from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from plans.xlsx import XLSX_CONTENT_TYPE, workbook_bytes


def xlsx_response(*, filename: str, sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
