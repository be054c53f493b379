#!/usr/bin/env bash
# Set up and serve the portal on http://127.0.0.1:8000 with embedded defaults:
# SQLite file, Celery tasks in-process, demo data loaded. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
export DEMO_PASSWORD="${DEMO_PASSWORD:-demo1234}"
bash scripts/setup.sh
.venv/bin/python manage.py seed_demo --with-reports
cat <<TXT

  Helhedsplan Portal kører på http://127.0.0.1:8000/
  Log ind med en af demo-brugerne ovenfor, adgangskode: ${DEMO_PASSWORD}
  (f.eks. demo-sekretariatsleder, demo-koordinator, demo-bestyrelse, demo-admin)

TXT
exec .venv/bin/python manage.py runserver "${PORT_BIND:-127.0.0.1:8000}"
