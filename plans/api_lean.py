"""Lean API lists: the same JSON as the serializers, built from ``.values()`` rows.

A DRF ``ModelSerializer`` spends most of a list request building model instances, related
managers for prefetched relations and calling ``get_attribute``/``to_representation`` on every
field of every row. ``LeanListMixin.list`` builds the very same rows from one ``.values()``
query of the viewset's own (scoped, filtered, paginated) queryset, plus one query per to-many
field on the page's ids. The serializer stays the one definition of the output: its fields are
read once per serializer class (``lean_plan``), and each value goes through the field's own
``to_representation``, so a decimal, date or choice looks exactly as the serializer would show it.

What the serializer computes in Python has a declared lean counterpart on the viewset:

- ``lean_methods = {"field": (columns, fn)}``: a ``SerializerMethodField`` (or a property) as
  ``fn(row, context)`` of the named ``.values()`` columns;
- ``lean_related_source = {"field": "relation"}``: a ``SerializerMethodField`` that lists the ids
  of a to-many relation (``Goal.indicators``);
- ``lean_related_order = {"field": ordering}``: the order of a to-many field or a nested list
  when the viewset prefetches it in another order than the related model's ``Meta.ordering``;
- ``lean_related_scope = {"field": fn(user) -> queryset}``: a to-many field the viewset prefetches
  through a scoped queryset (``plans.access``), restricted the same way.

A field the engine cannot map keeps the endpoint on the serializer (``lean_plan`` returns
``None``), so nothing is ever guessed; ``tests/test_api_lean.py`` compares both paths on every list.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField
from rest_framework.response import Response


class NotLean(Exception):
    """A serializer field without a lean counterpart: the list stays on the serializer."""


def _resolve(model, attrs: list[str]) -> models.Field:
    """The model field at the end of ``attrs`` (``["goal", "plan_id"]``); ``NotLean`` when an attr
    is not a model field (a property, a method)."""
    current, found = model, None
    for position, attr in enumerate(attrs):
        try:
            found = current._meta.get_field(attr)
        except FieldDoesNotExist:
            # A foreign key's column (``plan_id``) is not a field name but is a ``.values()`` column.
            found = next((f for f in current._meta.concrete_fields if f.attname == attr and f.is_relation), None)
            if found is None or position != len(attrs) - 1:
                raise NotLean(".".join(attrs)) from None
            return found
        last = position == len(attrs) - 1
        if not last:
            if not (found.many_to_one or found.one_to_one) or found.related_model is None:
                raise NotLean(".".join(attrs))
            current = found.related_model
    return found


@dataclass
class Related:
    """A to-many field: the ids (``nested`` is None) or the nested rows of each row on the page."""

    name: str
    model: type[models.Model]  # the related model
    back: str  # the lookup from the related model to the row's model (``goal`` for Goal.indicators)
    ordering: tuple[str, ...]
    scope: Callable | None = None
    nested: "Plan | None" = None


@dataclass
class Plan:
    """How to build one serializer's rows from ``.values()``."""

    columns: list[str]  # the ``.values()`` columns (always with ``pk``)
    fields: list[tuple[str, object]] = field(default_factory=list)  # (name, how)

    def array_annotations(self, context: dict) -> dict:
        """On PostgreSQL, each to-many id list as an ordered ``ARRAY(SELECT …)`` column of the row
        query itself, instead of one more query per field (nested lists keep their own query)."""
        if connection.vendor != "postgresql":
            return {}
        from django.contrib.postgres.expressions import ArraySubquery

        return {
            ARRAY_PREFIX + name: ArraySubquery(
                _related_queryset(how, context).filter(**{how.back: models.OuterRef("pk")}).values("pk")
            )
            for name, how in self.fields
            if isinstance(how, Related) and how.nested is None
        }

    def rows(self, values: list[dict], context: dict) -> list[dict]:
        pks = [row["pk"] for row in values]
        arrays = set(values[0]) if values else set()
        steps = []  # (name, kind, what, how) per field, decided once for all rows
        for name, how in self.fields:
            if isinstance(how, Related):
                array = ARRAY_PREFIX + name
                grouped = None if array in arrays else _related_values(how, pks, context)
                steps.append((name, _RELATED, array, grouped))
            elif how[0] == "column":
                column, convert = how[1]
                steps.append((name, _COLUMN, column, _remembering(convert)))
            else:
                steps.append((name, _METHOD, how[1], None))
        out = []
        for row in values:
            item = {}
            for name, kind, what, how in steps:
                if kind is _COLUMN:
                    value = row[what]
                    item[name] = None if value is None else how(value)
                elif kind is _RELATED:
                    array = row.get(what)
                    item[name] = array if array is not None else how.get(row["pk"], [])
                else:
                    item[name] = what(row, context)
            out.append(item)
        return out


