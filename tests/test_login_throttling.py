"""Login throttling (django-axes) and the brake on API token guessing."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

LOCKED_DA = "For mange mislykkede loginforsøg. Brugeren er midlertidigt spærret; prøv igen om 15 minutter."
LOCKED_EN = "Too many failed login attempts. The account is temporarily locked; try again in 15 minutes."


def post_login(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail_five_times(client, username: str = "demo-koordinator", **extra):
    for _ in range(5):
        response = post_login(client, username, "forkert", **extra)
        assert response.status_code in (200, 429)
    return response


def test_defaults_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_four_failures_do_not_lock_and_success_resets_the_count(client, demo):
    for _ in range(4):
        assert post_login(client, "demo-koordinator", "forkert").status_code == 200
    response = post_login(client, "demo-koordinator", "demo1234")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo.user("demo-koordinator").pk)
    assert AccessAttempt.objects.filter(username="demo-koordinator").count() == 0


def test_after_five_failures_the_right_password_is_refused_in_danish(client, demo):
    fail_five_times(client)
    response = post_login(client, "demo-koordinator", "demo1234")
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_DA in html
    assert '<html lang="da">' in html
    assert '<header class="header">' in html and "<main" in html  # the site layout
    assert 'name="username"' in html  # still the login page
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_english_when_the_user_chose_english(client, demo):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail_five_times(client)
    response = post_login(client, "demo-koordinator", "demo1234")
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_EN in html
    assert '<html lang="en">' in html


def test_lockout_is_by_username_not_by_address(client, demo):
    """Colleagues behind the same municipal NAT address can still log in."""
    fail_five_times(client, REMOTE_ADDR="10.20.30.40")
    response = post_login(client, "demo-boligorg", "demo1234", REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302
    # ... while the locked username stays locked from any address.
    client.logout()
    assert post_login(client, "demo-koordinator", "demo1234", REMOTE_ADDR="192.0.2.7").status_code == 429


def test_after_the_cool_off_the_right_password_works(client, demo):
    fail_five_times(client)
    attempts = AccessAttempt.objects.filter(username="demo-koordinator")
    # 14 minutes later: still locked.
    attempts.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert post_login(client, "demo-koordinator", "demo1234").status_code == 429
    # 16 minutes after the last failure: the cool-off is over.
    attempts.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = post_login(client, "demo-koordinator", "demo1234")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo.user("demo-koordinator").pk)


def test_limits_come_from_the_settings(client, demo, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    settings.AXES_COOLOFF_MINUTES = 3
    for _ in range(2):
        post_login(client, "demo-koordinator", "forkert")
    response = post_login(client, "demo-koordinator", "demo1234")
    assert response.status_code == 429
    assert "prøv igen om 3 minutter" in response.content.decode()


def test_admin_shows_the_lockout(client, demo, login):
    fail_five_times(client)
    attempt = AccessAttempt.objects.get(username="demo-koordinator")
    assert attempt.failures_since_start >= 5
    assert AccessFailureLog.objects.filter(username="demo-koordinator").count() >= 5
    admin = login("demo-admin")
    listing = admin.get("/admin/axes/accessattempt/?locked_out=yes")
    assert listing.status_code == 200
    assert "demo-koordinator" in listing.content.decode()
    failures = admin.get("/admin/axes/accessfailurelog/")
    assert failures.status_code == 200
    assert "demo-koordinator" in failures.content.decode()
    # Deleting the attempt in the admin lifts the lockout.
    attempt.delete()
    admin.logout()
    assert post_login(client, "demo-koordinator", "demo1234").status_code == 302


def test_force_login_is_not_affected_by_a_lockout(client, demo, login):
    fail_five_times(client)
    response = login("demo-koordinator").get(reverse("plan-list"))
    assert response.status_code == 200


def test_the_token_page_sits_behind_the_throttled_login(client, demo):
    """API tokens are made on /profil/tokens/ (session login, throttled above) or by the shell command."""
    fail_five_times(client)
    post_login(client, "demo-koordinator", "demo1234")
    response = client.post(reverse("api-tokens"), {"name": "stjålet"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_token_guessing_is_braked_per_address(demo, api, settings):
    from rest_framework.test import APIClient

    limit = settings.API_AUTH_FAILURE_LIMIT = 3
    guesser = APIClient(REMOTE_ADDR="198.51.100.9")
    for n in range(limit):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {'0' * 39}{n}")
        assert guesser.get("/api/v1/plans/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {'0' * 40}")
    blocked = guesser.get("/api/v1/plans/")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) == 15 * 60
    # Even a valid token is refused from that address until the window ends: guessing stops paying off.
    valid = api("demo-boligorg")
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {valid.key}")
    assert guesser.get("/api/v1/plans/").status_code == 429
    # Other addresses are untouched.
    assert valid.get("/api/v1/plans/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_test_client_login_works_when_given_a_request(client, demo):
    """django-axes needs the request to authenticate: tests that use ``client.login`` pass one
    (``force_login``, which the ``login`` fixture uses, needs nothing)."""
    from django.http import HttpRequest

    assert client.login(request=HttpRequest(), username="demo-koordinator", password="demo1234") is True
    assert client.get(reverse("plan-list")).status_code == 200
