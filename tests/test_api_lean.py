"""The lean API lists (``plans.api_lean``) answer exactly what the serializers answer."""

import pytest

from plans.api_lean import lean_plan
from portal.api import APP_ROUTES

from .conftest import PLAN_A1
from .factories import IndicatorFactory, MeasurementFactory, TargetFactory

ROUTES = [(prefix, viewset) for routes in APP_ROUTES for prefix, viewset, _basename in routes]
USERS = ["demo-admin", "demo-sekretariatsleder", "demo-boligorg", "demo-styregruppe"]


@pytest.mark.parametrize(("prefix", "viewset"), ROUTES, ids=[prefix for prefix, _v in ROUTES])
def test_every_list_is_lean(prefix, viewset):
    assert lean_plan(viewset.serializer_class, viewset()) is not None, prefix


@pytest.mark.parametrize(("prefix", "viewset"), ROUTES, ids=[prefix for prefix, _v in ROUTES])
@pytest.mark.parametrize("query", ["?cursor=&page_size=500", "?page_size=7&page=2", "?page_size=500"])
def test_lean_list_equals_the_serializer(api, demo, monkeypatch, prefix, viewset, query):
    for username in USERS:
        client = api(username)
        url = f"/api/v1/{prefix}/{query}"
        lean = client.get(url)
        monkeypatch.setattr(viewset, "lean", False)
        full = client.get(url)
        monkeypatch.setattr(viewset, "lean", True)
        assert lean.status_code == full.status_code, (username, url)
        assert lean.content == full.content, (username, url)


def test_nested_and_scoped_relations_match(api, demo, monkeypatch):
    """Targets in their order, several measurements, interventions through the user's scope."""
    from monitoring.api import IndicatorViewSet, MeasurementViewSet

    goal = demo.plan(PLAN_A1).goals.first()
    indicator = IndicatorFactory(goal=goal)
    indicator.interventions.set(goal.plan.sub_agreements.first().interventions.all()[:3])
    for due, value in (("2027-12-31", "5"), ("2026-06-30", "3.25"), ("2025-12-31", "1")):
        TargetFactory(indicator=indicator, due_date=due, value=value)
    for year in range(2019, 2024):
        MeasurementFactory(indicator=indicator, period=f"{year}-Q2")
    for username in USERS:
        client = api(username)
        for viewset, prefix in ((IndicatorViewSet, "indicators"), (MeasurementViewSet, "measurements")):
            url = f"/api/v1/{prefix}/?cursor=&page_size=500"
            lean = client.get(url).content
            monkeypatch.setattr(viewset, "lean", False)
            full = client.get(url).content
            monkeypatch.setattr(viewset, "lean", True)
            assert lean == full
