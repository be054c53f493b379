#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the uploaded files
# (MEDIA_ROOT: bilag, meeting packs, reports) into one directory, with SHA-256 sums.
#   DATABASE_URL=postgres://user@host:5432/portal MEDIA_ROOT=/app/var/media scripts/backup.sh /backups
# Restore with scripts/restore.sh (docs/operations.md). Safe while the portal runs: pg_dump reads one
# consistent snapshot; files written during the copy are at most newer than the dump (harmless).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/backup.sh TARGET_DIRECTORY}"
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh backs up PostgreSQL, not $DATABASE_URL" >&2; exit 1;; esac
media="${MEDIA_ROOT:-var/media}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dir="$target/portal-$stamp"
mkdir -p "$dir"
pg_dump --format=custom --no-owner --no-privileges --file "$dir/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$dir/media.tar.gz" .
else
  tar -czf "$dir/media.tar.gz" --files-from /dev/null
fi
(cd "$dir" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$dir"
