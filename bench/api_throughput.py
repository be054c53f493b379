"""API throughput through gunicorn on loopback, next to a bare Django JSON view on the same server.

    .venv/bin/python bench/api_throughput.py [--requests 200] [--bulk-size 500] [--bulk-requests 5]
                                             [--bulk-target measurements|interventions]
                                             [--workers 1] [--database-url URL]

It builds a throw-away database (a temporary SQLite file unless --database-url is given; that
database is migrated and seeded, so give it an empty one), seeds the demo world, issues an API
token for demo-boligorg with ``issue_api_token`` and starts gunicorn on 127.0.0.1 with
``bench.settings`` (throttle off). Then, one request at a time over one keep-alive connection:

- list: GET /api/v1/interventions/ (token auth, access scope, filters, pagination, serializer)
  against GET /bench/bare/interventions/ (the same 50 rows as ``.values()`` → JsonResponse);
- bulk create: POST /api/v1/measurements/ with a list of --bulk-size draft measurements
  (token auth, scope and EDIT_CONTENT checks, serializer validation, the bulk service's
  full_clean per item and duplicate check, history rows, Idempotency-Key) against a bare view
  doing one ``bulk_create``. The measurements go to a quarterly indicator with a breakdown that
  the setup creates for the benchmark (``--bulk-target interventions`` measures interventions
  instead, as before).

It prints requests/s (list) and items/s (bulk) for both and their ratio. Numbers are for
comparison on one machine, not a pass/fail test.
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def request(conn, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
    payload = json.dumps(body).encode() if body is not None else None
    all_headers = {"Accept": "application/json", **(headers or {})}
    if payload is not None:
        all_headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=all_headers)
    response = conn.getresponse()
    return response.status, response.read()


def timed(count: int, call) -> float:
    start = time.perf_counter()
    for i in range(count):
        call(i)
    return time.perf_counter() - start


def bench(port: int, key: str, args, sub_agreements: list[int], partner: int, indicator: int) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    auth = {"Authorization": f"Token {key}"}

    def check(expected: int, result: tuple[int, bytes]) -> None:
        if result[0] != expected:
            raise RuntimeError(f"expected {expected}, got {result[0]}: {result[1][:300]!r}")

    for path in ("/api/v1/interventions/", "/bench/bare/interventions/"):  # warm up
        check(200, request(conn, "GET", path, headers=auth))

    api_list = timed(args.requests, lambda i: check(200, request(conn, "GET", "/api/v1/interventions/", headers=auth)))
    bare_list = timed(args.requests, lambda i: check(200, request(conn, "GET", "/bench/bare/interventions/")))

    def intervention_items(tag: str) -> list[dict]:
        return [
            {
                "sub_agreement": sub_agreements[n % len(sub_agreements)],
                "name": f"Bench {tag} {n}",
                "responsible_partner": partner,
                "status": "planned",
            }
            for n in range(args.bulk_size)
        ]

    def measurement_items(tag: str) -> list[dict]:
        # One indicator, one quarter, a new breakdown value per item: every item is a new measurement.
        return [
            {"indicator": indicator, "period": "2025-Q2", "value": f"{n % 100}.5", "breakdown_value": f"{tag} {n}"}
            for n in range(args.bulk_size)
        ]

    if args.bulk_target == "measurements":
        items, api_path, bare_path = measurement_items, "/api/v1/measurements/", "/bench/bare/measurements/create/"
    else:
        items, api_path, bare_path = intervention_items, "/api/v1/interventions/", "/bench/bare/interventions/create/"

    def api_bulk(i: int) -> None:
        headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
        check(201, request(conn, "POST", api_path, items(f"api-{uuid.uuid4().hex[:8]}"), headers))

    def bare_bulk(i: int) -> None:
        check(201, request(conn, "POST", bare_path, items(f"bare-{uuid.uuid4().hex[:8]}")))

    api_create = timed(args.bulk_requests, api_bulk)
    bare_create = timed(args.bulk_requests, bare_bulk)
    conn.close()

    created = args.bulk_requests * args.bulk_size
    rows = [
        ("list (requests/s, 50 rows/page)", args.requests / api_list, args.requests / bare_list),
        (f"bulk {args.bulk_target} (items/s, {args.bulk_size}/req)", created / api_create, created / bare_create),
    ]
    print(f"{'':40} {'API':>12} {'bare Django':>12} {'API/bare':>9}")
    for label, api_rate, bare_rate in rows:
        print(f"{label:40} {api_rate:12.1f} {bare_rate:12.1f} {api_rate / bare_rate:9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="list requests per side (default 200)")
    parser.add_argument("--bulk-size", type=int, default=500, help="items per bulk request (max 5000)")
    parser.add_argument("--bulk-requests", type=int, default=5, help="bulk requests per side (default 5)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (default 1)")
    parser.add_argument(
        "--bulk-target",
        choices=["measurements", "interventions"],
        default="measurements",
        help="what the bulk-create round creates (default measurements)",
    )
    parser.add_argument("--database-url", default="", help="an EMPTY database to use instead of a temp SQLite")
    args = parser.parse_args()
    if not (1 <= args.requests <= 10_000 and 1 <= args.bulk_size <= 5000 and 1 <= args.bulk_requests <= 100):
        parser.error("keep the run bounded: --requests ≤ 10000, --bulk-size ≤ 5000, --bulk-requests ≤ 100")

    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        DEBUG="0",
        PYTHONPATH=str(ROOT),
    )
    server = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--force")
        key = manage(env, "issue_api_token", "demo-boligorg", "--name", "benchmark").strip().splitlines()[-1]
        ids = json.loads(
            manage(
                env,
                "shell",
                "-c",
                "import json, datetime; from plans.models import Plan; "
                "from monitoring.models import Goal; from monitoring.services import indicator_create; "
                "p = Plan.objects.get(name='Helhedsplan Søndermarken'); "
                "g = Goal.objects.filter(plan=p, level='strategic').order_by('pk').first(); "
                "i = indicator_create(goal=g, name='Benchmark: deltagere pr. opgang', unit='antal', "
                "direction='higher', data_source='housing_org', frequency='quarterly', baseline_value=0, "
                "baseline_date=datetime.date(2024, 1, 1), breakdown_dimension='Opgang'); "
                "print(json.dumps([list(p.sub_agreements.values_list('pk', flat=True)), "
                "p.housing_organisations.order_by('pk').first().pk, i.pk]))",
            )
            .strip()
            .splitlines()[-1]
        )
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        wait_for(port)
        database = env["DATABASE_URL"].split(":")[0]
        print(f"gunicorn on {HOST}:{port}, {args.workers} worker(s), database {database}")
        bench(port, key, args, ids[0], ids[1], ids[2])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
