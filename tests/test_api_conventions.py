"""Conventions every registered API resource keeps, checked over the router so new resources are covered."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from portal.api import router

from .factories import UserFactory

REGISTRY = [(prefix, viewset) for prefix, viewset, _basename in router.registry]

# Rows every authenticated user may read, whatever their roles: (resource, query that leaves them out).
PUBLIC_ROWS = {"area-statistics": "scope=area"}  # LBF's figures for the whole country


def test_paths_are_plural_kebab_case():
    for prefix, _viewset in REGISTRY:
        assert prefix == prefix.lower()
        assert "_" not in prefix
        assert prefix.endswith("s")


@pytest.mark.parametrize(("prefix", "viewset"), REGISTRY)
def test_a_user_without_roles_sees_nothing(db, api, prefix, viewset):
    UserFactory(username="no-roles")
    client = api("no-roles")
    response = client.get(f"/api/v1/{prefix}/")
    assert response.status_code == 200
    if prefix in PUBLIC_ROWS:
        assert {row["scope"] for row in response.json()["results"]} <= {"country"}
        response = client.get(f"/api/v1/{prefix}/?{PUBLIC_ROWS[prefix]}")
    assert response.json()["count"] == 0


@pytest.mark.parametrize(("prefix", "viewset"), REGISTRY)
def test_querysets_have_a_stable_order_ending_in_pk(demo, prefix, viewset):
    request = Request(APIRequestFactory().get(f"/api/v1/{prefix}/"))
    request.user = demo.user("demo-admin")
    view = viewset(request=request, format_kwarg=None, action="list", kwargs={})
    ordering = view.get_queryset().query.order_by
    assert ordering and ordering[-1] == "pk", ordering


@pytest.mark.parametrize(("prefix", "viewset"), REGISTRY)
def test_every_resource_has_a_filterset_and_numeric_ids(prefix, viewset):
    assert viewset.filterset_class is not None
    assert viewset.lookup_value_regex == "[0-9]{1,18}"
