"""Playwright: the sekretariatsleder logs in and opens a plan page (Debian chromium)."""

import pytest

from .browser import ARTIFACTS, chromium_page, log_in
from .conftest import PLAN_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_lead_logs_in_and_opens_a_plan(live_server, settings):
    settings.DEMO_PASSWORD = "demo1234"
    with chromium_page() as page:
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.get_by_role("heading", name="Mit sekretariat", level=1).wait_for()  # the sekretariatsleder's landing
        page.get_by_role("link", name=PLAN_A1, exact=True).first.click()
        page.get_by_role("heading", name=PLAN_A1, level=1).wait_for()
        assert page.get_by_role("heading", name="Organisering").is_visible()
        assert page.get_by_text("Bestyrelsen for Helhedsplan Vestparken og Nørre Enge").first.is_visible()
        assert page.locator("html").get_attribute("lang") == "da"
        page.screenshot(path=str(ARTIFACTS / "plan-page.png"), full_page=True)
