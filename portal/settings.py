"""Settings for Helhedsplan Portal.

Everything that differs between a laptop, CI and production comes from the environment, with
defaults that are safe for local use (SQLite file, Celery in-process). ``PORTAL_ENV=production``
turns on the production checks: a real ``SECRET_KEY`` is required and ``DEBUG`` must be off.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0 or true/false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PORTAL_ENV = os.environ.get("PORTAL_ENV", "development").strip().lower()
PRODUCTION = PORTAL_ENV == "production"

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
# The thresholds of Django's security.W009 check, and its prefix for generated development keys.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when PORTAL_ENV=production")
    if (
        len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
        or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak for PORTAL_ENV=production: use at least {SECRET_KEY_MIN_LENGTH} random "
            f"characters ({SECRET_KEY_MIN_UNIQUE_CHARACTERS} or more distinct), not a 'django-insecure-' key"
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when PORTAL_ENV=production")
elif not SECRET_KEY:
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"  # templates/403_csrf.html in the site layout

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    # Our apps, top to bottom: portal -> governance -> monitoring -> plans.
    "portal",
    "governance",
    "monitoring",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.idempotency.IdempotencyMiddleware",
    "portal.fragments.DataVersionMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
            # |weekday_date, |weekday_datetime beside Django's |date and |time (the one date format).
            "builtins": ["common.template_dates"],
        },
    },
]

DEFAULT_SQLITE_PATH = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language ("3. dec. 2026", "3 Dec 2026"): portal/formats/<lang>/formats.py.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded files (bilag, reports) live outside the web root and are served by views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Never routed: files are served only by views that check access (MEDIA_URL must be a string for Django).
MEDIA_URL = "/_protected/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
# For django.core.mail.backends.filebased.EmailBackend (e-mails written to files, e.g. in fault tests).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "").strip() or None
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "helhedsplan-portal@localhost")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: with REDIS_URL unset tasks run in-process (embedded default); with it set, a real broker.
# Background work a person waits for is a database row first (common/jobs.py, docs/operations.md):
# the row is the job's state, so no result backend is needed (CELERY_RESULT_BACKEND only to debug).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# The cache: Redis when REDIS_URL is set (shared by every web process and worker), else in-process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "portal"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Per-user page fragments (Overblik, Mit sekretariat, Medfinansiering; common.page_cache), invalidated
# on every write. Only with a shared cache: an in-process cache would miss other processes' writes.
PAGE_FRAGMENT_CACHE_SECONDS = env_int("PAGE_FRAGMENT_CACHE_SECONDS", 300 if REDIS_URL else 0)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Loss-free delivery: a message is acknowledged after its task ran, handed back when the worker
# process dies, and a worker holds one message at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a job never waits long for a broker that is down (the job stays queued and
# recover_jobs sends it later): seconds to connect, and no publish retries in the request path.
JOB_BROKER_CONNECT_TIMEOUT = float(os.environ.get("JOB_BROKER_CONNECT_TIMEOUT", "").strip() or 1)
CELERY_BROKER_CONNECTION_TIMEOUT = JOB_BROKER_CONNECT_TIMEOUT
# The broker hands an unacknowledged message to another worker after visibility_timeout seconds:
# it must be longer than the longest task's hard time limit (15 minutes, the send-out), or a slow
# task would run twice at once.
JOB_VISIBILITY_TIMEOUT = env_int("JOB_VISIBILITY_TIMEOUT", 30 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": JOB_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": JOB_BROKER_CONNECT_TIMEOUT,
}
# recover_jobs runs this often (seconds) by beat; /healthz calls the workers dead after 3 missed beats.
JOB_RECOVER_INTERVAL = env_int("JOB_RECOVER_INTERVAL", 5 * 60)
CELERY_BEAT_SCHEDULE = {
    # One e-mail per person per day with their overdue action items (governance.tasks).
    "send-overdue-action-reminders": {
        "task": "governance.tasks.send_overdue_action_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # One e-mail per person with the LBF deadlines 30 and 7 days ahead (monitoring.tasks; sent once per stage).
    "send-obligation-reminders": {
        "task": "monitoring.tasks.send_obligation_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    # Daily; the task itself waits for the configured working day after quarter end.
    "queue-quarterly-reports": {
        "task": "governance.tasks.queue_quarterly_reports",
        "schedule": crontab(hour=6, minute=15),
    },
    # Send again what no worker took, re-run what a lost worker left, stamp the heartbeat.
    "recover-jobs": {
        "task": "portal.tasks.recover_jobs",
        "schedule": JOB_RECOVER_INTERVAL,
    },
    # The sekretariatsleder's reminders 3 working days before the send-out deadline and on the day;
    # hourly in office hours so a missed run catches up (each reminder goes out once).
    "send-out-deadline-reminders": {
        "task": "governance.tasks.send_out_deadline_reminders",
        "schedule": crontab(minute=10, hour="7-16"),
    },
}

# Status reports: queued on the n-th Danish working day after a quarter ends; board members get a
# link by e-mail (or the PDF attached when REPORTS_ATTACH_PDF is on).
REPORTS_WORKDAY_AFTER_QUARTER = env_int("REPORTS_WORKDAY_AFTER_QUARTER", 5)
REPORTS_ATTACH_PDF = env_bool("REPORTS_ATTACH_PDF", default=False)

# A bulk API request carries up to 5,000 objects; allow bodies up to 10 MB (Django's default is 2.5 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

# The REST API (docs/api.md). Token authentication first, so a request without credentials is 401.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "1000/hour").strip() or "1000/hour"
if not re.fullmatch(r"[0-9]+/(s|m|h|d)[a-z]*", API_THROTTLE_RATE):
    raise ImproperlyConfigured(f"API_THROTTLE_RATE must look like 1000/hour: {API_THROTTLE_RATE!r}")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api_conventions.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["portal.api_conventions.PortalFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api_auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "EXCEPTION_HANDLER": "portal.api_conventions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helhedsplan Portal API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI would put each operation's link inside its expand button (an
    # interactive control inside another, axe "nested-interactive"); the operations are reached by
    # their tag headings instead. No syntax colouring: its token colours on the dark code panel are
    # under 4.5:1 (the plain panel is white on dark grey).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "DESCRIPTION": "REST-API for helhedsplaner (docs/api.md). Godkendelse: `Authorization: Token <nøgle>`.",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.add_error_responses",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InterventionStatusEnum": "plans.models.Intervention.Status",
        "CommitmentFormEnum": "plans.models.Commitment.Form",
        "PlanPhaseEnum": "plans.models.Plan.Phase",
        "MembershipRoleEnum": "governance.bodies.models.Membership.Role",
        "MeasurementStatusEnum": "monitoring.models.Measurement.Status",
        "IndicatorStatusEnum": "monitoring.api.STATUS_CHOICES",
        "MeetingStatusEnum": "governance.meetings.models.Meeting.Status",
        "ActionItemStatusEnum": "governance.meetings.models.ActionItem.Status",
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for a username, that username is
# refused, even with the right password, for AXES_COOLOFF_MINUTES. Locked by username only: many users
# share a municipal NAT address, so locking an address would lock out a whole forvaltning.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1")
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "portal.views.login_locked_out"
# Failed API token authentications per client address within the same cool-off; then 429 until it ends.
API_AUTH_FAILURE_LIMIT = env_int("API_AUTH_FAILURE_LIMIT", 20)

# Content-Security-Policy (django-csp): no inline script or style anywhere; htmx's own indicator <style>
# is switched off in base.html (htmx-config), Swagger UI loads its start-up script from a URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The password every demo user gets from `manage.py seed_demo`.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo1234")

# SQLite (the embedded default) cannot enforce NULLS NOT DISTINCT; PostgreSQL does, and full_clean()
# validates those constraints on every database.
# axes.W006 asks for 'ip_address' among AXES_LOCKOUT_PARAMETERS: deliberately not, see the django-axes block
# above (a username lockout cannot be dodged by rotating User-Agents or cookies, which is what W006 fears).
SILENCED_SYSTEM_CHECKS = ["models.W047", "axes.W006"]
