"""Shared building blocks for every app's ``api.py``: scoped related fields and bulk create.

They live in the bottom app so that plans, monitoring and governance can all use them (apps import
only downwards). The project-wide pieces that need no import (token authentication, throttling,
the error format, pagination, the Idempotency-Key store) live in ``portal`` and are switched on in
settings.

How a resource is built (see ``plans/api.py``):
- ``get_queryset()`` starts from ``plans.access`` with ``Action.VIEW``: anything else is 404.
- Writes check the stricter action on the object (``check_object_change``): a visible object the
  user may not change is 403.
- Create/update call the app's services (``full_clean`` inside ``transaction.atomic``); a Django
  ``ValidationError`` from a service becomes a 400 with field messages.
"""

from collections.abc import Callable

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from . import access
from .access import Action
from .api_lean import lean_plan, lean_rows_of
from .converters import DATABASE_ID_REGEX
from .services import ItemErrors

BULK_MAX_ITEMS = 5000


class BoundedIntegerField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


INTEGER_FILTER_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


@extend_schema_field(INTEGER_FILTER_SCHEMA)
class IntegerFilter(filters.NumberFilter):
    """An integer query parameter (an id or a year) within the database's integer range."""

    field_class = BoundedIntegerField


def text_filter_schema(max_length: int) -> dict:
    """The OpenAPI schema of a text query parameter of at most ``max_length`` characters.

    Django's form ``CharField`` refuses NUL characters (400), so the schema excludes them too.
    """
    return {"type": "string", "maxLength": max_length, "pattern": "^[^\\x00]*$"}


def text_filter(max_length: int, **kwargs) -> filters.CharFilter:
    """A ``CharFilter`` with ``max_length`` whose OpenAPI schema says so (django-filter's does not)."""

    @extend_schema_field(text_filter_schema(max_length))
    class TextFilter(filters.CharFilter):
        pass

    return TextFilter(max_length=max_length, **kwargs)


