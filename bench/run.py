"""The benchmark behind ``python manage.py bench``: every goal of issue 13 beside its baseline.

Each measurement runs side by side with a baseline in the same process and the same run, the two
interleaved (A, B, A, B, …) so that the load of a shared machine falls on both alike; the ratio is
what to read, the absolute times move with the machine. Baselines:

- pages: the same SQL the page ran (captured from one request), executed again without any Python
  around it: the database's share of the page;
- API lists: a bare ``JsonResponse`` built from ``.values()`` of the same model's rows (same page
  size, same middleware, same process), ``bench/urls.py``;
- API bulk ingest and the spreadsheet import: ``bulk_create`` of the same rows;
- the pixi: bare WeasyPrint of the same final HTML (``bench/pixi.py``);
- 150 pixi reports through a real 2-process Celery worker pool: bare WeasyPrint of the same HTMLs in
  2 processes; worker and web process memory (``bench/pixi_pool.py``).

Requests go through Django's test ``Client`` (the whole middleware stack, no network), logged in as
``bench-admin``, a user who sees everything.
"""

import io
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from . import national_data

PAGE_GOAL_MS, PAGE_GOAL_KB, PAGE_GOAL_QUERIES = 150, 200, 15
API_LIST_GOAL_RATIO = 0.5
# Issue 13 sets the ingest goal as "≥ 10,000 rows/s (≈ 0.5× bare)" on a machine whose bare bulk_create
# wrote ~22,000 rows/s; on a slower machine the same code is judged by the ratio to this run's bare.
API_BULK_GOAL_ROWS, API_BULK_GOAL_RATIO = 10_000, 0.5
IMPORT_GOAL_ROWS = 5_000
PIXI_GOAL_RATIO = 1.5
IMPORT_ROWS = 100_000  # the file; scaled with the size
API_BULK_ROWS = 5_000  # one request's maximum (plans.api_support.BULK_MAX_ITEMS)


@dataclass
class Row:
    """One line of the table."""

    size: str
    what: str
    measured: str
    baseline: str
    ratio: str
    goal: str
    verdict: str  # PASS, FAIL or "–" (informative only)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    if len(ordered) < 2:
        return ordered[0]
    return statistics.quantiles(ordered, n=20, method="inclusive")[-1]


def interleaved(a: Callable, b: Callable, repeats: int) -> tuple[list[float], list[float]]:
    """Milliseconds of ``a`` and ``b``, called alternately ``repeats`` times each (after one warm-up)."""
    a(), b()
    times_a, times_b = [], []
    for _ in range(repeats):
        for fn, out in ((a, times_a), (b, times_b)):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return times_a, times_b


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --- pages --------------------------------------------------------------------------------------


class QueryRecorder:
    """Every SQL statement (with its parameters) that runs while it is installed."""

    def __init__(self):
        self.queries: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def _replay(queries: list[tuple[str, object]]) -> Callable:
    """Run the captured reads again, fetching every row: the page's queries without rendering."""
    reads = [(sql, params) for sql, params in queries if sql.lstrip().upper().startswith(("SELECT", "WITH"))]

    def run():
        with connection.cursor() as cursor:
            for sql, params in reads:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def measure_pages(client: Client, size: str, pages: list[tuple[str, str]], repeats: int) -> list[Row]:
    """Each page uncached (the goal: a first visit after a write), then, when the per-user fragment
    cache is on (a shared cache, ``PAGE_FRAGMENT_CACHE_SECONDS``), the same page again on a cache hit,
    reported as its own row so that the cache never stands in for the page."""
    with override_settings(PAGE_FRAGMENT_CACHE_SECONDS=0):
        rows = _measure_pages(client, size, pages, repeats, suffix="")
    if settings.PAGE_FRAGMENT_CACHE_SECONDS > 0:
        rows += _measure_pages(client, size, pages, repeats, suffix=" (cached, 2nd visit)")
    return rows


