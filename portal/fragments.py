"""Per-user page fragments (``common.page_cache``): the middleware that makes them out of date after
every write request."""

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
