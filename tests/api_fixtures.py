"""Fixtures for the REST API tests; imported by tests/test_api_*.py (kept out of conftest.py)."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def clear_api_throttle():
    """Throttle counts live in the cache; start each API test from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(db, clear_api_throttle):
    """An API client authenticated with a fresh personal token: ``api('demo-boligorg')``."""
    from rest_framework.test import APIClient

    from portal.services import api_token_create

    def _api(username: str, **token_kwargs) -> APIClient:
        user = get_user_model().objects.get(username=username)
        token, key = api_token_create(user=user, name="test", **token_kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        client.token, client.key, client.user = token, key, user
        return client

    return _api
