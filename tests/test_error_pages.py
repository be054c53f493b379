"""403, 404 and 500 in the site layout with DEBUG off; the 500 page needs no database.

The raising views exist only in this module's URLconf (``pytest.mark.urls``), never in production.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from portal import urls as portal_urls


def forbidden_view(request):
    raise PermissionDenied


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-only/forbidden/", forbidden_view),
    path("test-only/broken/", broken_view),
    path("", include(portal_urls)),
]
handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def assert_site_layout(html: str, lang: str = "da"):
    assert f'<html lang="{lang}">' in html
    assert '<header class="header">' in html  # the site header (DKFDS)
    assert '<main id="main-content"' in html
    assert '<a href="/">' in html  # the way back to the front page


def test_a_missing_plan_is_a_danish_404_page_in_the_site_layout(login):
    response = login("demo-koordinator").get("/planer/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_site_layout(html)
    assert "<h1>Siden findes ikke</h1>" in html
    assert "Gå til forsiden" in html
    assert "Log ud" in html  # the logged-in header, as on every page


def test_the_404_page_is_english_when_the_user_chose_english(login, settings):
    client = login("demo-koordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/findes-ikke/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_site_layout(html, lang="en")
    assert "<h1>Page not found</h1>" in html
    assert "Go to the front page" in html


def test_permission_denied_is_a_danish_403_page(login):
    response = login("demo-koordinator").get("/test-only/forbidden/")
    html = response.content.decode()
    assert response.status_code == 403
    assert_site_layout(html)
    assert "<h1>Ingen adgang</h1>" in html


def test_api_errors_keep_the_json_shape(login):
    client = login("demo-koordinator")
    response = client.get("/api/v1/findes-ikke/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ikke fundet.", "errors": {}}


def test_a_server_error_is_a_danish_500_page(client, db):
    client.raise_request_exception = False
    response = client.get("/test-only/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert_site_layout(html)
    assert "<h1>Der opstod en fejl</h1>" in html
    assert "Prøv igen om lidt" in html


def test_the_500_page_renders_while_the_database_is_down(login, django_db_blocker, settings):
    client = login("demo-koordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.raise_request_exception = False
    with django_db_blocker.block():  # every database access now raises
        response = client.get("/test-only/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert_site_layout(html, lang="en")
    assert "<h1>Something went wrong</h1>" in html


def test_a_form_without_a_valid_csrf_token_gets_a_danish_page_in_the_site_layout(login, django_user_model):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.get(username="demo-koordinator"))
    response = client.post("/i18n/setlang/", {"language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert_site_layout(html)
    assert "<h1>Formularen kunne ikke sendes</h1>" in html
    assert "genindlæs siden" in html
    assert "Log ud" in html  # rendered with the request: the logged-in header


def test_the_csrf_page_is_english_when_the_user_chose_english(client, settings, db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert_site_layout(html, lang="en")
    assert "<h1>The form could not be sent</h1>" in html


def test_a_bad_request_is_a_danish_400_page_in_the_site_layout(client, db):
    response = client.get("/planer/", HTTP_HOST="bad host name")
    html = response.content.decode()
    assert response.status_code == 400
    assert_site_layout(html)
    assert "<h1>Forespørgslen kunne ikke behandles</h1>" in html
