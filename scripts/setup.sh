#!/usr/bin/env bash
# Idempotent set-up: system packages (Debian), virtualenv, Python and front-end dependencies,
# translations and migrations. Usage: scripts/setup.sh [--test]   (--test adds browser/PDF tools)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WITH_TEST_TOOLS=0
[ "${1:-}" = "--test" ] && WITH_TEST_TOOLS=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. Debian packages: WeasyPrint's Pango, gettext for translations; chromium and poppler for tests.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core)
[ "$WITH_TEST_TOOLS" = 1 ] && packages+=(chromium poppler-utils)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Python virtualenv with the locked, hash-checked dependencies (re-installed only when the lock files
#    change). requirements-dev.txt is the complete lock (runtime + tools); see README "Dependencies".
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "Creating virtualenv .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-stamp
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  say "Installing Python dependencies"
  .venv/bin/python -m pip install -q --require-hashes -r requirements-dev.txt
  echo "$wanted" > "$stamp"
fi

# 3. Front-end assets from the npm registry, copied into static/vendor (never a CDN).
lockhash=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f static/vendor/.stamp ] || [ "$(cat static/vendor/.stamp)" != "$lockhash" ]; then
  say "Installing front-end assets"
  if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; else npm install --silent --no-audit --no-fund; fi
  rm -rf static/vendor && mkdir -p static/vendor/dkfds static/vendor/htmx
  cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img static/vendor/dkfds/
  cp node_modules/dkfds/dist/js/dkfds.min.js static/vendor/dkfds/ 2>/dev/null || true
  cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
  echo "$lockhash" > static/vendor/.stamp
fi

# 4. The PostgreSQL database named in DATABASE_URL, created when missing (Django's checks connect to it).
.venv/bin/python scripts/ensure_database.py

# 5. Translations (English catalogue; Danish is the source language).
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

# 6. Database schema for whatever DATABASE_URL points at (SQLite file by default).
.venv/bin/python manage.py migrate --no-input -v0
say "Set-up done in $ROOT"
