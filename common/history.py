"""History rows (django-simple-history) for a set of saved rows, in the database, without model instances.

``bulk_create_with_history`` builds one historical model instance per row in Python, which costs
more than writing the rows themselves. ``history_record`` copies the rows' current columns into
the historical table with one ``INSERT … SELECT`` per 2,000 ids, with the same ``history_date``,
``history_type``, ``history_user`` and ``history_change_reason`` simple-history would write. Call
it in the transaction that wrote the rows, after the write.
"""

from django.db import connection
from django.utils import timezone

HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
CREATED, CHANGED = "+", "~"
CHUNK = 2000


def history_record(model, pks, *, history_type: str, user=None, reason: str = "", when=None) -> int:
    """Write one history row per id in ``pks`` (rows of ``model``) as they are now; returns how many."""
    history_model = model.history.model
    source = {f.attname: f.column for f in model._meta.concrete_fields}
    tracked, own = [], set()
    for fld in history_model._meta.concrete_fields:
        if fld.attname.startswith("history_"):
            own.add(fld.attname)
        else:
            tracked.append((fld.column, source[fld.attname]))
    if own != HISTORY_COLUMNS:  # another simple-history configuration: refuse rather than write less
        raise ValueError(f"{history_model.__name__} has history columns {sorted(own)}")
    quote = connection.ops.quote_name
    date = connection.ops.adapt_datetimefield_value(when or timezone.now())
    user_id = getattr(user, "pk", user)
    target = ", ".join(quote(column) for column, _source in tracked)
    columns = ", ".join(quote(column) for _target, column in tracked)
    pks = list(pks)
    written = 0
    any_array = connection.vendor == "postgresql"  # one array parameter instead of thousands
    with connection.cursor() as cursor:
        size = max(len(pks), 1) if any_array else CHUNK
        for start in range(0, len(pks), size):
            chunk = pks[start : start + size]
            match = "= ANY(%s)" if any_array else "IN ({})".format(", ".join(["%s"] * len(chunk)))
            cursor.execute(
                f"INSERT INTO {quote(history_model._meta.db_table)} ({target}, history_date, history_type, "  # noqa: S608
                f"history_user_id, history_change_reason) SELECT {columns}, %s, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} {match}",
                [date, history_type, user_id, reason or None, *([chunk] if any_array else chunk)],
            )
            written += cursor.rowcount
    return written
