"""Create the PostgreSQL database named in DATABASE_URL when it is missing (used by scripts/setup.sh).

Runs before any ``manage.py`` call, because Django's system checks already connect to that
database. Idempotent: prints ``created`` the first time and ``exists`` afterwards. SQLite (the
default) needs nothing and is left alone. Only psycopg is needed, no ``psql``/``createdb``.
"""

import os
import sys

import dj_database_url
from check_services import server_params  # a sibling script: python puts scripts/ on the path


def ensure_database(url: str) -> str:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return f"database: {config['ENGINE'].rsplit('.', 1)[-1]} (nothing to create)"
    import psycopg
    from psycopg import sql

    name = config["NAME"]
    params = server_params(config)
    # CREATE DATABASE cannot run inside a transaction block, hence autocommit.
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return f"database {name}: exists"
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:  # created meanwhile by a parallel set-up
            return f"database {name}: exists"
        except psycopg.errors.InsufficientPrivilege as exc:
            raise SystemExit(
                f"database {name} does not exist and role {params['user']} may not create it; run as a "
                f'superuser: CREATE DATABASE "{name}" OWNER "{params["user"]}";  ({exc.diag.message_primary})'
            ) from None
    return f"database {name}: created"


def main() -> int:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return 0
    try:
        print(ensure_database(url))
    except SystemExit:
        raise
    except Exception as exc:  # unreachable server, bad credentials: one clear line, then stop
        print(f"cannot prepare the database in DATABASE_URL={url}: {exc}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
