"""Playwright: the sekretariatsleder orders a pixi report from the plan page and opens the archive."""

import io

import pytest
from django.core.management import call_command

from .browser import ARTIFACTS, chromium_page, log_in
from .conftest import PLAN_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_orders_a_pixi_report_and_gets_the_pdf_link(live_server, settings, tmp_path):
    settings.DEMO_PASSWORD = "demo1234"
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--force", stdout=io.StringIO())
    with chromium_page() as page:
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.get_by_role("link", name=PLAN_A1, exact=True).first.click()
        page.get_by_role("button", name="Generér pixi-rapport for seneste kvartal").click()
        page.get_by_role("heading", name="Pixi- og statusrapporter", level=1).wait_for()
        link = page.get_by_role("link", name="Hent PDF: Pixi-rapport")
        link.first.wait_for()
        assert page.get_by_text("Færdig").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "report-archive.png"), full_page=True)
        href = link.first.get_attribute("href")
        response = page.request.get(live_server.url + href)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
