"""No URL shape answers 500: over-large ids and format suffixes on every route of the URLconf.

The routes are read from the URLconf itself, so a route added later is covered without editing
this file. Runs on SQLite locally and on PostgreSQL in CI (where an id beyond bigint overflows).
"""

import re

import pytest
from django.urls import URLResolver, get_resolver

from plans.converters import MAX_DATABASE_ID

GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")
OVER_LARGE_IDS = ("99999999999999999999", str(MAX_DATABASE_ID + 1))
FORMATS = ("json", "api", "pdf", "xlsx", "csv", "html", "ics", "txt")


def _piece(pattern) -> str:
    regex = pattern.regex.pattern
    regex = regex.removeprefix("^")
    for end in ("\\Z", "$"):
        regex = regex.removesuffix(end)
    return regex


def _routes(resolver=None, prefix=""):
    """Every route of the URLconf as (its full regex, the names of its parameters)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        regex = prefix + _piece(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, regex)
        else:
            yield regex, GROUP.findall(regex)


def _is_id(name: str) -> bool:
    return name == "pk" or name.endswith("_id")


def _url(regex: str, values: dict) -> str:
    def value(match):
        return values[match.group(1)]

    path = GROUP.sub(value, regex).replace("/?", "/").replace("\\.", ".").replace("\\", "")
    return "/" + path


def _own_routes():
    return [(regex, names) for regex, names in _routes() if not regex.startswith("admin/")]


ID_ROUTES = sorted({regex for regex, names in _own_routes() if any(_is_id(name) for name in names)})
SUFFIX_ROUTES = sorted({regex for regex, names in _own_routes() if "format" in names})


def _values(names, id_value, fmt="json") -> dict:
    values = {}
    for name in names:
        if _is_id(name):
            values[name] = id_value
        elif name == "format":
            values[name] = fmt
        else:
            values[name] = "x"
    return values


@pytest.fixture
def admin_client(demo, client):
    client.raise_request_exception = False
    client.force_login(demo.user("demo-admin"))
    return client


def test_the_walk_finds_the_routes_that_take_ids():
    # A guard against a walk that silently finds nothing.
    assert any(regex.startswith("planer/") for regex in ID_ROUTES)
    assert any(regex.startswith("api/v1/plans/") for regex in ID_ROUTES)
    assert any("pdf" in regex for regex in SUFFIX_ROUTES)
    assert len(ID_ROUTES) > 40


@pytest.mark.parametrize("regex", ID_ROUTES)
def test_over_large_ids_are_404_on_every_route(admin_client, regex):
    names = GROUP.findall(regex)
    for big in OVER_LARGE_IDS:
        url = _url(regex, _values(names, big))
        for method in (admin_client.get, admin_client.post):
            response = method(url)
            assert response.status_code == 404, (method.__name__, url, response.status_code)


@pytest.mark.parametrize("regex", ID_ROUTES)
def test_the_largest_database_id_is_404_or_405_not_500(admin_client, regex):
    names = GROUP.findall(regex)
    url = _url(regex, _values(names, "999999999999999999"))
    response = admin_client.get(url)
    assert response.status_code in (404, 405), (url, response.status_code)


@pytest.mark.parametrize("regex", SUFFIX_ROUTES)
def test_no_format_suffix_answers_500(admin_client, regex):
    names = GROUP.findall(regex)
    from governance.reports.models import StatusReport

    real_id = str(StatusReport.objects.values_list("pk", flat=True).first() or 1)
    for fmt in FORMATS:
        url = _url(regex, _values(names, real_id, fmt))
        response = admin_client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if regex.startswith("api/v1/reports/") and "pdf" in regex:
            assert response.status_code == 404, (url, response.status_code)
