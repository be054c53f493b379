"""Playwright: the pages run under the Content-Security-Policy without a single violation."""

import pytest

from .browser import ARTIFACTS, chromium_page, log_in
from .conftest import PLAN_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_plan_page_and_swagger_ui_run_without_csp_violations(live_server, settings):
    settings.DEMO_PASSWORD = "demo1234"
    with chromium_page() as page:
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        violations: list[str] = []
        # Chromium reports each refusal as a securitypolicyviolation event as well as on the console.
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )

        page.goto(f"{live_server.url}/login/")
        page.get_by_role("heading", name="Log ind", level=1).wait_for()
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.get_by_role("heading", name="Mit sekretariat", level=1).wait_for()
        page.get_by_role("link", name=PLAN_A1, exact=True).first.click()
        page.get_by_role("heading", name=PLAN_A1, level=1).wait_for()
        assert page.evaluate("window.htmx && htmx.config.includeIndicatorStyles") is False

        page.goto(f"{live_server.url}/api/v1/docs/")
        # Swagger UI rendered the operations it read from the schema.
        page.locator(".opblock-summary-path", has_text="/api/v1/plans/").first.wait_for(timeout=30_000)
        assert page.locator(".opblock").count() > 10
        page.screenshot(path=str(ARTIFACTS / "swagger-ui-csp.png"))

        violations = [text for text in console if "Refused to" in text or "CSP violation" in text]
        assert violations == []
