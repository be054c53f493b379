"""Per-user page fragments in the cache (Redis in production), invalidated on every write.

A fragment's key holds the user, the *data version*, the language, today's date and the query
string. The data version is a random token that every committed write replaces
(``bump_data_version``; ``portal.signals`` calls it after model saves and deletes, after every
POST/PUT/PATCH/DELETE request and after every Celery task), so a page never shows data older than
the last write; fragments of old versions are simply never read again and expire. The key is
computed before the page's data is read, so a fragment built while a write commits is stored under
the version that was current when its reads began, and is not served after the write.

Only with a cache shared by every web process (``PAGE_FRAGMENT_CACHE_SECONDS`` > 0, by default when
``REDIS_URL`` is set): a per-process cache would miss other processes' version bumps.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

VERSION_KEY = "portal:data-version"


def enabled() -> bool:
    return getattr(settings, "PAGE_FRAGMENT_CACHE_SECONDS", 0) > 0


def data_version() -> str:
    """The current data version (a new one if the cache lost it: every fragment is then rebuilt)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)  # add: a concurrent bump is not overwritten
        version = cache.get(VERSION_KEY) or ""
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def bump_data_version() -> None:
    """Every cached fragment is out of date: replace the version once the current transaction
    commits (at once outside a transaction), so no reader caches pre-commit data under the new one."""
    if enabled():
        transaction.on_commit(_bump)


def fragment_key(request, name: str) -> str:
    """The cache key of page ``name`` for this request's user and query string ("" when disabled)."""
    if not enabled():
        return ""
    query = urlencode(sorted((key, sorted(values)) for key, values in request.GET.lists()), doseq=True)
    digest = hashlib.sha256(query.encode()).hexdigest()[:24]
    user = request.user.pk if request.user.is_authenticated else "anon"
    today = timezone.localdate().isoformat()
    return f"portal:fragment:{name}:{user}:{data_version()}:{get_language()}:{today}:{digest}"


def get(key: str) -> str | None:
    return cache.get(key) if key else None


def put(key: str, html: str) -> None:
    if key:
        cache.set(key, html, settings.PAGE_FRAGMENT_CACHE_SECONDS)


def cached_fragment(request, name: str, template: str, context: Callable[[], dict]) -> str:
    """``template`` rendered with ``context()``, from the cache when this user has seen it since the
    last write. The key (user, data version, language, date, query string) is taken before
    ``context()`` reads anything; on a hit, ``context()`` is not called at all. The fragment must
    hold nothing per request (no CSRF token, no CSP nonce): only what the user's data decides."""
    key = fragment_key(request, name)
    html = get(key)
    if html is None:
        html = render_to_string(template, context(), request=request)
        put(key, html)
    return mark_safe(html)  # noqa: S308 (rendered and escaped by the template engine)
