import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.demo import DEMO_USERS
from plans.models import Plan

PLAN_A1 = "Helhedsplan Vestparken og Nørre Enge"
PLAN_A2 = "Helhedsplan Søndermarken"
PLAN_B = "Helhedsplan Åbæk Øst"
DEMO_PLANS = (PLAN_A1, PLAN_A2, PLAN_B)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo world is built once per test session; each test runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115


class Demo:
    """Handles to the demo world by name."""

    def user(self, username: str):
        return get_user_model().objects.get(username=username)

    def plan(self, name: str) -> Plan:
        return Plan.objects.get(name=name)

    @property
    def usernames(self):
        return list(DEMO_USERS)


@pytest.fixture
def demo(db):
    return Demo()


@pytest.fixture
def login(client, db):
    """Log the test client in as a demo user: ``login('demo-koordinator')``."""

    def _login(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


# --- REST API (tests/test_api_*.py) -------------------------------------------------------------


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
