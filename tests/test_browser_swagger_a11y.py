"""Playwright + axe-core: the API documentation (Swagger UI at /api/v1/docs/) has no WCAG 2.1 A/AA violation,
with the operation list as it first appears and with one operation opened."""

import pytest

from .a11y import run_axe
from .browser import ARTIFACTS, chromium_browser, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_has_lang_and_no_axe_violations(demo, live_server, settings):
    settings.DEMO_PASSWORD = "demo1234"
    with chromium_browser() as browser:
        # axe-core is injected as a script tag, which the Content-Security-Policy would refuse.
        context = browser.new_context(locale="da-DK", bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.get_by_role("heading", name="Mit sekretariat", level=1).wait_for()
        page.goto(f"{live_server.url}/api/v1/docs/")
        page.locator(".opblock-summary-path", has_text="/api/v1/plans/").first.wait_for(timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == "en"
        closed = run_axe(page)
        page.locator(".opblock-summary-control").first.click()
        page.locator(".opblock-body").first.wait_for()
        opened = run_axe(page)
        page.screenshot(path=str(ARTIFACTS / "swagger-ui-a11y.png"), full_page=False)
    assert closed == [], closed
    assert opened == [], opened