_COLUMN, _RELATED, _METHOD = "column", "related", "method"


def _remembering(convert: Callable) -> Callable:
    """``convert`` that shows each value once and then remembers the text.

    A page or a bulk answer repeats its ids, periods, dates and numbers, and a serializer field's
    ``to_representation`` (a decimal's quantize and format) costs more than a lookup. Only types
    whose equal values look alike are remembered: a decimal by its text (12.5 and 12.50 are equal
    but not alike), a bool apart from the int it equals.
    """
    known: dict = {}

    def show(value):
        kind = type(value)
        if kind is Decimal:
            key = (kind, str(value))
        elif kind in _REMEMBERED_TYPES:
            key = (kind, value)
        else:
            return convert(value)
        try:
            return known[key]
        except KeyError:
            shown = known[key] = convert(value)
            return shown

    return show


_REMEMBERED_TYPES = {str, int, bool, date}


ARRAY_PREFIX = "lean_array__"


def _related_queryset(how: Related, context: dict):
    """The related rows in the order (and through the scope) the serializer shows them."""
    queryset = how.model._default_manager.all()
    if how.scope is not None:
        queryset = queryset.filter(pk__in=how.scope(context["request"].user).values("pk"))
    return queryset.order_by(*how.ordering)


def _related_values(how: Related, pks: list, context: dict) -> dict:
    queryset = _related_queryset(how, context).filter(**{f"{how.back}__in": pks})
    grouped: dict = defaultdict(list)
    if how.nested is None:
        for owner, pk in queryset.values_list(how.back, "pk"):
            grouped[owner].append(pk)
        return grouped
    back = "lean_owner"
    values = list(queryset.annotate(**{back: models.F(how.back)}).values(back, *how.nested.columns))
    for owner, item in zip((row[back] for row in values), how.nested.rows(values, context), strict=True):
        grouped[owner].append(item)
    return grouped


def _ordering(model) -> tuple[str, ...]:
    """The order a plain prefetch gives (the related model's ``Meta.ordering``), ties by id."""
    return (*(model._meta.ordering or ()), "pk")


def _to_many(model, name: str, source: str, view, nested=None) -> Related:
    try:
        relation = model._meta.get_field(source)
    except FieldDoesNotExist:
        raise NotLean(source) from None
    if not (relation.many_to_many or relation.one_to_many):
        raise NotLean(source)
    related_model = relation.related_model
    if relation.many_to_many and not relation.auto_created:  # forward M2M: the related side's query name
        back = relation.related_query_name()
    else:  # reverse FK or reverse M2M: the field on the related model
        back = relation.field.name if relation.auto_created else relation.related_query_name()
    ordering = getattr(view, "lean_related_order", {}).get(name) or _ordering(related_model)
    scope = getattr(view, "lean_related_scope", {}).get(name)
    return Related(name, related_model, back, tuple(ordering), scope, nested)


def _plan(serializer: serializers.Serializer, view) -> Plan:
    model = serializer.Meta.model
    methods = getattr(view, "lean_methods", {}) if view is not None else {}
    plan = Plan(columns=["pk"])
    for name, fld in serializer.fields.items():
        if fld.write_only:
            continue
        if name in getattr(view, "lean_related_source", {}):
            plan.fields.append((name, _to_many(model, name, view.lean_related_source[name], view)))
            continue
        if name in methods:
            columns, fn = methods[name]
            plan.columns += [c for c in columns if c not in plan.columns]
            plan.fields.append((name, ("method", fn)))
            continue
        if isinstance(fld, serializers.SerializerMethodField) or fld.source == "*":
            raise NotLean(name)
        if isinstance(fld, ManyRelatedField):
            child = fld.child_relation
            if not isinstance(child, PrimaryKeyRelatedField) or child.pk_field is not None:
                raise NotLean(name)
            plan.fields.append((name, _to_many(model, name, fld.source, view)))
            continue
        if isinstance(fld, serializers.ListSerializer):
            nested = _plan(fld.child, None)
            plan.fields.append((name, _to_many(model, name, fld.source, view, nested=nested)))
            continue
        if isinstance(fld, serializers.BaseSerializer):
            raise NotLean(name)
        target = _resolve(model, fld.source_attrs)
        if target.many_to_many or target.one_to_many:
            raise NotLean(name)
        column = "__".join(fld.source_attrs)
        if isinstance(fld, PrimaryKeyRelatedField):
            if fld.pk_field is not None or not target.many_to_one or not target.target_field.primary_key:
                raise NotLean(name)
            convert = _identity
        elif target.is_relation and fld.source_attrs[-1] != target.attname:
            raise NotLean(name)  # a relation shown through another field type
        else:
            convert = fld.to_representation
        if column not in plan.columns:
            plan.columns.append(column)
        plan.fields.append((name, ("column", (column, convert))))
    return plan


