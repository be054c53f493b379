"""Pages that do not grow with the country (issue 13 item 3): at most 15 queries, the same at two
data sizes, and long lists cut to their top rows with "vis alle"."""

import pytest
from django.urls import reverse

from monitoring.models import Indicator

from .conftest import PLAN_A1
from .test_dashboards import grow

PAGE_QUERY_LIMIT = 15


def _pages(demo):
    plan = demo.plan(PLAN_A1)
    return [
        reverse("overview"),
        reverse("my-secretariat"),
        reverse("plan-detail", args=[plan.pk]),
        reverse("monitoring:goal-tree", args=[plan.pk]),
    ]


@pytest.mark.parametrize("username", ["demo-admin", "demo-sekretariatsleder"])
def test_pages_take_at_most_15_queries_at_two_sizes(login, demo, django_assert_max_num_queries, username):
    client = login(username)
    grow(demo, 1, per_plan=1)
    counts = []
    for url in _pages(demo):
        with django_assert_max_num_queries(PAGE_QUERY_LIMIT) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    grow(demo, 8, per_plan=3)
    for url, count in zip(_pages(demo), counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_my_secretariat_shows_the_top_rows_and_everything_on_request(login, demo):
    grow(demo, 8, per_plan=3)
    client = login("demo-sekretariatsleder")
    html = client.get(reverse("my-secretariat")).content.decode()
    assert "Viser 20 af" in html and "?alle=maalinger" in html
    shown = html.count("/indikatorer/")
    everything = client.get(reverse("my-secretariat"), {"alle": "maalinger"}).content.decode()
    missing = Indicator.objects.filter(goal__plan__secretariat=demo.plan(PLAN_A1).secretariat).count()
    assert shown == 20 < everything.count("/indikatorer/") <= missing


def test_overview_pages_50_plans_at_a_time(login, demo):
    from portal import dashboards

    dashboards.OVERVIEW_PAGE, before = 2, dashboards.OVERVIEW_PAGE
    try:
        grow(demo, 3, per_plan=1)
        client = login("demo-koordinator")
        html = client.get(reverse("overview")).content.decode()
        assert "Viser 1–2 af 5 helhedsplaner" in html and "side=2" in html and "alle=1" in html
        everything = client.get(reverse("overview"), {"alle": "1"}).content.decode()
        assert "Viser" not in everything
    finally:
        dashboards.OVERVIEW_PAGE = before
