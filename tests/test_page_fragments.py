"""Per-user page fragments (common.page_cache, portal.fragments): a cached page is served only to
its own user, GET never invalidates, and every write (a model save, a write request, a task)
makes the next visit read fresh data."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from common import page_cache
from plans.models import Commitment, Organisation

from .conftest import PLAN_A1, PLAN_B
from .factories import CommitmentFactory

FJORDBY_EMPLOYMENT = "Beskæftigelses- og Integrationsforvaltningen, Fjordby Kommune"
PAGES = ["overview", "my-secretariat", "cofinancing"]


def page_urls(demo):
    return [reverse(name) for name in PAGES] + [reverse("monitoring:goal-tree", args=[demo.plan(PLAN_A1).pk])]


@pytest.fixture(autouse=True)
def fragment_cache(settings):
    settings.PAGE_FRAGMENT_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments-test"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def client_for(demo, username):
    client = Client()
    client.force_login(demo.user(username))
    return client


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def kr(amount) -> str:
    return f"{int(amount):,}".replace(",", ".") + " kr."


def test_second_visit_reads_no_page_data(demo, django_assert_max_num_queries):
    client = client_for(demo, "demo-admin")
    for url in page_urls(demo):
        first = client.get(url)
        with django_assert_max_num_queries(3):  # session, user (and the plan's access check)
            second = client.get(url)
        assert first.status_code == second.status_code == 200
        assert main(first) == main(second)  # the head differs per request (CSP nonce), the content does not


def test_a_user_never_sees_another_users_fragment(demo):
    """Same page, same query string: each user gets their own scope, in either order."""
    fjordby, aabaek = client_for(demo, "demo-koordinator"), client_for(demo, "demo-koordinator-2")
    for _ in range(2):
        first = fjordby.get(reverse("cofinancing")).content.decode()
        second = aabaek.get(reverse("cofinancing")).content.decode()
        assert "Fjordby" in first and "Åbæk" not in first
        assert "Åbæk" in second and "Fjordby" not in second
        overview_a1 = fjordby.get(reverse("overview")).content.decode()
        overview_b = aabaek.get(reverse("overview")).content.decode()
        assert demo.plan(PLAN_A1).name in overview_a1 and demo.plan(PLAN_B).name not in overview_a1
        assert demo.plan(PLAN_B).name in overview_b and demo.plan(PLAN_A1).name not in overview_b


def test_the_query_string_and_language_are_part_of_the_key(demo):
    client = client_for(demo, "demo-koordinator")
    every_year = client.get(reverse("cofinancing")).content.decode()
    one_year = client.get(reverse("cofinancing"), {"year": 2024}).content.decode()
    assert every_year != one_year
    english = client.get(reverse("cofinancing"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english != every_year and ("Co-financing" in english or "co-financing" in english)


def test_get_never_changes_the_data_version(demo):
    client = client_for(demo, "demo-admin")
    before = page_cache.data_version()
    for url in page_urls(demo):
        client.get(url)
        client.get(url, {"alle": "1"})
    assert page_cache.data_version() == before


def test_a_model_save_shows_on_the_next_visit(demo, django_capture_on_commit_callbacks):
    client = client_for(demo, "demo-koordinator")
    department = Organisation.objects.get(name=FJORDBY_EMPLOYMENT)
    assert kr(Decimal("9876543")) not in client.get(reverse("cofinancing")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        CommitmentFactory(plan=demo.plan(PLAN_A1), party=department, year=2031, amount=Decimal("9876543"))
    assert kr(Decimal("9876543")) in client.get(reverse("cofinancing")).content.decode()


def test_a_write_request_shows_on_the_next_visit(demo, django_capture_on_commit_callbacks):
    """The confirmation goes through the web; the page read before it is not served after it."""
    client = client_for(demo, "demo-koordinator")
    department = Organisation.objects.get(name=FJORDBY_EMPLOYMENT)
    proposal = CommitmentFactory(
        plan=demo.plan(PLAN_A1),
        party=department,
        year=2031,
        amount=Decimal("1234321"),
        status=Commitment.Status.PROPOSED,
    )
    assert kr(proposal.amount) not in client.get(reverse("cofinancing")).content.decode()  # proposals don't count
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("commitment-confirm", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Commitment.Status.CONFIRMED
    assert kr(proposal.amount) in client.get(reverse("cofinancing")).content.decode()


def test_a_write_in_sets_is_caught_by_the_request(demo, django_capture_on_commit_callbacks):
    """``update()`` sends no model signal; the write request around it still makes fragments old."""
    client = client_for(demo, "demo-admin")
    client.get(reverse("overview"))
    before = page_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ikke-en-side/")  # any write request, whatever its answer
    assert page_cache.data_version() != before


def test_a_task_makes_fragments_old(demo, django_capture_on_commit_callbacks):
    from monitoring.tasks import send_obligation_reminders

    before = page_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        send_obligation_reminders.delay()
    assert page_cache.data_version() != before


def test_off_without_a_shared_cache(demo, settings):
    settings.PAGE_FRAGMENT_CACHE_SECONDS = 0
    client = client_for(demo, "demo-admin")
    client.get(reverse("overview"))
    from django.core.cache import cache

    assert not [key for key in cache._cache if "fragment" in str(key)]


def test_a_changed_goal_shows_on_the_goal_page(demo, django_capture_on_commit_callbacks):
    from monitoring.models import Goal

    client = client_for(demo, "demo-sekretariatsleder")
    url = reverse("monitoring:goal-tree", args=[demo.plan(PLAN_A1).pk])
    goal = Goal.objects.filter(plan=demo.plan(PLAN_A1)).first()
    assert "Et helt nyt navn" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        goal.title = "Et helt nyt navn"
        goal.save()
    assert "Et helt nyt navn" in client.get(url).content.decode()


def test_no_access_no_fragment(demo):
    """The plan's access check runs before the cache is asked: another kommune gets 404, not a copy."""
    url = reverse("monitoring:goal-tree", args=[demo.plan(PLAN_A1).pk])
    assert client_for(demo, "demo-admin").get(url).status_code == 200
    assert client_for(demo, "demo-koordinator-2").get(url).status_code == 404
