"""Many pixi reports through the real job path and a real Celery worker pool, and the memory of the
processes that serve the portal (issue 13, items 2 and 6), for ``manage.py bench`` (parts ``pool``
and ``memory``).

``pool``: one board pixi per plan of the size (150 at national size) is ordered the way the portal
orders reports (``status_report_request``: a ``StatusReport`` row, then the Celery task by name when
the transaction commits) and processed by ``celery -A portal worker -c 2`` (prefork, two processes)
that the bench starts on the bench database, on a queue of its own, with ``DEBUG`` off. The clock
runs from the first order until every report is done. Baseline in the same run: bare WeasyPrint of
the same final HTMLs (the finished reports' HTML with the stylesheet written in) in a pool of two
processes (``multiprocessing``, started and warmed before the clock, as the workers are). The
workers' resident memory (``VmRSS``) is read from ``/proc`` after a warm-up of eight reports per
process, then five times a second until 150 reports are done (the issue's "after 150 reports"; a size
with fewer plans goes on, untimed, with the same plans' pixi of earlier quarters until 150 are done,
because growth over a handful of reports is the allocator's arena size, not a trend). The row shows
the RSS after the warm-up, halfway and at the end, and the growth per report as the least-squares
slope over all the readings.

``memory``: the web process. gunicorn (as in the Dockerfile, one sync worker) is started on the
bench database and serves the bench's pages and API lists as a user who sees everything; its
worker's ``VmRSS`` is read after them.

Nothing is left queued: a report that did not finish within the time limit is marked failed, the
bench's queue is purged, and the processes are stopped (by their ids) before the bench database is
dropped. Both parts need PostgreSQL (a separate process cannot see an in-memory SQLite database)
and committed data; ``pool`` also needs a reachable broker (``REDIS_URL``). Without them they print
a row saying why instead of measuring.
"""

import contextlib
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from common.periods import Quarter
from portal.celery import worker_command

from .pixi import PERIOD

ROOT = Path(__file__).resolve().parent.parent
POOL_PROCESSES = 2
POOL_GOAL_SECONDS_PER_150 = 60.0  # issue 13: 150 pixi reports, 2 workers, < 60 s
WORKER_RSS_GOAL_MB = 250
WEB_RSS_GOAL_MB = 200
# "No growth per report": after the warm-up, a worker process may grow by less than this per report
# (allocator noise and Django's per-process caches filling; a leak of a rendered document is ~1 MB).
GROWTH_GOAL_KB_PER_REPORT = 64
# Before the clock: each process renders this many reports first (imports, fonts, templates, the
# allocator's arenas; a worker's RSS levels off after 5–8 pixi, measured).
WARM_UP_PER_PROCESS = 8
# The worker memory goal holds "after 150 reports" at every size.
MEMORY_REPORTS = 150


# --- processes ---------------------------------------------------------------------------------------


def rss_kb(pid: int) -> int | None:
    """Resident set size of ``pid`` in KB (``VmRSS`` in /proc/<pid>/status); None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (from /proc/*/stat)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        # "pid (comm) state ppid ...": comm may contain spaces, so split after its closing parenthesis.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def database_url() -> str:
    """The bench database (the one this process uses now) as a DATABASE_URL for a subprocess."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of a portal process on the bench database: DEBUG off (no query log)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    }


