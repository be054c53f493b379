"""The demo world's rows, copied once per test session, to put back after a transactional test's flush.

Building the demo world with ``seed_demo`` takes about 7 s; a transactional test (live server, real
worker) ends with a flush that empties every table, so the next one needed that again. On PostgreSQL
the rows are copied out of every table once (``COPY … TO STDOUT``, binary, in memory) and copied back
in one transaction (about 0.4 s), with each sequence where it was. Django's foreign keys are
``DEFERRABLE INITIALLY DEFERRED``, so the tables can be filled in any order and are checked at commit.
On SQLite ``take`` returns ``None`` and the caller seeds again.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass(frozen=True)
class DemoRows:
    tables: dict[str, bytes]  # table → its rows in COPY's binary format
    sequences: dict[str, tuple[int, bool]]  # sequence → (last_value, is_called)

    @classmethod
    def take(cls) -> "DemoRows | None":
        if connection.vendor != "postgresql":
            return None
        tables = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                if table == "django_migrations":  # a flush leaves it; it is not data
                    continue
                copied = bytearray()
                with cursor.cursor.copy(f"COPY {_quoted(table)} TO STDOUT (FORMAT BINARY)") as copy:
                    for chunk in copy:
                        copied += chunk
                tables[table] = bytes(copied)
            cursor.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
            sequences = {name: (last or 1, last is not None) for name, last in cursor.fetchall()}
        return cls(tables=tables, sequences=sequences)

    def restore(self) -> None:
        """Every table as it was when taken (what a flush's post-migrate signal re-created is replaced)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(map(_quoted, self.tables))} RESTART IDENTITY")
            for table, rows in self.tables.items():
                with cursor.cursor.copy(f"COPY {_quoted(table)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(rows)
            for name, (value, is_called) in self.sequences.items():
                cursor.execute("SELECT setval(%s, %s, %s)", [name, value, is_called])
        # The flush's post-migrate signal made content types with other ids, and they are cached.
        ContentType.objects.clear_cache()
