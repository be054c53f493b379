"""`python manage.py bench [--size small|medium|national|10|50|100 …]`: the performance goals of
issue 13, each measured beside its baseline, as a table with PASS/FAIL (docs/performance.md).

For each size it creates a fresh database named after the configured one with ``_bench`` appended
(``portal`` → ``portal_bench``; dropped afterwards unless ``--keep``), builds the national data
(``bench/national_data.py``) with ``bulk_create``, and runs ``bench/run.py``. The configured
database itself is never touched. Use PostgreSQL for figures worth reading; on SQLite the bench
runs in memory, as a smoke test.
"""

import logging
import os
import platform
import tempfile
import time
import warnings

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from bench import national_data, run

ALIASES = {"10": "small", "50": "medium", "100": "national"}
PARTS = ("pages", "api", "ingest", "pixi", "pool", "memory")


def parse_sizes(values: list[str]) -> list[str]:
    sizes = []
    for value in values:
        for item in value.split(","):
            name = ALIASES.get(item.strip().rstrip("%"), item.strip())
            if name not in national_data.SIZES:
                raise CommandError(f"Unknown size {item!r}: use small, medium, national (or 10, 50, 100).")
            if name not in sizes:
                sizes.append(name)
    return sizes


class Command(BaseCommand):
    help = "Måler portalens ydelse mod basislinjer på data i national skala og skriver en tabel med PASS/FAIL."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            action="append",
            default=[],
            help="small/10, medium/50, national/100; repeat or separate by commas (default: all three).",
        )
        parser.add_argument("--repeats", type=int, default=20, help="Requests per page and endpoint (default 20).")
        parser.add_argument(
            "--only", default=",".join(PARTS), help=f"Comma-separated parts to run: {', '.join(PARTS)}."
        )
        parser.add_argument("--output", help="Also write the table (Markdown) to this file.")
        parser.add_argument("--keep", action="store_true", help="Keep the last bench database for inspection.")
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Build in the current (empty) database instead of a fresh bench database; for the test suite.",
        )

    def handle(self, *args, **options):
        sizes = parse_sizes(options["size"] or ["small", "medium", "national"])
        parts = {part.strip() for part in options["only"].split(",") if part.strip()}
        if unknown := parts - set(PARTS):
            raise CommandError(f"Unknown parts: {', '.join(sorted(unknown))}")
        if options["in_place"] and len(sizes) > 1:
            raise CommandError("--in-place builds one size only.")
        repeats = max(1, options["repeats"])
        logging.disable(logging.WARNING)  # 4xx log lines and WeasyPrint's font notes are not results
        warnings.filterwarnings("ignore", "No directory at")  # whitenoise without collectstatic
        machine = self._machine()
        self._out(machine)
        rows: list[run.Row] = []
        from portal.celery import app as celery_app

        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True  # nothing reaches a broker; nothing is left queued
        # Throttled as in production (a history read and written per request), with a window of a
        # second: the history stays as short as a real client's, and the bench is never refused.
        rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/second"}}
        try:
            with (
                tempfile.TemporaryDirectory() as media,
                override_settings(
                    ROOT_URLCONF="bench.urls",
                    REST_FRAMEWORK=rest,
                    MEDIA_ROOT=media,
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                ),
            ):
                for size in sizes:
                    keep = options["keep"] and size == sizes[-1]
                    rows += self._run_size(size, repeats, parts, in_place=options["in_place"], keep=keep)
        finally:
            celery_app.conf.task_always_eager = eager
            logging.disable(logging.NOTSET)
        text = run.table(rows)
        self._out("")
        self._out(text)
        self._out("")
        load_after = f"load average after: {self._load()}"
        self._out(load_after)
        failed = sum(1 for row in rows if row.verdict == "FAIL")
        self._out(f"{len(rows) - failed} PASS, {failed} FAIL")
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(f"{machine}\n\n{text}\n\n{load_after}\n")

    def _out(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _load(self) -> str:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())

    def _machine(self) -> str:
        return (
            f"machine: {platform.node() or '?'}, {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()}, database {connection.vendor}; load average before: {self._load()}"
        )

    def _run_size(self, size: str, repeats: int, parts: set[str], *, in_place: bool, keep: bool) -> list[run.Row]:
        scale = national_data.SIZES[size]
        if in_place:
            return run.run_size(size, scale, repeats=repeats, parts=parts, out=self._out)
        database = settings.DATABASES["default"]
        original = database["NAME"]
        if connection.vendor == "sqlite":
            database.setdefault("TEST", {})["NAME"] = ""  # in memory
            self._out("SQLite: a smoke run only; use PostgreSQL (DATABASE_URL) for figures worth reading.")
        else:
            database.setdefault("TEST", {})["NAME"] = f"{original}_bench"
        start = time.perf_counter()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        name = settings.DATABASES["default"]["NAME"]
        self._out(f"[{size}] fresh database {name} in {time.perf_counter() - start:.1f} s")
        try:
            return run.run_size(size, scale, repeats=repeats, parts=parts, out=self._out)
        finally:
            if keep:
                self._out(f"kept database {settings.DATABASES['default']['NAME']}")
                connection.close()
                settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = original
            else:
                connection.creation.destroy_test_db(original, verbosity=0)
