"""scripts/ensure_database.py: a fresh machine's set-up creates the PostgreSQL database it is pointed at.

Run as the set-up runs it (a subprocess with DATABASE_URL), against a database name that has never
existed: the first run creates it, the second finds it. On SQLite there is nothing to create.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ensure_database.py"
SERVER_URL = os.environ.get("DATABASE_URL", "")
on_postgres = pytest.mark.skipif(
    not SERVER_URL.startswith(("postgres://", "postgresql://")),
    reason="needs a PostgreSQL server (DATABASE_URL); CI always has one",
)


def run_script(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def url_with(name: str, user: str | None = None) -> str:
    config = dj_database_url.parse(SERVER_URL)
    who = user or config["USER"] or "postgres"
    return f"postgres://{who}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{name}"


def admin_connection():
    import psycopg

    config = dj_database_url.parse(SERVER_URL)
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def database_exists(name: str) -> bool:
    with admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@on_postgres
def test_creates_a_missing_database_once_then_finds_it():
    name = f"portal_fresh_{secrets.token_hex(4)}"
    assert not database_exists(name)
    try:
        first = run_script(url_with(name))
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == f"database {name}: created"
        assert database_exists(name)

        second = run_script(url_with(name))
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == f"database {name}: exists"
    finally:
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@on_postgres
def test_a_role_that_may_not_create_databases_gets_one_line_saying_what_to_run():
    role = f"portal_nocreate_{secrets.token_hex(4)}"
    name = f"portal_fresh_{secrets.token_hex(4)}"
    with admin_connection() as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        result = run_script(url_with(name, user=role))
        assert result.returncode != 0
        message = result.stderr.strip()
        assert len(message.splitlines()) == 1
        assert f'CREATE DATABASE "{name}" OWNER "{role}";' in message
        assert not database_exists(name)
    finally:
        with admin_connection() as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_sqlite_needs_nothing(tmp_path):
    result = run_script(f"sqlite:///{tmp_path}/never.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "nothing to create" in result.stdout
    assert not (tmp_path / "never.sqlite3").exists()


def test_an_unreachable_server_stops_the_set_up_with_one_line():
    result = run_script("postgres://postgres@127.0.0.1:9/portal_unreachable")
    assert result.returncode == 1
    assert result.stderr.startswith("cannot prepare the database in DATABASE_URL=")
