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
    "'tz': settings.TIME_ZONE, 'axes_limit': settings.AXES_FAILURE_LIMIT, "
    "'axes_cooloff_s': settings.AXES_COOLOFF_TIME.total_seconds()}))"
)
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PORTAL_ENV"}
}


STRONG_KEY = "k" * 30 + "Zx9!" * 10  # 70 characters, 5 distinct


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
    with_debug = run_settings(PORTAL_ENV="production", SECRET_KEY=STRONG_KEY, DEBUG="1")
    assert with_debug.returncode != 0
    assert "DEBUG" in with_debug.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        "Zx9!-" * 9 + "Zx9!",  # 49 characters
        "ab" * 40,  # 80 characters, 2 distinct
        "django-insecure-" + "Zx9!-q" * 10,  # Django's generated development key
    ],
)
def test_production_refuses_a_weak_secret_key(weak_key):
    result = run_settings(PORTAL_ENV="production", SECRET_KEY=weak_key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_accepts_a_strong_secret_key_and_development_any_key():
    assert settings_with(PORTAL_ENV="production", SECRET_KEY=STRONG_KEY)["debug"] is False
    assert settings_with(SECRET_KEY="kort")["debug"] is False


def test_login_throttling_limits_come_from_the_environment():
    s = settings_with()
    assert (s["axes_limit"], s["axes_cooloff_s"]) == (5, 15 * 60)
    s = settings_with(AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="30")
    assert (s["axes_limit"], s["axes_cooloff_s"]) == (3, 30 * 60)
    assert run_settings(AXES_FAILURE_LIMIT="0").returncode != 0


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **CLEAN_ENV,
            "PORTAL_ENV": "production",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "portal.example.dk",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    # django-axes and django-csp are installed and their checks have nothing to say.
    assert "axes." not in output
    assert "csp." not in output
    assert "security.W" not in output
