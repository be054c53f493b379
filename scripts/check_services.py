"""Fail loudly when the configured PostgreSQL or Redis cannot be reached (used by scripts/test.sh)."""

import os
import sys

import dj_database_url


def server_params(config: dict) -> dict:
    """psycopg connection arguments for the server in a parsed DATABASE_URL (its maintenance database
    is chosen by the caller); shared with scripts/ensure_database.py."""
    return {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
        "connect_timeout": 5,
    }


def check_database(url: str) -> str:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return f"database: {config['ENGINE']} (not checked)"
    import psycopg

    with psycopg.connect(dbname="postgres", **server_params(config)) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"database: PostgreSQL {version} at {config['HOST']}:{config['PORT']}"


def check_redis(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    client.ping()
    return f"redis: {client.info('server')['redis_version']} at {url}"


def main() -> int:
    failures = 0
    for name, check in (("DATABASE_URL", check_database), ("REDIS_URL", check_redis)):
        url = os.environ.get(name, "").strip()
        if not url:
            continue
        try:
            print(check(url))
        except Exception as exc:  # any failure to connect is reported the same way
            print(f"UNREACHABLE {name}={url}: {exc}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
