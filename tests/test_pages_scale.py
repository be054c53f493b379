"""Pages that do not grow with the country (issue 13 item 3): at most 15 queries, the same at two
data sizes, and long lists cut to their top rows with "vis alle"."""

from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse

from monitoring.models import Indicator
from plans.models import Commitment

from .conftest import PLAN_A1, PLAN_B
from .factories import CommitmentFactory, DepartmentFactory
from .test_dashboards import grow

PAGE_QUERY_LIMIT = 15


def _pages(demo):
    plan = demo.plan(PLAN_A1)
    return [
        reverse("overview"),
        reverse("my-secretariat"),
        reverse("cofinancing"),
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


@pytest.fixture
def small_cofinancing_limits():
    from portal import dashboards

    before = (dashboards.COFINANCING_TOP_TOTALS, dashboards.COFINANCING_TOP_LINES)
    dashboards.COFINANCING_TOP_TOTALS, dashboards.COFINANCING_TOP_LINES = 2, 3
    yield
    dashboards.COFINANCING_TOP_TOTALS, dashboards.COFINANCING_TOP_LINES = before


def test_cofinancing_shows_the_first_rows_and_everything_on_request(login, demo, small_cofinancing_limits):
    municipality = demo.plan(PLAN_A1).municipality
    for index in range(3):
        CommitmentFactory(plan=demo.plan(PLAN_A1), year=2025, party=DepartmentFactory(parent=municipality))
        CommitmentFactory(plan=demo.plan(PLAN_A1), year=2026 + index, party=municipality)
    confirmed = Commitment.objects.confirmed().filter(Q(party=municipality) | Q(party__parent=municipality))
    parties = confirmed.values("party").distinct().count()
    lines = confirmed.values("party", "plan", "year").distinct().count()
    client = login("demo-koordinator")
    html = client.get(reverse("cofinancing")).content.decode()
    assert f"Viser 2 af {parties}." in html and "alle=forvaltninger" in html
    assert f"Viser 3 af {lines}." in html and "alle=linjer" in html
    shown_lines = html.count('href="/planer/')
    everything = client.get(reverse("cofinancing"), {"alle": ["forvaltninger", "linjer"]}).content.decode()
    assert "Viser" not in everything
    assert everything.count('href="/planer/') - shown_lines == lines - 3
    # The totals cover everything even when the tables are cut.
    total = sum(c.amount for c in confirmed)
    assert f"{int(total):,}".replace(",", ".") + " kr." in html


def test_cofinancing_with_many_kommuner_is_one_row_per_kommune_with_a_filter(login, demo):
    from portal import dashboards

    dashboards.COFINANCING_MUNICIPALITY_SECTIONS, before = 1, dashboards.COFINANCING_MUNICIPALITY_SECTIONS
    try:
        client = login("demo-admin")
        html = client.get(reverse("cofinancing")).content.decode()
        a1, b = demo.plan(PLAN_A1).municipality, demo.plan(PLAN_B).municipality
        assert "Pr. kommune" in html and f"kommune={a1.pk}" in html and f"kommune={b.pk}" in html
        assert "helhedsplaner</h2>" not in html  # no per-kommune sections
        only_a1 = client.get(reverse("cofinancing"), {"kommune": a1.pk}).content.decode()
        assert a1.name in only_a1 and "Åbæk" not in only_a1.split('name="kommune"')[1].split("</form>", 1)[1]
        fjordby = Commitment.objects.confirmed().filter(Q(party=a1) | Q(party__parent=a1))
        total = sum(fjordby.values_list("amount", flat=True), Decimal(0))
        assert f"{int(total):,}".replace(",", ".") + " kr." in only_a1
    finally:
        dashboards.COFINANCING_MUNICIPALITY_SECTIONS = before


def test_cofinancing_ignores_a_kommune_outside_the_users_scope(login, demo):
    client = login("demo-koordinator-2")
    html = client.get(reverse("cofinancing"), {"kommune": demo.plan(PLAN_A1).municipality_id}).content.decode()
    assert "Fjordby" not in html and "Åbæk" in html
