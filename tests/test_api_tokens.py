"""Personal API tokens: hashing, 401 reasons, the issue_api_token command, the profile page, throttling."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal import api_auth
from portal.models import ApiToken, hash_key
from portal.services import api_token_create, api_token_revoke

from .conftest import PLAN_A1


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_key_is_stored_only_as_a_hash(demo):
    token, key = api_token_create(user=demo.user("demo-boligorg"), name="Lønsystem")
    assert token.key_hash == hash_key(key) != key
    assert token.key_prefix == key[:8]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(value) for value in stored.values()}
    assert len(key) >= 40


def test_a_token_acts_as_its_user_and_records_last_use(demo, clear_api_throttle):
    token, key = api_token_create(user=demo.user("demo-boligorg-2"), name="x")
    response = token_client(key).get("/api/v1/plans/")
    assert response.status_code == 200
    assert [plan["name"] for plan in response.json()["results"]] == ["Helhedsplan Åbæk Øst"]
    token.refresh_from_db()
    assert token.last_used is not None


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Token nope", "Ukendt token."),
        ("Token", "Ugyldig Authorization-header"),
        ("Token a b", "Ugyldig Authorization-header"),
    ],
)
def test_bad_headers_are_401_with_a_reason(db, clear_api_throttle, header, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith(message)
    assert response.json()["errors"] == {}


def test_a_revoked_token_is_401(demo, clear_api_throttle):
    token, key = api_token_create(user=demo.user("demo-boligorg"), name="x")
    client = token_client(key)
    assert client.get("/api/v1/plans/").status_code == 200
    api_token_revoke(token=token)
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Tokenet er tilbagekaldt."


def test_an_expired_token_is_401(demo, clear_api_throttle):
    token, key = api_token_create(
        user=demo.user("demo-boligorg"), name="x", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert token_client(key).get("/api/v1/plans/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = token_client(key).get("/api/v1/plans/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Tokenet er udløbet."


def test_a_deactivated_users_token_is_401(demo, clear_api_throttle):
    user = demo.user("demo-boligorg")
    _token, key = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    assert token_client(key).get("/api/v1/plans/").status_code == 401


def test_an_expiry_in_the_past_is_refused_and_nothing_is_created(demo):
    from django.core.exceptions import ValidationError

    before = ApiToken.objects.count()
    with pytest.raises(ValidationError):
        api_token_create(user=demo.user("demo-boligorg"), name="x", expires_at=timezone.now())
    assert ApiToken.objects.count() == before


# --- issue_api_token ----------------------------------------------------------------------------


def test_issue_api_token_prints_a_working_token_as_the_last_line(demo, clear_api_throttle):
    out = io.StringIO()
    call_command("issue_api_token", "demo-koordinator", "--name", "Økonomisystem", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hash_key(key))
    assert (token.name, token.user.username, token.expires_at) == ("Økonomisystem", "demo-koordinator", None)
    response = token_client(key).get("/api/v1/plans/")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_issue_api_token_with_expiry(demo):
    out = io.StringIO()
    call_command("issue_api_token", "demo-admin", "--expires-days", "7", stdout=out)
    token = ApiToken.objects.get(key_hash=hash_key(out.getvalue().strip().splitlines()[-1]))
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)


@pytest.mark.parametrize("args", [["nobody"], ["demo-admin", "--expires-days", "0"]])
def test_issue_api_token_refuses_bad_input(db, args):
    before = ApiToken.objects.count()
    with pytest.raises(CommandError):
        call_command("issue_api_token", *args, stdout=io.StringIO())
    assert ApiToken.objects.count() == before


# --- the profile page ---------------------------------------------------------------------------


def test_profile_page_requires_login(client, db):
    response = client.get(reverse("api-tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_create_shows_the_key_once(demo, login):
    client = login("demo-boligorg")
    response = client.post(reverse("api-tokens"), {"name": "Lønsystem", "expires_on": ""})
    assert response.status_code == 200
    token = ApiToken.objects.get(user__username="demo-boligorg", name="Lønsystem")
    key = response.context["new_key"]
    assert token.key_hash == hash_key(key)
    assert key in response.content.decode()
    page = client.get(reverse("api-tokens")).content.decode()
    assert "Lønsystem" in page and token.key_prefix in page
    assert key not in page


def test_create_with_expiry_date(demo, login):
    client = login("demo-boligorg")
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.post(reverse("api-tokens"), {"name": "Kort", "expires_on": tomorrow.isoformat()})
    token = ApiToken.objects.get(name="Kort")
    assert timezone.localtime(token.expires_at).date() == tomorrow


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "x" * 101},
        {"name": "Gammel", "expires_on": "2000-01-01"},
        {"name": "y", "expires_on": "igår"},
    ],
)
def test_bad_input_on_the_page_creates_nothing(demo, login, data):
    before = ApiToken.objects.count()
    response = login("demo-boligorg").post(reverse("api-tokens"), data)
    assert response.status_code == 400
    assert response.context["new_key"] is None
    assert ApiToken.objects.count() == before


def test_revoke_own_token(demo, login, clear_api_throttle):
    token, key = api_token_create(user=demo.user("demo-boligorg"), name="Gammelt system")
    client = login("demo-boligorg")
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(key).get("/api/v1/plans/").status_code == 401
    assert "Tilbagekaldt" in client.get(reverse("api-tokens")).content.decode()


def test_other_users_tokens_are_invisible_and_cannot_be_revoked(demo, login):
    token, _key = api_token_create(user=demo.user("demo-koordinator"), name="Koordinatorens token")
    client = login("demo-boligorg")
    assert "Koordinatorens token" not in client.get(reverse("api-tokens")).content.decode()
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("api-token-revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_page_query_count_is_constant(demo, login, django_assert_max_num_queries):
    client = login("demo-boligorg")
    user = demo.user("demo-boligorg")
    api_token_create(user=user, name="én")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api-tokens")).status_code == 200
    for i in range(30):
        api_token_create(user=user, name=f"token {i}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api-tokens"))
    assert response.content.decode().count("…</code>") == 31


# --- throttling ---------------------------------------------------------------------------------


def test_throttling_is_per_token(demo, monkeypatch, clear_api_throttle):
    from django.conf import settings

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api": "3/hour"}
    monkeypatch.setitem(settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES", rates)
    user = demo.user("demo-boligorg")
    _t1, first = api_token_create(user=user, name="a")
    _t2, second = api_token_create(user=user, name="b")
    client = token_client(first)
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/plans/")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert set(response.json()) == {"detail", "errors"}
    assert token_client(second).get("/api/v1/plans/").status_code == 200


def test_default_rate_comes_from_the_environment():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"] == settings.API_THROTTLE_RATE
    assert api_auth.TokenRateThrottle.scope == "api"


def test_api_writes_with_session_need_csrf(demo, client):
    from rest_framework.test import APIClient as CsrfClient

    csrf_client = CsrfClient(enforce_csrf_checks=True)
    csrf_client.force_login(demo.user("demo-boligorg"))
    plan = demo.plan(PLAN_A1)
    sub_agreement = plan.sub_agreements.first()
    response = csrf_client.post(
        "/api/v1/interventions/",
        {
            "sub_agreement": sub_agreement.pk,
            "name": "CSRF",
            "responsible_partner": plan.housing_organisations.first().pk,
        },
        format="json",
    )
    assert response.status_code == 403


def test_admin_lists_tokens_without_the_hash_and_can_revoke(demo, login):
    token, _key = api_token_create(user=demo.user("demo-boligorg"), name="Adminsynligt")
    client = login("demo-admin")
    page = client.get("/admin/portal/apitoken/").content.decode()
    assert "Adminsynligt" in page and token.key_hash not in page
    assert token.key_hash not in client.get(f"/admin/portal/apitoken/{token.pk}/change/").content.decode()
    response = client.post("/admin/portal/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
