"""Settings parsed from the environment, and the production guard rails (run in a fresh interpreter)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'host': db.get('HOST'), "
    "'user': db.get('USER'), 'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL, "
    "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, 'lang': settings.LANGUAGE_CODE, "
    "'tz': settings.TIME_ZONE}))"
)
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PORTAL_ENV"}
}


def run_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(**env) -> dict:
    result = run_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_in_the_project_and_celery_in_process():
    s = settings_with()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(ROOT / "db.sqlite3")
    assert s["eager"] is True
    assert s["debug"] is False
    assert (s["lang"], s["tz"]) == ("da", "Europe/Copenhagen")


def test_database_url_forms():
    s = settings_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal")
    assert (s["engine"], s["name"], s["host"], s["user"]) == (
        "django.db.backends.postgresql",
        "portal",
        "127.0.0.1",
        "postgres",
    )
    s = settings_with(DATABASE_URL="sqlite:////tmp/andet.sqlite3")
    assert (s["engine"], s["name"]) == ("django.db.backends.sqlite3", "/tmp/andet.sqlite3")


def test_redis_url_switches_celery_to_the_real_broker():
    s = settings_with(REDIS_URL="redis://127.0.0.1:6379/0")
    assert s["eager"] is False
    assert s["broker"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("0", False), ("false", False)])
def test_debug_and_allowed_hosts(value, expected):
    s = settings_with(DEBUG=value, ALLOWED_HOSTS="portal.example.dk, localhost")
    assert s["debug"] is expected
    assert s["hosts"] == ["portal.example.dk", "localhost"]


def test_nonsense_debug_value_is_refused():
    assert run_settings(DEBUG="kanske").returncode != 0


def test_production_refuses_without_secret_key_or_with_debug():
    missing_key = run_settings(PORTAL_ENV="production")
    assert missing_key.returncode != 0
    assert "SECRET_KEY" in missing_key.stderr
    with_debug = run_settings(PORTAL_ENV="production", SECRET_KEY="x" * 60, DEBUG="1")
    assert with_debug.returncode != 0
    assert "DEBUG" in with_debug.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **CLEAN_ENV,
            "PORTAL_ENV": "production",
            "SECRET_KEY": "k" * 30 + "Zx9!" * 10,
            "ALLOWED_HOSTS": "portal.example.dk",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
