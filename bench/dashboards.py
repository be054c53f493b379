"""Benchmark the portal's list pages and dashboards on national-scale data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/dashboards.py
    .venv/bin/python bench/dashboards.py            # SQLite file var/bench.sqlite3

Builds a fresh database (bench/national_data.py), then requests each page through Django's test
client N times per user and prints median and p95 response times and the SQL query count.
"""

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

warnings.filterwarnings("ignore", "No directory at")
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))


def fresh_database() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        connection.close()
        Path(db["NAME"]).unlink(missing_ok=True)
    elif _has_tables():
        # Not ``flush``: it would also empty the catalogue rows the migrations insert (thematic areas).
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    call_command("migrate", "--no-input", verbosity=0)


def _has_tables() -> bool:
    from django.db import connection

    return "plans_plan" in connection.introspection.table_names()


def measure(client, url: str) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)
    for _ in range(REPEATS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
    return statistics.median(timings), p95, queries, response.status_code


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    from bench.national_data import bench_users, generate_governance, generate_monitoring, generate_plans

    fresh_database()
    start = time.perf_counter()
    world = generate_plans()
    monitoring = generate_monitoring(world)
    governance = generate_governance(world)
    users = bench_users(world)
    print(
        f"generated {len(world['plans'])} plans, {len(world['municipalities'])} kommuner, "
        f"{len(world['interventions'])} interventions, {len(world['commitments'])} commitments, "
        f"{len(monitoring['indicators'])} indicators, {monitoring['measurements']} measurements, "
        f"{monitoring['statistics']} area statistics, {len(governance['meetings'])} meetings, "
        f"{governance['actions']} action items, {governance['reports']} status reports "
        f"in {time.perf_counter() - start:.1f} s"
    )
    goal = monitoring["goals"][0]
    pages = [
        ("bench-koordinator", "/overblik/"),
        ("bench-koordinator", "/overblik/?sort=status&status=off_track"),
        ("bench-koordinator", "/overblik/?format=xlsx"),
        ("bench-koordinator", "/bybarometer/"),
        ("bench-koordinator", "/bybarometer/?code=KARAKTER_DA_MA"),
        ("bench-koordinator", f"/projektbank/?goal={goal.pk}"),
        ("bench-sekretariatsleder", "/mit-sekretariat/"),
        ("bench-bestyrelse", "/laesesal/"),
        ("bench-admin", "/overblik/"),
        ("bench-admin", "/mit-sekretariat/"),
        ("bench-admin", "/laesesal/"),
        ("bench-koordinator", "/planer/"),
        ("bench-koordinator", "/medfinansiering/"),
        ("bench-koordinator", "/projektbank/"),
        ("bench-koordinator", f"/planer/{world['plans'][0].pk}/"),
        ("bench-sekretariatsleder", "/planer/"),
        ("bench-admin", "/planer/"),
        ("bench-admin", "/medfinansiering/"),
        ("bench-admin", "/projektbank/?q=Indsats"),
    ]
    print(f"{'user':<26}{'page':<42}{'median ms':>10}{'p95 ms':>10}{'queries':>9}{'status':>8}")
    for username, url in pages:
        client = Client()
        client.force_login(users[username])
        median, p95, queries, status = measure(client, url)
        print(f"{username:<26}{url:<42}{median:>10.1f}{p95:>10.1f}{queries:>9}{status:>8}")


if __name__ == "__main__":
    main()
