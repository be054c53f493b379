"""Every portal form renders the DKFDS way (templates/forms/fields.html): an error summary first
with one link per error to its field, each error tied to its control by aria-describedby,
required fields marked, and Danish messages that say how to fix the field."""

import re

from django.urls import reverse

from .conftest import PLAN_A1
from .governance_helpers import demo_meeting


def _control(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"no control with id {field_id}"
    return match.group(0)


def test_a_meeting_form_with_errors_has_a_summary_linking_to_each_field(demo, login):
    meeting = demo_meeting(PLAN_A1)
    url = reverse("governance:meeting-edit", args=[meeting.pk])
    response = login("demo-sekretariatsleder").post(url, {"body": meeting.body_id, "kind": meeting.kind, "title": ""})
    html = response.content.decode()
    assert response.status_code == 200

    summary = html[html.index('data-module="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert html.index('data-module="error-summary"') < html.index('id="id_title"')  # the summary comes first
    assert '<a href="#id_title">Titel: Udfyld „Titel“.</a>' in summary
    assert '<a href="#id_starts_at">' in summary

    title = _control(html, "id_title")
    assert 'aria-invalid="true"' in title and 'aria-describedby="id_title_error"' in title
    assert 'id="id_title_error"' in html
    # Required fields carry the marking; a field without errors is not marked invalid.
    required_label = '<label class="form-label" for="id_title">Titel<span class="weight-normal"> (skal udfyldes)'
    assert required_label in html
    assert "aria-invalid" not in _control(html, "id_body")


def test_a_form_without_errors_has_no_summary(demo, login):
    meeting = demo_meeting(PLAN_A1)
    html = login("demo-sekretariatsleder").get(reverse("governance:meeting-edit", args=[meeting.pk])).content.decode()
    assert 'data-module="error-summary"' not in html
    assert "aria-invalid" not in html


def test_hints_and_errors_are_both_described_and_the_english_ui_is_english(demo, login, settings):
    client = login("demo-sekretariatsleder")
    url = reverse("api-tokens")
    html = client.post(url, {"name": "", "expires_on": "2001-01-01"}).content.decode()
    assert 'aria-describedby="id_name_helptext id_name_error"' in _control(html, "id_name")
    assert '<a href="#id_name">Navn: Udfyld „Navn“.</a>' in html
    assert "Datoen skal være i dag eller senere." in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.post(url, {"name": ""}).content.decode()
    assert "Fill in “Name”." in html
    assert "Udfyld" not in html


def test_the_login_form_is_rendered_like_every_portal_form(client, db):
    url = reverse("login")
    html = client.get(url).content.decode()
    assert 'data-module="error-summary"' not in html
    assert '<label class="form-label" for="id_username">Brugernavn<span class="weight-normal"> (skal udfyldes)' in html
    username, password = _control(html, "id_username"), _control(html, "id_password")
    assert 'autocomplete="username"' in username and "autofocus" in username
    assert 'autocomplete="current-password"' in password and 'class="form-input"' in password

    # Empty fields: the summary links to each, each error is tied to its field.
    html = client.post(url, {"username": "", "password": ""}).content.decode()
    summary = html[html.index('data-module="error-summary"') :]
    assert '<a href="#id_username">Brugernavn: Udfyld „Brugernavn“.</a>' in summary
    assert '<a href="#id_password">Adgangskode: Udfyld „Adgangskode“.</a>' in summary
    control = _control(html, "id_username")
    assert 'aria-invalid="true"' in control and 'aria-describedby="id_username_error"' in control

    # A wrong password: the summary says so, the user name stays filled in, the password does not.
    html = client.post(url, {"username": "demo-koordinator", "password": "forkert"}).content.decode()
    summary = html[html.index('data-module="error-summary"') :]
    assert "Brugernavn eller adgangskode er forkert. Prøv igen." in summary[: summary.index("</div>")]
    assert 'value="demo-koordinator"' in _control(html, "id_username")
    assert "value=" not in _control(html, "id_password")
