"""Per-user page fragments (``common.page_cache``): the middleware that makes them out of date after
every write request, and the view helper that renders a fragment only when the cache has none."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from common import page_cache

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class DataVersionMiddleware:
    """A write request may change data in sets (``bulk_create``, ``update()``) that send no model
    signal: after it, every cached fragment is out of date. GET never writes, so it never bumps."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in WRITE_METHODS:
            page_cache.bump_data_version()
        return response


def cached_fragment(request, name: str, template: str, context: Callable[[], dict]) -> str:
    """``template`` rendered with ``context()``, from the cache when this user has seen it since the
    last write. The key (user, data version, language, date, query string) is taken before
    ``context()`` reads anything; on a hit, ``context()`` is not called at all."""
    key = page_cache.fragment_key(request, name)
    html = page_cache.get(key)
    if html is None:
        html = render_to_string(template, context(), request=request)
        page_cache.put(key, html)
    return mark_safe(html)  # noqa: S308 (rendered and escaped by the template engine)