def _identity(value):
    return value


_PLANS: dict[tuple, Plan | None] = {}


def lean_plan(serializer_class, view) -> Plan | None:
    """The lean plan of ``serializer_class`` for ``view``'s class, or ``None`` (use the serializer)."""
    key = (serializer_class, type(view))
    if key not in _PLANS:
        try:
            _PLANS[key] = _plan(serializer_class(context={}), view)
        except NotLean:
            _PLANS[key] = None
    return _PLANS[key]


class LeanListMixin:
    """``list`` from ``.values()`` with the serializer's output (see the module docstring).

    The queryset is the viewset's own ``get_queryset()`` (scoped by ``plans.access``) through its
    filters and its paginator, so scope, filtering and pagination are unchanged.
    """

    lean_methods: dict = {}
    lean_related_source: dict = {}
    lean_related_order: dict = {}
    lean_related_scope: dict = {}
    lean = True

    def list(self, request, *args, **kwargs):
        plan = lean_plan(self.get_serializer_class(), self) if self.lean else None
        if plan is None:
            return super().list(request, *args, **kwargs)
        context = self.get_serializer_context()
        arrays = plan.array_annotations(context)
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        queryset = queryset.annotate(**arrays).values(*plan.columns, *arrays)
        page = self.paginate_queryset(queryset)
        values = list(page if page is not None else queryset)
        data = plan.rows(values, context)
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)


def lean_rows_of(plan: Plan, view, instances: list) -> list[dict]:
    """Saved ``instances`` (in that order) as the list shows them.

    Their ``.values()`` rows are read from the instances themselves when every column is a field
    of the instance or of a related object already loaded on it (a created measurement's indicator
    and goal); otherwise from one ``.values()`` query of their ids.
    """
    model = view.get_serializer_class().Meta.model
    getters = [(column, _column_getter(model, column)) for column in plan.columns]
    values = None
    if all(get is not None for _column, get in getters):
        try:
            values = [{column: get(obj) for column, get in getters} for obj in instances]
        except _NotLoaded:
            values = None
    if values is None:
        by_pk = {
            row["pk"]: row
            for row in model._default_manager.filter(pk__in=[obj.pk for obj in instances]).values(*plan.columns)
        }
        values = [by_pk[obj.pk] for obj in instances]
    return plan.rows(values, view.get_serializer_context())


class _NotLoaded(Exception):
    """A relation on the way to a column is not loaded on the instance (reading it would query)."""


def _column_getter(model, column: str) -> Callable | None:
    """How to read ``.values()``'s ``column`` from an instance of ``model`` without a query (raises
    ``_NotLoaded`` for an instance whose relation on the way is not loaded), or None when the column
    is not a concrete field at the end of forward relations."""
    if column == "pk":
        return _pk_of
    *path, last = column.split("__")
    relations = []
    current = model
    for part in path:
        relation = current._meta.get_field(part)
        if not (relation.many_to_one or relation.one_to_one):
            return None
        relations.append(relation)
        current = relation.related_model
    try:
        target = current._meta.get_field(last)
    except FieldDoesNotExist:
        target = next((f for f in current._meta.concrete_fields if f.attname == last), None)
    if target is None or not target.concrete or target.many_to_many:
        return None
    attname = target.attname
    if not relations:
        return attrgetter(attname)

    def get(obj):
        for relation in relations:
            if not relation.is_cached(obj):
                raise _NotLoaded
            obj = relation.get_cached_value(obj)
            if obj is None:
                return None
        return getattr(obj, attname)

    return get


def _pk_of(obj):
    return obj.pk