def _measure_pages(client: Client, size: str, pages: list[tuple[str, str]], repeats: int, suffix: str) -> list[Row]:
    rows = []
    for label, url in pages:
        client.get(url)  # warm: the steady state, as a second visitor meets it
        recorder = QueryRecorder()
        with connection.execute_wrapper(recorder):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        kilobytes = len(response.content) / 1024
        page_ms, db_ms = interleaved(lambda url=url: client.get(url), _replay(recorder.queries), repeats)
        page_p95, db_p95 = p95(page_ms), p95(db_ms)
        count = len(recorder.queries)
        ok = page_p95 < PAGE_GOAL_MS and kilobytes <= PAGE_GOAL_KB and count <= PAGE_GOAL_QUERIES
        rows.append(
            Row(
                size,
                f"page {label}{suffix}",
                f"p95 {page_p95:.0f} ms, {kilobytes:.0f} KB, {count} q",
                f"queries {db_p95:.0f} ms",
                f"{page_p95 / db_p95:.1f}× db" if db_p95 else "–",
                f"<{PAGE_GOAL_MS} ms, ≤{PAGE_GOAL_KB} KB, ≤{PAGE_GOAL_QUERIES} q",
                verdict(ok),
            )
        )
    return rows


# --- API lists ----------------------------------------------------------------------------------


def api_list_routes() -> list[str]:
    from portal.api import APP_ROUTES

    return [prefix for routes in APP_ROUTES for prefix, _viewset, _basename in routes]


def measure_api_lists(api_client: Client, client: Client, size: str, repeats: int) -> list[Row]:
    """Each list's first cursor page as an API client reads it (``Authorization: Token``), beside
    the bare view of the same rows for the same reader signed in to Django (``bench/urls.py``)."""
    rows = []
    for prefix in api_list_routes():
        # The cursor page (id order, no COUNT): the mode for reading a national list.
        api_url, bare_url = f"/api/v1/{prefix}/?cursor=", f"/bench/bare/{prefix}/"
        for url, reader in ((api_url, api_client), (bare_url, client)):
            response = reader.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:200])
        api_ms, bare_ms = interleaved(lambda u=api_url: api_client.get(u), lambda u=bare_url: client.get(u), repeats)
        api_p50, bare_p50 = statistics.median(api_ms), statistics.median(bare_ms)
        ratio = bare_p50 / api_p50
        rows.append(
            Row(
                size,
                f"API GET {prefix}",
                f"p50 {api_p50:.1f} ms, p95 {p95(api_ms):.1f}",
                f"bare {bare_p50:.1f} ms",
                f"{ratio:.2f}",
                f"≥{API_LIST_GOAL_RATIO} of bare",
                verdict(ratio >= API_LIST_GOAL_RATIO),
            )
        )
    return rows


def token_client(user) -> Client:
    """A client that sends a new API token of ``user``, as the portal's API clients do."""
    from portal.services import api_token_create

    _token, key = api_token_create(user=user, name="bench")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


# --- ingest -------------------------------------------------------------------------------------


def _bench_indicator():
    """A quarterly indicator with a breakdown, so any number of new rows can be made for it."""
    from monitoring.models import Goal, Indicator

    goal = Goal.objects.filter(level=Goal.Level.STRATEGIC).order_by("pk").first()
    indicator, _created = Indicator.objects.get_or_create(
        goal=goal,
        name="Bench: indtag",
        defaults={
            "unit": "antal",
            "direction": Indicator.Direction.HIGHER_IS_BETTER,
            "data_source": Indicator.DataSource.MUNICIPALITY,
            "frequency": Indicator.Frequency.QUARTERLY,
            "baseline_value": Decimal(0),
            "baseline_date": national_data.date(2018, 1, 1),
            "breakdown_dimension": "Bench",
        },
    )
    return indicator


