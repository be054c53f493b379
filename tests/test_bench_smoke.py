"""`manage.py bench` runs at the smallest size and prints its table (a smoke test: no timing is asserted;
benchmarks are read, not tested — docs/performance.md)."""

import io

import pytest
from django.core.management import call_command

from bench import national_data


def test_bench_builds_the_small_world_and_prints_the_table(db):
    out = io.StringIO()
    call_command("bench", "--size", "10", "--in-place", "--repeats", "1", "--only", "pages,api,ingest", stdout=out)
    text = out.getvalue()
    assert "[small] built 15 plans" in text
    assert "| size | what | measured | baseline | ratio | goal |" in text
    for row in ("page /overblik/", "page målstyring", "API GET measurements", "API POST measurements", "XLSX import"):
        assert f"| small | {row}" in text
    assert "PASS" in text or "FAIL" in text
    # Nothing is left for a worker: every report of the bench world is finished.
    from governance.models import StatusReport

    assert not StatusReport.objects.filter(plan__name__startswith="Benchplan").exclude(state="done").exists()


def test_sizes_accept_names_and_percentages():
    from portal.management.commands.bench import parse_sizes

    assert parse_sizes(["10,50%", "national"]) == ["small", "medium", "national"]
    assert national_data.scaled(national_data.PLANS, national_data.SIZES["small"]) == 15
    with pytest.raises(Exception, match="Unknown size"):
        parse_sizes(["huge"])
