"""Settings for the API benchmark: the portal's settings plus the bare comparison views (bench/urls.py)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The benchmark measures the API, not the throttle.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "1000000/hour"}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