def measure_api_bulk(api_client: Client, client: Client, size: str, repeats: int = 3) -> list[Row]:
    indicator = _bench_indicator()
    counter = iter(range(1_000_000))

    def payload() -> bytes:
        batch = next(counter)
        return json.dumps(
            [
                {"indicator": indicator.pk, "period": "2025-Q1", "breakdown_value": f"api{batch}-{n}", "value": "12.5"}
                for n in range(API_BULK_ROWS)
            ]
        ).encode()

    def post(url, reader):
        body = payload()

        def run():
            response = reader.post(url, body, content_type="application/json")
            assert response.status_code == 201, response.content[:300]

        return run

    api_ms, bare_ms = [], []
    for _ in range(repeats):
        for url, reader, out in (
            ("/api/v1/measurements/", api_client, api_ms),
            ("/bench/bare/measurements/create/", client, bare_ms),
        ):
            fn = post(url, reader)
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    api_rate = API_BULK_ROWS / (statistics.median(api_ms) / 1000)
    bare_rate = API_BULK_ROWS / (statistics.median(bare_ms) / 1000)
    return [
        Row(
            size,
            f"API POST measurements ×{API_BULK_ROWS}",
            f"{api_rate:,.0f} rows/s",
            f"bulk_create {bare_rate:,.0f} rows/s",
            f"{api_rate / bare_rate:.2f}",
            f"≥{API_BULK_GOAL_ROWS:,} rows/s or ≥{API_BULK_GOAL_RATIO}× bare",
            verdict(api_rate >= API_BULK_GOAL_ROWS or api_rate / bare_rate >= API_BULK_GOAL_RATIO),
        )
    ]


