# Production image: gunicorn + whitenoise; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_ENV=production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
COPY --from=assets /src/node_modules/dkfds/dist/css static/vendor/dkfds/css
COPY --from=assets /src/node_modules/dkfds/dist/fonts static/vendor/dkfds/fonts
COPY --from=assets /src/node_modules/dkfds/dist/img static/vendor/dkfds/img
COPY --from=assets /src/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/htmx.min.js
# collectstatic and compilemessages need settings but no secrets or database.
RUN SECRET_KEY=build-only-placeholder-for-compilemessages-and-collectstatic python manage.py compilemessages -v0 --ignore=.venv \
 && SECRET_KEY=build-only-placeholder-for-compilemessages-and-collectstatic python manage.py collectstatic --no-input -v0
RUN useradd --system --home /app portal && mkdir -p /app/var/media && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
