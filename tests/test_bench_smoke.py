"""`manage.py bench` runs at the smallest size and prints its table (a smoke test: no timing is asserted;
benchmarks are read, not tested — docs/performance.md)."""

import io
import re

import pytest
from django.core.management import call_command

from bench import national_data


def test_bench_builds_the_small_world_and_prints_the_table(db, tmp_path):
    out, table = io.StringIO(), tmp_path / "table.md"
    call_command(
        "bench",
        "--size",
        "10",
        "--in-place",
        "--repeats",
        "1",
        "--only",
        "pages,api,ingest",
        "--output",
        table,
        stdout=out,
    )
    text = out.getvalue()
    # The file holds the printed table with the load before and after the run, as printed.
    written = table.read_text(encoding="utf-8")
    printed = text.splitlines()
    assert written.splitlines()[0] == printed[0] and printed[0].startswith("machine: ")
    assert written.splitlines()[-1] == next(line for line in printed if line.startswith("load average after:"))
    assert [line for line in written.splitlines() if line.startswith("| ")] == [
        line for line in printed if line.startswith("| ")
    ]
    assert "[small] built 15 plans" in text
    assert "| size | what | measured | baseline | ratio | goal |" in text
    for row in ("page /overblik/", "page målstyring", "API GET measurements", "API POST measurements", "XLSX import"):
        assert f"| small | {row}" in text
    assert "PASS" in text or "FAIL" in text
    # Nothing is left for a worker: every report of the bench world is finished.
    from governance.models import StatusReport

    assert not StatusReport.objects.filter(plan__name__startswith="Benchplan").exclude(state="done").exists()


def test_the_bare_baseline_serves_the_api_lists_rows_to_the_same_reader(demo, settings, client):
    """The API list ratio compares like with like: the bare view answers the first cursor page of
    every list with the very rows the API gives a user who sees everything, and only to a reader
    who is signed in."""
    from django.contrib.auth import get_user_model

    from bench.run import api_list_routes

    settings.ROOT_URLCONF = "bench.urls"
    assert client.get("/bench/bare/plans/").status_code == 401
    client.force_login(get_user_model().objects.create_superuser("bench-sammenligning", "b@example.invalid", None))
    compared = {}
    for prefix in api_list_routes():
        api = client.get(f"/api/v1/{prefix}/?cursor=")
        bare = client.get(f"/bench/bare/{prefix}/")
        assert api.status_code == bare.status_code == 200, prefix
        assert bare.json()["results"] == api.json()["results"], prefix
        compared[prefix] = len(api.json()["results"])
    assert [prefix for prefix, count in compared.items() if not count] == ["reports"]  # the demo has no reports


def test_sizes_accept_names_and_percentages():
    from portal.management.commands.bench import parse_sizes

    assert parse_sizes(["10,50%", "national"]) == ["small", "medium", "national"]
    assert national_data.scaled(national_data.PLANS, national_data.SIZES["small"]) == 15
    with pytest.raises(Exception, match="Unknown size"):
        parse_sizes(["huge"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_bench_runs_one_pixi_per_plan_through_a_real_worker_pool_at_the_smallest_size(settings, monkeypatch):
    """The parts ``pool`` and ``memory`` start a real 2-process Celery worker and gunicorn on the
    database (committed data: a transactional test), so they need PostgreSQL and Redis as CI has them."""
    import os

    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs REDIS_URL for the worker pool")
        pytest.skip("REDIS_URL is not set: no broker for a worker pool")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("a separate worker process cannot share an in-memory SQLite test database")
    import bench.pixi_pool

    # The memory row goes on past the 15 timed reports with earlier quarters (150 in a real run; 20 here).
    monkeypatch.setattr(bench.pixi_pool, "MEMORY_REPORTS", 20)
    out = io.StringIO()
    call_command("bench", "--size", "10", "--in-place", "--repeats", "1", "--only", "pool,memory", stdout=out)
    text = out.getvalue()
    rows = {line.split(" | ")[1]: line for line in text.splitlines() if line.startswith("| small | ")}
    pool = rows["15 pixi reports, 2 workers"]
    assert "WeasyPrint ×2 processes" in pool and "FAILED" not in pool and "not run" not in pool, pool
    memory = rows["worker RSS after 20 reports (2 processes)"]
    assert "KB/report (slope over" in memory, memory
    web = next(line for what, line in rows.items() if what.startswith("web process RSS"))
    served = re.search(r"after (\d+) requests \((\d+)× 200\)", web)  # every page and API list answered 200
    assert served and served.group(1) == served.group(2), web
    # Nothing is left for a worker, and the bench's processes are gone.
    from governance.models import StatusReport

    assert not StatusReport.objects.exclude(state__in=["done", "failed"]).exists()
    assert not StatusReport.objects.filter(state="failed").exists()
