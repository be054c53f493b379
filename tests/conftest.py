import importlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.demo import DEMO_USERS
from plans.models import Plan
from tests.demo_rows import DemoRows

PLAN_A1 = "Helhedsplan Vestparken og Nørre Enge"
PLAN_A2 = "Helhedsplan Søndermarken"
PLAN_B = "Helhedsplan Åbæk Øst"
DEMO_PLANS = (PLAN_A1, PLAN_A2, PLAN_B)

# Fixtures of the REST API tests (api, clear_api_throttle) live in their own module.
pytest_plugins = ["tests.api_fixtures"]


DEMO_ROWS = pytest.StashKey["DemoRows | None"]()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The demo world is built once per test session; each test runs in a rolled-back transaction.
    Its rows are copied (on PostgreSQL) to put back after a transactional test's flush."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
        request.config.stash[DEMO_ROWS] = DemoRows.take()


@pytest.fixture(autouse=True)
def _celery_tasks_in_process(request):
    """Tests run Celery tasks in-process, whatever REDIS_URL says; only worker tests (``-m worker``)
    send them to the real broker, where the worker started by ``celery_worker_process`` takes them."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = previous if request.node.get_closest_marker("worker") else True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _no_page_fragment_cache(settings):
    """Cached page fragments are off in tests (CI's REDIS_URL would turn them on, and a rolled-back
    test's writes never bump the data version); tests/test_page_fragments.py turns them on."""
    settings.PAGE_FRAGMENT_CACHE_SECONDS = 0


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _demo_world_in_transactional_tests(request):
    """Transactional tests (live server, real worker) end with a flush that empties every table,
    the migrated thematic-area catalogue included; rebuild both before such a test needs them."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    if not Plan.objects.filter(name=PLAN_A1).exists():
        rows = request.config.stash.get(DEMO_ROWS, None)
        if rows is not None:
            rows.restore()  # the session's demo rows, as seeded (PostgreSQL)
        else:
            from django.apps import apps as django_apps

            catalogue = importlib.import_module("plans.migrations.0002_thematic_area_catalogue")
            catalogue.add_catalogue(django_apps, None)
            call_command("seed_demo", "--force", stdout=io.StringIO())
    yield


class Demo:
    """Handles to the demo world by name."""

    def user(self, username: str):
        return get_user_model().objects.get(username=username)

    def plan(self, name: str) -> Plan:
        return Plan.objects.get(name=name)

    @property
    def usernames(self):
        return list(DEMO_USERS)


@pytest.fixture
def demo(db):
    return Demo()


@pytest.fixture
def login(client, db):
    """Log the test client in as a demo user: ``login('demo-koordinator')``."""

    def _login(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup):
    """A real Celery worker consuming the real Redis broker, on the test database.

    Worker tests are skipped when REDIS_URL is unset (the embedded default runs tasks in-process);
    in CI (CI=true) a worker that does not come up fails the run instead.
    """
    import os
    import subprocess
    import time
    from pathlib import Path

    from django.conf import settings

    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs REDIS_URL for the worker tests")
        pytest.skip("REDIS_URL is not set: no real broker for a worker")
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("a separate worker process cannot share an in-memory SQLite test database")
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    root = Path(__file__).resolve().parent.parent
    # With pytest-xdist every test process starts its own worker; its own queue and worker name make
    # sure a worker never takes a task meant for another process's test database.
    process_name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    queue = f"portal-tests-{process_name}-{os.getpid()}"
    hostname = f"{queue}@localhost"
    log_path = root / "var" / f"celery-test-worker-{process_name}.log"
    log = open(log_path, "w")  # noqa: SIM115
    from portal.celery import worker_command

    process = subprocess.Popen(
        worker_command(queue),
        cwd=root,
        env={**os.environ, "DATABASE_URL": database_url, "REDIS_URL": settings.REDIS_URL},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from portal.celery import app

    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Celery worker exited with {process.returncode}; see {log_path}")
        if app.control.ping(destination=[hostname], timeout=1):
            break
    else:
        process.terminate()
        pytest.fail(f"Celery worker did not answer within 60 s; see {log_path}")
    yield process
    app.conf.task_default_queue = previous_queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def weasyprint_calls(monkeypatch) -> dict[str, int]:
    """How often WeasyPrint laid out a document (``render``) and wrote one (``write_pdf``) during the test."""
    import weasyprint

    calls = {"render": 0, "write_pdf": 0}
    real_render, real_write = weasyprint.HTML.render, weasyprint.document.Document.write_pdf

    def render(self, *args, **kwargs):
        calls["render"] += 1
        return real_render(self, *args, **kwargs)

    def write_pdf(self, *args, **kwargs):
        calls["write_pdf"] += 1
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", render)
    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", write_pdf)
    return calls
