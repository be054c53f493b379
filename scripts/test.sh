#!/usr/bin/env bash
# Set up and run the whole test suite: lint, migrations check, pytest (incl. browser and worker tests).
# Locally it uses SQLite and in-process Celery unless DATABASE_URL / REDIS_URL are set.
# With CI=true it requires the real PostgreSQL and Redis and fails loudly if they are unreachable.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

if [ "${CI:-}" = "true" ]; then
  : "${DATABASE_URL:?CI needs DATABASE_URL (PostgreSQL)}"
  : "${REDIS_URL:?CI needs REDIS_URL}"
  case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "CI must run on PostgreSQL, not $DATABASE_URL" >&2; exit 1;; esac
fi
if [ -n "${DATABASE_URL:-}" ] || [ -n "${REDIS_URL:-}" ]; then
  .venv/bin/python scripts/check_services.py
fi

echo "==> ruff"
.venv/bin/ruff check .
echo "==> import-linter (apps and governance's sub-domains import only downwards; see pyproject.toml)"
.venv/bin/lint-imports --no-cache
echo "==> pip-audit (known vulnerabilities in the locked dependencies)"
# Queries PyPI's vulnerability data for every pin in the complete lock; fails when one is affected.
# PIP_AUDIT_STRICT=1 also fails when a package could not be looked up (e.g. behind a PyPI mirror).
.venv/bin/pip-audit -r requirements-dev.txt --require-hashes --disable-pip --progress-spinner off \
  ${PIP_AUDIT_STRICT:+--strict}
echo "==> makemigrations --check"
.venv/bin/python manage.py makemigrations --check --dry-run -v0
echo "==> pytest"
set +e
# One process per core (PYTEST_WORKERS=0 runs in one); each process's Celery worker has its own queue.
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
