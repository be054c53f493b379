import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.demo import DEMO_USERS
from plans.models import Plan

PLAN_A1 = "Helhedsplan Vestparken og Nørre Enge"
PLAN_A2 = "Helhedsplan Søndermarken"
PLAN_B = "Helhedsplan Åbæk Øst"
DEMO_PLANS = (PLAN_A1, PLAN_A2, PLAN_B)

# Fixtures of the REST API tests (api, clear_api_throttle) live in their own module.
pytest_plugins = ["tests.api_fixtures"]


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