def _xlsx(indicator_id: int, count: int, prefix: str) -> bytes:
    from openpyxl import Workbook

    from monitoring.imports import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Målinger")
    sheet.append(COLUMNS)
    for n in range(count):
        # Danish number format as a treasurer types it: thousands separator and decimal comma.
        sheet.append([indicator_id, "Bench: indtag", "2025-Q2", f"{prefix}{n}", f"1.{n % 1000:03d},5", "bench", ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def measure_import(size: str, scale: float) -> list[Row]:
    """The spreadsheet import's confirm step (read, validate in sets, write with history) vs bulk_create."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from common.periods import parse_period
    from monitoring.imports import measurements_import, read_table
    from monitoring.models import Measurement

    indicator = _bench_indicator()
    count = national_data.scaled(IMPORT_ROWS, scale)
    user = get_user_model().objects.get(username="bench-admin")
    data = _xlsx(indicator.pk, count, "xlsx-")
    plan = indicator.goal.plan
    start = time.perf_counter()
    error = ""
    try:
        rows = read_table(SimpleUploadedFile("bench.xlsx", data))
        result = measurements_import(user=user, plan=plan, rows=rows)
        done = result.created
    except Exception as exc:  # a refused file is a result here, shown in the table
        done, error = 0, str(getattr(exc, "messages", [exc])[0])[:60]
    seconds = time.perf_counter() - start
    period = parse_period("2025-Q3")
    start = time.perf_counter()
    with transaction.atomic():
        Measurement.objects.bulk_create(
            [
                Measurement(
                    indicator=indicator,
                    period=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    value=Decimal("1000.5"),
                    breakdown_value=f"bare-{n}",
                    entered_by=user,
                )
                for n in range(count)
            ],
            batch_size=5000,
        )
    bare_seconds = time.perf_counter() - start
    rate, bare_rate = done / seconds, count / bare_seconds
    return [
        Row(
            size,
            f"XLSX import {count:,} rows ({len(data) // 1024} KB)",
            f"{rate:,.0f} rows/s" if done else f"refused: {error}",
            f"bulk_create {bare_rate:,.0f} rows/s",
            f"{rate / bare_rate:.2f}",
            f"≥{IMPORT_GOAL_ROWS:,} rows/s, accepted",
            verdict(done == count and rate >= IMPORT_GOAL_ROWS),
        )
    ]


# --- pixi -----------------------------------------------------------------------------------------


def measure_pixi(size: str) -> list[Row]:
    """One board pixi of the plan with most indicators: its render in the worker's path (HTML from the
    snapshot, one WeasyPrint layout with the cached stylesheet and fonts) against bare WeasyPrint of the
    same final HTML (``bench/pixi.py``); the snapshot's database reads are shown beside it."""
    from django.db.models import Count

    from plans.models import Plan

    from .pixi import measure_pixi as measure

    plan = Plan.objects.annotate(n=Count("goals__indicators")).order_by("-n", "pk").first()
    m = measure(plan)
    with_snapshot = (m.pixi_seconds + m.snapshot_seconds) / m.bare_seconds
    return [
        Row(
            size,
            f"pixi ({plan.n} indicators), {m.pages} pages",
            f"p50 {m.pixi_seconds:.2f} s (+ snapshot {m.snapshot_seconds:.2f} s)",
            f"WeasyPrint {m.bare_seconds:.2f} s",
            f"{m.ratio:.2f} ({with_snapshot:.2f} with snapshot)",
            f"≤{PIXI_GOAL_RATIO}×, ≤2 pages",
            verdict(m.ratio <= PIXI_GOAL_RATIO and m.pages <= 2),
        )
    ]


# --- the whole run --------------------------------------------------------------------------------


def build(scale: float) -> dict:
    world = national_data.generate_plans(scale)
    monitoring = national_data.generate_monitoring(world, scale)
    governance = national_data.generate_governance(world, scale)
    users = national_data.bench_users(world)
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load on a real server: without statistics
        # the planner takes the fresh tables for empty and picks nested loops over 100,000 rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"world": world, "monitoring": monitoring, "governance": governance, "users": users}


def run_size(size: str, scale: float, *, repeats: int, parts: set[str], out) -> list[Row]:
    start = time.perf_counter()
    built = build(scale)
    world, monitoring, governance = built["world"], built["monitoring"], built["governance"]
    out(
        f"[{size}] built {len(world['plans'])} plans, {len(world['municipalities'])} kommuner, "
        f"{len(monitoring['goals'])} goals, {len(monitoring['indicators'])} indicators, "
        f"{monitoring['measurements']:,} measurements, {len(governance['meetings'])} meetings, "
        f"{governance['actions']:,} action items in {time.perf_counter() - start:.1f} s"
    )
    client = Client()
    client.force_login(built["users"]["bench-admin"])
    from django.db.models import Count

    from plans.models import Plan

    plan = Plan.objects.annotate(n=Count("goals__indicators")).order_by("-n", "pk").first()
    rows: list[Row] = []
    if "pages" in parts:
        pages = [
            ("/overblik/", "/overblik/"),
            ("/mit-sekretariat/", "/mit-sekretariat/"),
            ("/medfinansiering/", "/medfinansiering/"),
            ("plan page", f"/planer/{plan.pk}/"),
            ("målstyring", f"/planer/{plan.pk}/maal/"),
        ]
        rows += measure_pages(client, size, pages, repeats)
    api_client = token_client(built["users"]["bench-admin"])
    if "api" in parts:
        rows += measure_api_lists(api_client, client, size, repeats)
    if "ingest" in parts:
        rows += measure_api_bulk(api_client, client, size)
        rows += measure_import(size, scale)
    if "pixi" in parts:
        rows += measure_pixi(size)
    if parts & {"pool", "memory"}:  # real worker pool and web process (bench/pixi_pool.py)
        from .pixi_pool import run_parts

        user = built["users"]["bench-admin"]
        rows += run_parts(size, parts, plans=world["plans"], plan=plan, user=user, repeats=repeats, row_class=Row)
    return rows


HEADER = ("size", "what", "measured", "baseline", "ratio", "goal", "")


def table(rows: list[Row]) -> str:
    """A Markdown table (pastes into docs/performance.md as it is)."""
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for row in rows:
        cells = (row.size, row.what, row.measured, row.baseline, row.ratio, row.goal, row.verdict)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
