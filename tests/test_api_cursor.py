"""Cursor pagination on every API list (issue 13 item 4): no count, stable id order, constant queries."""

import pytest

from monitoring.models import Measurement
from plans.access import visible
from portal.api import APP_ROUTES

from .conftest import PLAN_A1
from .factories import IndicatorFactory, MeasurementFactory

PREFIXES = [prefix for routes in APP_ROUTES for prefix, _viewset, _basename in routes]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_list_has_cursor_pages(api, prefix):
    client = api("demo-admin")
    body = client.get(f"/api/v1/{prefix}/?cursor=&page_size=2").json()
    assert set(body) == {"next", "previous", "results"}
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids)
    if body["next"]:
        following = client.get(body["next"]).json()
        assert all(row["id"] > ids[-1] for row in following["results"])
        back = client.get(following["previous"]).json()
        assert [row["id"] for row in back["results"]] == ids


def test_walking_the_cursor_reads_every_visible_row_once(api, demo):
    client = api("demo-boligorg")
    user = demo.user("demo-boligorg")
    expected = set(visible(user, Measurement).values_list("pk", flat=True))
    seen, url = [], "/api/v1/measurements/?pagination=cursor&page_size=7"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) and set(seen) == expected


def test_cursor_pages_take_the_same_queries_at_two_sizes(api, demo, django_assert_max_num_queries):
    client = api("demo-sekretariatsleder")
    goal = demo.plan(PLAN_A1).goals.first()
    with django_assert_max_num_queries(12) as small:
        assert client.get("/api/v1/measurements/?cursor=").status_code == 200
    indicator = IndicatorFactory(goal=goal)
    for year in range(2000, 2040):
        MeasurementFactory(indicator=indicator, period=f"{year}-Q1")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/measurements/?cursor=").status_code == 200