def unavailable(*, broker: bool) -> str | None:
    """Why a separate process cannot take part here, or None."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (a separate process cannot see this database)"
    if connection.in_atomic_block:
        return "runs inside a transaction (a separate process cannot see its data)"
    if not sys.platform.startswith("linux"):
        return "reads memory from /proc (Linux only)"
    if broker:
        if not settings.REDIS_URL:
            return "REDIS_URL is not set: no broker for a worker pool"
        from portal.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # kombu raises many kinds; all mean "no broker"
            return f"broker {settings.REDIS_URL} unreachable ({exc.__class__.__name__})"
    return None


def stop(process: subprocess.Popen, children: list[int], *, timeout: float = 30) -> None:
    """Stop a process this bench started (SIGTERM: a warm shutdown), then by force; its children too."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for pid in children:  # a killed parent may leave its pool processes behind
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class WorkerPool:
    """``celery -A portal worker -c <processes>`` (prefork) on the bench database, consuming a queue of
    its own; this process publishes to that queue while the pool is open."""

    def __init__(self, processes: int = POOL_PROCESSES):
        self.processes = processes
        self.queue = f"portal-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.hostname = f"{self.queue}@localhost"
        self.log_path = ROOT / "var" / f"bench-worker-{os.getpid()}.log"
        self.process: subprocess.Popen | None = None
        self._children: list[int] = []

    def __enter__(self) -> "WorkerPool":
        from portal.celery import app

        self.log_path.parent.mkdir(exist_ok=True)
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            worker_command(self.queue, pool="prefork", concurrency=self.processes, loglevel="WARNING"),
            cwd=ROOT,
            env=subprocess_env(REDIS_URL=settings.REDIS_URL),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._conf = (app.conf.task_always_eager, app.conf.task_default_queue)
        app.conf.task_always_eager, app.conf.task_default_queue = False, self.queue
        try:
            deadline = time.monotonic() + 90
            while not app.control.ping(destination=[self.hostname], timeout=1):
                if self.process.poll() is not None:
                    raise RuntimeError(f"the Celery worker exited with {self.process.returncode}; see {self.log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the Celery worker did not answer within 90 s; see {self.log_path}")
            self._children = self.children()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def children(self) -> list[int]:
        return child_pids(self.process.pid) if self.process else []

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def purge(self) -> None:
        """Drop the queue and whatever is still waiting on it."""
        from kombu import Exchange, Queue

        from portal.celery import app

        # Celery's queue as the worker declared it (an exchange of the same name), so that deleting it
        # also removes its binding from the broker. The broker may be gone: nothing to delete then.
        with contextlib.suppress(Exception), app.connection_for_write() as conn:
            queue = Queue(self.queue, Exchange(self.queue), routing_key=self.queue)(conn.default_channel)
            queue.declare()
            queue.delete()

    def __exit__(self, *exc) -> None:
        from portal.celery import app

        app.conf.task_always_eager, app.conf.task_default_queue = self._conf
        if self.process is not None:
            stop(self.process, self._children or self.children())
        self.purge()
        self._log.close()


# --- the bare baseline: WeasyPrint alone in a pool of processes ---------------------------------------


def _bare_warm() -> None:
    """Each baseline process imports WeasyPrint and lays out a page once before the clock starts."""
    from weasyprint import HTML

    HTML(string="<p>varm</p>").write_pdf()


def _bare_pdf(html: str) -> int:
    from weasyprint import HTML

    return len(HTML(string=html).write_pdf())


def bare_pool_seconds(htmls: list[str], processes: int = POOL_PROCESSES) -> float:
    """Seconds for ``processes`` fresh processes (spawned, warmed) to write the PDFs of ``htmls``."""
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(_bare_warm_task, range(processes * 2), chunksize=1)
        start = time.perf_counter()
        pool.map(_bare_pdf, htmls, chunksize=1)
        return time.perf_counter() - start


def _bare_warm_task(_index: int) -> None:
    _bare_warm()


# --- pool: one pixi per plan through a real worker pool ----------------------------------------------


def _order(plans, period: str) -> list[int]:
    from governance.reports.models import StatusReport
    from governance.reports.services import status_report_request

    ids = []
    for plan in plans:
        report = status_report_request(
            plan=plan, period=period, kind=StatusReport.Kind.PIXI, via=StatusReport.Via.COMMAND
        )
        ids.append(report.pk)
    return ids


def _order_earlier_quarters(plans, count: int) -> list[int]:
    """``count`` more pixi orders: each plan's pixi of the quarter before ``PERIOD``, then the one before."""
    quarter, ids = Quarter.parse(PERIOD), []
    for index in range(count):
        if index % len(plans) == 0:
            quarter = quarter.previous()
        ids += _order([plans[index % len(plans)]], quarter.code)
    return ids


def _time_limit(reports: int) -> float:
    """Seconds to wait for ``reports``: ~10× the goal per report, so a slow machine finishes and a stuck
    pool is reported."""
    return 120 + 4 * reports


def _wait(pool: WorkerPool, ids: list[int], timeout: float, on_progress=None) -> tuple[float, bool]:
    """Seconds until none of ``ids`` is queued or running; (seconds, finished in time and pool alive).
    ``on_progress(finished)`` is called at every look (five a second) with how many are finished."""
    from governance.reports.models import StatusReport

    start = time.perf_counter()
    while True:
        active = StatusReport.objects.filter(pk__in=ids, state__in=StatusReport.ACTIVE_STATES).count()
        if on_progress is not None:
            on_progress(len(ids) - active)
        if not active:
            return time.perf_counter() - start, True
        if not pool.alive() or time.perf_counter() - start > timeout:
            return time.perf_counter() - start, False
        time.sleep(0.2)


def _leave_nothing_queued(ids: list[int], reason: str) -> int:
    """Mark what did not finish failed (the bench's world leaves nothing for a worker); returns how many."""
    from common import jobs
    from governance.reports.models import StatusReport

    left = list(
        StatusReport.objects.filter(pk__in=ids, state__in=StatusReport.ACTIVE_STATES).values_list("pk", flat=True)
    )
    for pk in left:
        jobs.mark_failed(StatusReport, pk, error=reason)
    return len(left)


