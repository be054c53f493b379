#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database in DATABASE_URL and into MEDIA_ROOT.
#   DATABASE_URL=postgres://user@host:5432/portal_restored MEDIA_ROOT=/app/var/media \
#     scripts/restore.sh /backups/portal-20261203T101500Z
# The database is created when missing; an existing database must be empty unless --replace is given
# (then the backup's tables replace the ones there). Checks the SHA-256 sums first, runs
# `manage.py migrate` afterwards (a backup from an older release is brought up to date).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:?usage: scripts/restore.sh BACKUP_DIRECTORY [--replace]}"
replace="${2:-}"
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to restore into}"
media="${MEDIA_ROOT:-var/media}"
(cd "$dir" && sha256sum --check --quiet SHA256SUMS)
python="${PYTHON:-.venv/bin/python}"
"$python" scripts/ensure_database.py
tables="$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ] && [ "$replace" != "--replace" ]; then
  echo "the database in DATABASE_URL has $tables tables: restore into an empty database, or add --replace" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --clean --if-exists --exit-on-error --dbname "$DATABASE_URL" "$dir/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$dir/media.tar.gz"
"$python" manage.py migrate --no-input -v0
echo "restored $dir into the database and $media"
