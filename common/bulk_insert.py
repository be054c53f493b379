"""Many new rows of one model, already validated, written without model instances in between.

``bulk_create`` builds one instance per row and prepares every value of every instance in Python,
which for a 5,000-row request costs more than the database spends writing them. ``insert_rows``
takes the column values as they go into the table. On PostgreSQL it reserves the new ids from the
table's sequence in one query and sends every row with one ``COPY … FROM STDIN``; elsewhere
(SQLite in development and tests) it calls ``bulk_create``. Either way it returns the rows as
saved model instances (``Model.from_db``, the way a query loads them).

As with ``bulk_create``: no ``save()``, no signals. A constraint the rows break (unique, check,
foreign key at commit) raises Django's ``IntegrityError``. Values are written as they are, so they
must be plain values a driver writes directly (text, numbers, dates, None): the caller has
validated them. Call it inside the caller's transaction.
"""

from django.db import connection
from django.db.models import Model


def insert_rows(model: type[Model], rows: list[dict]) -> list[Model]:
    """Insert ``rows`` (``{attname: value}``; a missing field takes its default, evaluated once)
    into ``model``'s table; returns them as saved instances, in order."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for fld in fields:
        if getattr(fld, "auto_now", False) or getattr(fld, "auto_now_add", False):
            raise ValueError(f"{model.__name__}.{fld.name} is set on save: give it in every row")
    defaults = {fld.attname: fld.get_default() for fld in fields if any(fld.attname not in row for row in rows)}
    attnames = [fld.attname for fld in fields]
    values = [tuple(row[name] if name in row else defaults[name] for name in attnames) for row in rows]
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in values])
    pk = model._meta.pk
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(table), pk.column, len(values)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(quote(column) for column in [pk.column, *(fld.column for fld in fields)])
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for new_id, row in zip(ids, values, strict=True):
                copy.write_row((new_id, *row))
    names = [pk.attname, *attnames]
    return [model.from_db(connection.alias, names, (new_id, *row)) for new_id, row in zip(ids, values, strict=True)]