def _slope(xs: list[int], ys: list[int]) -> float:
    """Least-squares slope of ys over xs; 0 when xs has fewer than two distinct values."""
    if len(set(xs)) < 2:
        return 0.0
    return statistics.linear_regression(xs, ys).slope


def _mb(kb: int) -> float:
    return kb / 1024


def measure_pool(size: str, plans: list, row_class) -> list:
    """Rows: one pixi per plan of ``plans`` through a real 2-process worker pool vs bare WeasyPrint of the
    same HTMLs in 2 processes; the worker processes' memory after a warm-up and after all the reports."""
    from governance.reports.content import render_report_html, standalone_html
    from governance.reports.models import StatusReport

    count = len(plans)
    what = f"{count} pixi reports, {POOL_PROCESSES} workers"
    goal_seconds = POOL_GOAL_SECONDS_PER_150 * count / 150
    goal = f"<{goal_seconds:.0f} s" + ("" if count == 150 else f" ({POOL_GOAL_SECONDS_PER_150:.0f} s per 150)")
    if reason := unavailable(broker=True):
        return [row_class(size, what, f"not run: {reason}", "–", "–", goal, "–")]
    timeout = _time_limit(count)
    with WorkerPool() as pool:
        # Warm-up: every worker process has rendered (imports, fonts, templates) before the clock runs.
        warm_ids = _order_earlier_quarters(plans, WARM_UP_PER_PROCESS * POOL_PROCESSES)
        warm_seconds, warm_ok = _wait(pool, warm_ids, timeout)
        if not warm_ok:
            _leave_nothing_queued(warm_ids, "bench: warm-up did not finish")
            return [
                row_class(
                    size,
                    what,
                    f"FAILED: the warm-up did not finish in {warm_seconds:.0f} s (see {pool.log_path})",
                    "–",
                    "–",
                    goal,
                    "FAIL",
                )
            ]
        children = pool.children()
        # (reports finished after the warm-up, {worker pid: RSS in KB}) at every look.
        samples: list[tuple[int, dict[int, int]]] = []

        def sample(finished: int) -> None:
            samples.append((finished, {pid: rss_kb(pid) or 0 for pid in children}))

        sample(0)
        start = time.perf_counter()
        ids = _order(plans, PERIOD)
        _seconds, finished = _wait(pool, ids, timeout, on_progress=sample)
        seconds = time.perf_counter() - start
        alive = pool.alive()
        if not finished:
            left = _leave_nothing_queued(ids, "bench: the worker pool did not finish in time")
        more_ids, more_finished = [], True
        if finished and count < MEMORY_REPORTS:  # untimed: the memory goal is "after 150 reports"
            more_ids = _order_earlier_quarters(plans, MEMORY_REPORTS - count)
            _more_seconds, more_finished = _wait(
                pool, more_ids, _time_limit(len(more_ids)), on_progress=lambda finished: sample(count + finished)
            )
            if not more_finished:
                _leave_nothing_queued(more_ids, "bench: the worker pool did not finish in time")
    reports = list(StatusReport.objects.filter(pk__in=ids).order_by("pk"))
    done = [r for r in reports if r.state == StatusReport.State.DONE]
    failed = [r for r in reports if r.state == StatusReport.State.FAILED]
    pages = [r.page_count for r in done]
    htmls = [standalone_html(render_report_html(report=r, snapshot=r.snapshot)) for r in done]
    bare = bare_pool_seconds(htmls) if htmls else 0.0
    rows = []
    if not finished or len(done) < count:
        cause = (
            f"worker pool died (exit {pool.process.returncode})"
            if not alive
            else f"timeout after {seconds:.0f} s: {left} unfinished"
            if not finished
            else f"{len(failed)} failed: {(failed[0].last_error.splitlines() or [''])[-1][:80]}"
        )
        measured = f"FAILED: {len(done)} of {count} done; {cause} (see {pool.log_path})"
        rows.append(row_class(size, what, measured, f"WeasyPrint {bare:.1f} s ({len(done)})", "–", goal, "FAIL"))
    else:
        ratio = seconds / bare
        rows.append(
            row_class(
                size,
                what,
                f"{seconds:.1f} s ({seconds / count:.2f} s each, {min(pages)}–{max(pages)} pages)",
                f"WeasyPrint ×{POOL_PROCESSES} processes {bare:.1f} s",
                f"{ratio:.2f}",
                goal,
                "PASS" if seconds < goal_seconds else "FAIL",
            )
        )
    processed = samples[-1][0]
    warm_rss, after_rss = samples[0][1], samples[-1][1]
    halfway_rss = next(rss for finished, rss in samples if finished >= processed / 2)
    largest = max(after_rss.values(), default=0)
    # Growth per report: the least-squares slope of the processes' summed RSS over every look after the
    # warm-up. One RSS reading jumps and falls by megabytes as the allocator takes and returns arenas;
    # a difference of two readings over 150 reports turns one such jump into a "leak" or hides one.
    per_report_kb = _slope([finished for finished, _rss in samples], [sum(rss.values()) for _f, rss in samples])
    memory_ok = (
        bool(children)
        and finished
        and more_finished
        and largest < WORKER_RSS_GOAL_MB * 1024
        and per_report_kb < GROWTH_GOAL_KB_PER_REPORT
    )

    def mb(rss: dict) -> str:
        return " / ".join(f"{_mb(kb):.0f}" for kb in rss.values())

    rows.append(
        row_class(
            size,
            f"worker RSS after {processed} reports ({len(children)} processes)",
            f"{mb(after_rss)} MB; after warm-up {mb(warm_rss)}, halfway {mb(halfway_rss)}; "
            f"{per_report_kb:+.0f} KB/report (slope over {len(samples)} readings)",
            "–",
            "–",
            f"<{WORKER_RSS_GOAL_MB} MB, <{GROWTH_GOAL_KB_PER_REPORT} KB/report",
            "PASS" if memory_ok else "FAIL",
        )
    )
    return rows


