"""Benchmark pixi report generation on national-scale data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/reports.py
    .venv/bin/python bench/reports.py                 # SQLite file var/bench.sqlite3
    BENCH_REPORTS=50 BENCH_KIND=full .venv/bin/python bench/reports.py

Builds a fresh database (bench/national_data.py), then generates a pixi report (or BENCH_KIND) for
N plans through the same service the Celery job calls, and prints seconds per report and in total,
next to the time WeasyPrint alone takes to turn the same HTML into a PDF. Files go to a temporary
MEDIA_ROOT that is removed afterwards.
"""

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.pop("REDIS_URL", None)  # in-process: we time the work, not the broker

warnings.filterwarnings("ignore", "No directory at")
REPORTS = int(os.environ.get("BENCH_REPORTS", "20"))
KIND = os.environ.get("BENCH_KIND", "pixi")
PERIOD = os.environ.get("BENCH_PERIOD", "2026-Q2")


def _summary(label: str, seconds: list[float]) -> str:
    return (
        f"{label:<34}{statistics.mean(seconds):>9.3f}{statistics.median(seconds):>9.3f}"
        f"{max(seconds):>9.3f}{sum(seconds):>10.2f}"
    )


def main() -> None:
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)
    from django.conf import settings

    from bench.dashboards import fresh_database
    from bench.national_data import generate_plans
    from governance.reports.content import build_report_snapshot, render_report_html, render_report_pdf
    from governance.reports.models import StatusReport
    from governance.reports.services import status_report_generate

    fresh_database()
    start = time.perf_counter()
    world = generate_plans()
    print(f"generated {len(world['plans'])} plans in {time.perf_counter() - start:.1f} s")
    plans = world["plans"][:REPORTS]

    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        end_to_end, snapshot_times, html_times, weasy_times, pages = [], [], [], [], []
        total_start = time.perf_counter()
        for plan in plans:
            report = StatusReport.objects.create(
                plan=plan, period=PERIOD, kind=KIND, version=1, requested_via=StatusReport.Via.COMMAND
            )
            start = time.perf_counter()
            report = status_report_generate(report_id=report.pk)
            end_to_end.append(time.perf_counter() - start)
            assert report.state == StatusReport.State.DONE, report.last_error
            pages.append(report.page_count)
        total = time.perf_counter() - total_start
        # The same work in parts: data, HTML, and WeasyPrint alone on the same HTML.
        for plan in plans:
            report = StatusReport.objects.get(plan=plan, period=PERIOD, kind=KIND, version=1)
            start = time.perf_counter()
            snapshot = build_report_snapshot(plan=plan, period=PERIOD, kind=KIND)
            snapshot_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            html = render_report_html(report=report, snapshot=snapshot)
            html_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_report_pdf(html)
            weasy_times.append(time.perf_counter() - start)

    print(f"{len(plans)} {KIND} reports for {PERIOD}, pages per report: {min(pages)}–{max(pages)}")
    print(f"{'seconds':<34}{'mean':>9}{'median':>9}{'max':>9}{'total':>10}")
    print(_summary("per report (end to end)", end_to_end))
    print(_summary("  snapshot (database)", snapshot_times))
    print(_summary("  HTML (templates)", html_times))
    print(_summary("  WeasyPrint alone (same HTML)", weasy_times))
    print(f"total wall time for {len(plans)} reports: {total:.2f} s")


if __name__ == "__main__":
    main()