class StrictBooleanField(forms.Field):
    """``true``/``false`` (also ``1``/``0``); anything else is a 400, not silently ignored."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(gettext_lazy("Angiv true eller false.")) from None


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(filters.Filter):
    """A boolean query parameter that refuses values other than true/false (``?is_current=true``)."""

    field_class = StrictBooleanField


def validation_error_detail(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF field errors; errors without a field go under ``non_field_errors``."""
    detail = get_error_detail(exc)
    if isinstance(detail, dict):
        if NON_FIELD_ERRORS in detail:
            detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        return detail
    return {"non_field_errors": detail}


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key given by id, looked up in a user-scoped queryset that is loaded once per request.

    ``scope`` is called with the request's user and returns the queryset of objects the user may
    point at (e.g. the delaftaler they can see). An id outside it is "does not exist" (400), so the
    answer does not reveal objects outside the user's scope. The queryset is evaluated once per
    request and cached in the serializer context, which keeps a 5,000-item bulk request at one
    query per related field. Use it for the small scoped sets it is meant for.
    """

    def __init__(self, *, scope: Callable, **kwargs):
        self.scope = scope
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)

    def _key(self) -> tuple:
        return (self.parent.__class__.__name__ if self.parent else "", self.field_name)

    def _lookup(self) -> dict:
        context = self.context
        cache = context.setdefault("_scoped_lookup", {})
        key = self._key()
        if key not in cache:
            user = context["request"].user
            cache[key] = {obj.pk: obj for obj in self.scope(user)}
        return cache[key]

    def prime(self, values) -> None:
        """Load only the objects a bulk request names (``values`` are its raw ids), not the whole
        scope: an id outside the scope is still "does not exist"."""
        ids = set()
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | str):
                continue
            try:
                ids.add(int(value))
            except ValueError:
                continue
        if not ids or max(ids) > 2**63 - 1 or min(ids) < -(2**63):
            return  # nothing to narrow by, or ids the database cannot compare: the whole scope
        user = self.context["request"].user
        cache = self.context.setdefault("_scoped_lookup", {})
        cache[self._key()] = {obj.pk: obj for obj in self.scope(user).filter(pk__in=ids)}

    def get_queryset(self):  # used by the browsable API's form and by the schema
        request = self.context.get("request")
        return self.scope(request.user) if request else None

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        obj = self._lookup().get(pk)
        if obj is None:
            self.fail("does_not_exist", pk_value=data)
        return obj


def bulk_create_request(serializer_class: type[serializers.Serializer], component_name: str):
    """The OpenAPI request/response body of a bulk-capable create: one object or a list of them."""
    return PolymorphicProxySerializer(
        component_name=component_name,
        serializers=[serializer_class, serializer_class(many=True)],
        resource_type_field_name=None,
        many=False,
    )


class ChangeCheckMixin:
    """Writes on a visible object: ``check_object_change(obj)`` raises 403 when the user may not change it."""

    change_denied_message = gettext_lazy("Du har ikke adgang til at ændre dette objekt.")

    def check_object_change(self, obj) -> None:
        raise NotImplementedError

    def get_object(self):
        obj = super().get_object()  # 404 outside the VIEW scope
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            self.check_object_change(obj)
        return obj

    def perform_update(self, serializer):
        _update_through_service(self, serializer)

    def update_instance(self, instance, data: dict):
        raise NotImplementedError


def _update_through_service(view, serializer) -> None:
    try:
        serializer.instance = view.update_instance(serializer.instance, serializer.validated_data)
    except DjangoValidationError as exc:
        raise ValidationError(validation_error_detail(exc)) from exc


class ServiceUpdateModelMixin(mixins.UpdateModelMixin):
    """``PUT``/``PATCH`` through the viewset's ``update_instance`` (a service with ``full_clean``).

    Use it instead of DRF's ``UpdateModelMixin``, whose ``perform_update`` (``serializer.save()``,
    no service, no model validation) would otherwise come first in the viewset's MRO, before
    ``ScopedViewSet``.
    """

    def perform_update(self, serializer):
        _update_through_service(self, serializer)


class ScopeCache:
    """Ids the request's user may act on, computed once per request (so bulk stays at a few queries)."""

    def __init__(self, user):
        self.user = user
        self._ids: dict[tuple, set[int]] = {}

    def ids(self, action: Action, model, parent_field: str | None = None) -> set[int]:
        """Ids of ``model`` rows the user may ``action``; with ``parent_field``, the ids of the parents
        a new row may hang from (``access.parents_for``)."""
        key = (action, model, parent_field)
        if key not in self._ids:
            if parent_field:
                rows = access.parents_for(self.user, action, model, parent_field)
            else:
                rows = access.visible(self.user, model, action)
            self._ids[key] = set(rows.values_list("pk", flat=True))
        return self._ids[key]


class ScopedViewSet(ChangeCheckMixin, viewsets.GenericViewSet):
    """Base for writable resources: per-request ``scope`` cache, numeric ids, 403 on forbidden changes."""

    lookup_value_regex = DATABASE_ID_REGEX

    @property
    def scope(self) -> ScopeCache:
        if not hasattr(self, "_scope"):
            self._scope = ScopeCache(self.request.user)
        return self._scope


def serializer_scope(serializer) -> ScopeCache:
    """The view's per-request ScopeCache, from inside a serializer."""
    return serializer.context["view"].scope