# --- memory: the web process -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_web_memory(size: str, urls: list[str], session_key: str, repeats: int, row_class) -> list:
    """gunicorn (one sync worker, as deployed) serves ``urls`` ``repeats`` times each for a logged-in
    user; the worker's VmRSS after start and after the requests."""
    what = "web process RSS (gunicorn worker)"
    goal = f"<{WEB_RSS_GOAL_MB} MB"
    if reason := unavailable(broker=False):
        return [row_class(size, what, f"not run: {reason}", "–", "–", goal, "–")]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        return [row_class(size, what, "not run: gunicorn is not installed", "–", "–", goal, "–")]
    port = _free_port()
    log_path = ROOT / "var" / f"bench-web-{os.getpid()}.log"
    log_path.parent.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    statuses: dict[int, int] = {}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=subprocess_env(API_THROTTLE_RATE="100000/second"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        children: list[int] = []
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=5).read()  # noqa: S310
                    break
                except urllib.error.HTTPError:  # it answers: up (the page itself is not measured)
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        return [
                            row_class(
                                size, what, f"FAILED: gunicorn did not start (see {log_path})", "–", "–", goal, "FAIL"
                            )
                        ]
                    time.sleep(0.3)
            children = child_pids(process.pid)
            idle = {pid: rss_kb(pid) or 0 for pid in children}
            latencies = []
            for _ in range(repeats):
                for url in urls:
                    request = urllib.request.Request(base + url, headers={"Cookie": cookie})  # noqa: S310
                    started = time.perf_counter()
                    try:
                        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                            response.read()
                            status = response.status
                    except urllib.error.HTTPError as exc:
                        status = exc.code
                    latencies.append(time.perf_counter() - started)
                    statuses[status] = statuses.get(status, 0) + 1
            after = {pid: rss_kb(pid) or 0 for pid in children}
        finally:
            stop(process, children)
    largest = max(after.values(), default=0)
    ok = statuses.get(200, 0) == len(urls) * repeats
    served = ", ".join(f"{n}× {status}" for status, n in sorted(statuses.items()))
    return [
        row_class(
            size,
            what,
            f"{_mb(largest):.0f} MB after {len(urls) * repeats} requests ({served}); "
            f"idle {_mb(max(idle.values(), default=0)):.0f} MB",
            f"p50 {statistics.median(latencies) * 1000:.0f} ms",
            "–",
            goal,
            "PASS" if ok and children and largest < WEB_RSS_GOAL_MB * 1024 else "FAIL",
        )
    ]


# --- the hook for bench/run.py ------------------------------------------------------------------------


def run_parts(size: str, parts: set[str], *, plans: list, plan, user, repeats: int, row_class) -> list:
    """The rows of the parts ``pool`` and ``memory`` for one size (``plans``: the size's plans, ``plan``:
    the one whose pages are read, ``user``: who sees everything)."""
    from django.test import Client

    from .run import api_list_routes

    rows = []
    if "pool" in parts:
        rows += measure_pool(size, plans, row_class)
    if "memory" in parts:
        client = Client()
        client.force_login(user)
        urls = [
            "/overblik/",
            "/mit-sekretariat/",
            "/medfinansiering/",
            f"/planer/{plan.pk}/",
            f"/planer/{plan.pk}/maal/",
            *(f"/api/v1/{prefix}/?cursor=" for prefix in api_list_routes()),
        ]
        rows += measure_web_memory(size, urls, client.session.session_key, max(1, min(repeats, 5)), row_class)
    return rows
