"""The API's conventions that every resource shares: filtering, pagination and one JSON shape for errors.

Every error answer is ``{"detail": "<message>", "errors": ...}``:
- validation (400): ``errors`` maps field → list of messages (``non_field_errors`` for the whole
  object); for a bulk request it is a list ``[{"index": 3, "field": ["..."]}]`` with only the
  failing items;
- anything else (401, 403, 404, 405, 415, 422, 429): ``errors`` is ``{}``.
A Django ``ValidationError`` that escapes a service is a 400 too, never a 500.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.pagination import CursorPagination, PageNumberPagination


class PortalFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which a request naming none of the filter set's parameters skips.

    With every filter empty a filter set returns the queryset as it is, so building its form and
    validating nothing would only cost time on the most common read: a list's pages without filters.
    A request that names a parameter, even empty (``?plan=``), goes through the filter set as before.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or filterset_class.base_filters.keys().isdisjoint(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class PortalCursorPagination(CursorPagination):
    """Keyset pages in id order (unique and never changing, so a page never repeats or skips a
    row while others write): no ``COUNT(*)`` and no ``OFFSET``, so the thousandth page costs what
    the first does."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("pk",)


class PortalPagination(PageNumberPagination):
    """Every list is paginated two ways (docs/api.md):

    - cursor: ``?cursor=`` (empty for the first page) or ``?pagination=cursor``, then the ``next``
      and ``previous`` links: ``{"next", "previous", "results"}`` in id order, no count; for large
      lists and for clients that read everything;
    - page numbers (the default): ``?page=N`` (from 1), answered with ``count`` as well.

    ``?page_size=`` up to 500; 50 by default.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def _cursor(self, request) -> bool:
        return "cursor" in request.query_params or request.query_params.get("pagination") == "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        if self._cursor(request):
            self._delegate = PortalCursorPagination()
            return self._delegate.paginate_queryset(queryset, request, view)
        self._delegate = None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if getattr(self, "_delegate", None) is not None:
            return self._delegate.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["results"]
        return described


def _indexed(errors: list | dict) -> list[dict]:
    """Per-item errors of a list request as ``[{"index": i, field: [...]}]``, failing items only."""
    items = errors.items() if isinstance(errors, dict) else enumerate(errors)
    rows = [{"index": int(index), **item} for index, item in items if item]
    return sorted(rows, key=lambda row: row["index"])


def _is_per_item(data) -> bool:
    """DRF reports a list's errors as a list of dicts or as a dict keyed by the item's index."""
    if isinstance(data, list):
        return bool(data) and all(isinstance(item, dict) for item in data)
    return (
        isinstance(data, dict)
        and bool(data)
        and all(str(key).isdigit() and isinstance(value, dict) for key, value in data.items())
    )


def error_body(detail, errors) -> dict:
    return {"detail": str(detail), "errors": errors}


def exception_handler(exc, context):
    """DRF's handler, then the project's error shape."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = get_error_detail(exc)
        if isinstance(detail, dict) and NON_FIELD_ERRORS in detail:
            detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(detail if isinstance(detail, dict) else {"non_field_errors": detail})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = response.data
        if _is_per_item(data):
            errors = _indexed(data)
        elif isinstance(data, list):
            errors = {"non_field_errors": data}
        else:
            errors = data
        response.data = error_body(_("Ugyldige data."), errors)
    else:
        data = response.data
        detail = data.get("detail", "") if isinstance(data, dict) else data
        response.data = error_body(detail, {})
    return response