class BulkCreateMixin:
    """``POST`` one object or a list of up to ``bulk_max_items``: all are validated, all or none saved.

    The viewset provides ``create_instance(validated_data) -> instance`` (normally a service call)
    and, for speed, may override ``create_instances(items) -> instances`` with a bulk service
    that raises ``plans.services.ItemErrors``. Errors of a list come back as
    ``{"errors": [{"index": 3, "field": ["..."]}]}`` (the project's exception handler adds the
    indexes); a single object's as ``{"errors": {"field": ["..."]}}``. A list answers 201 with
    the list of created objects, in the order sent.
    """

    bulk_max_items = BULK_MAX_ITEMS

    def create_instance(self, validated_data: dict):
        raise NotImplementedError

    def create_instances(self, items: list[dict]) -> list:
        """Default: one ``create_instance`` per item in one transaction, collecting every item's errors."""
        instances, errors = [], {}
        with transaction.atomic():
            for index, item in enumerate(items):
                try:
                    instances.append(self.create_instance(item))
                except DjangoValidationError as exc:
                    errors[index] = exc
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise ItemErrors(errors)
        return instances

    def create(self, request, *args, **kwargs):
        data = request.data
        many = isinstance(data, list)
        if many and not data:
            raise ValidationError({"non_field_errors": [_("Listen er tom.")]})
        if many and len(data) > self.bulk_max_items:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _("Højst %(max)d objekter pr. forespørgsel; der kom %(count)d.")
                        % {"max": self.bulk_max_items, "count": len(data)}
                    ]
                }
            )
        if not many and not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send et objekt eller en liste af objekter.")]})
        validated = fast_validated_many(self.get_serializer(), data) if many else None
        if validated is None:
            serializer = self.get_serializer(data=data, many=many)
            serializer.is_valid(raise_exception=True)
            validated = serializer.validated_data
        try:
            instances = self.create_instances(list(validated)) if many else [self.create_instance(validated)]
        except ItemErrors as exc:
            detail = [{} for _item in validated]
            for index, error in exc.item_errors.items():
                detail[index] = validation_error_detail(error)
            raise ValidationError(detail) from exc
        except DjangoValidationError as exc:
            raise ValidationError(validation_error_detail(exc)) from exc
        except IntegrityError as exc:  # a concurrent writer got there first
            raise ValidationError(
                {"non_field_errors": [_("Objektet strider mod et andet objekt; prøv igen.")]}
            ) from exc
        plan = lean_plan(self.get_serializer_class(), self) if many and getattr(self, "lean", False) else None
        if plan is not None:  # the created rows as the list shows them
            return Response(lean_rows_of(plan, self, instances), status=status.HTTP_201_CREATED)
        output = self.get_serializer(instances if many else instances[0], many=many)
        return Response(output.data, status=status.HTTP_201_CREATED)


_UNHASHABLE = (dict, list)


def fast_validated_many(serializer: serializers.Serializer, items: list) -> list[dict] | None:
    """The validated data of a list of items, as ``serializer(data=items, many=True)`` would give
    it, when every item is valid; ``None`` otherwise (the caller then validates the usual way, which
    produces DRF's error messages).

    Each writable field validates with its own ``run_validation`` and ``validate_<field>`` method,
    but only once per distinct input value (a bulk request repeats its indicator, period and value
    texts), so a 5,000-item request costs a few thousand field validations instead of 25,000.
    Exceptions other than validation errors (a ``PermissionDenied`` from a ``validate_<field>``)
    propagate as they do from ``is_valid``. Serializers with object-level ``validate`` or validators
    are not taken (``None``).
    """
    if type(serializer).validate is not serializers.Serializer.validate or serializer.get_validators():
        return None
    writable = []
    for name, fld in serializer.fields.items():
        if fld.read_only:
            continue
        if (
            fld.default is not serializers.empty
            or len(fld.source_attrs) != 1
            or isinstance(fld, serializers.BaseSerializer)
        ):
            return None  # a default, a dotted or whole-object source, a nested serializer: the usual way
        writable.append((name, fld, getattr(serializer, f"validate_{name}", None)))
    for name, fld, _method in writable:
        if isinstance(fld, ScopedPrimaryKeyRelatedField):
            fld.prime(item.get(name) for item in items if isinstance(item, dict))
    caches: dict[str, dict] = {name: {} for name, _fld, _method in writable}
    out = []
    for item in items:
        if not isinstance(item, dict):
            return None
        validated = {}
        for name, fld, method in writable:
            raw = item.get(name, serializers.empty)
            if raw is serializers.empty:
                if fld.required:
                    return None
                continue
            key = (type(raw), raw) if not isinstance(raw, _UNHASHABLE) else None
            cache = caches[name]
            if key is not None and key in cache:
                value = cache[key]
            else:
                try:
                    value = fld.run_validation(raw)
                    if method is not None:
                        value = method(value)
                except (ValidationError, DjangoValidationError):
                    return None
                if key is not None:
                    cache[key] = value
            validated[fld.source] = value
        out.append(validated)
    return out
