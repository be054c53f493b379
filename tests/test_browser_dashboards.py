"""Playwright: each role logs in, lands on its dashboard and opens the others it uses; screenshots."""

import pytest

from .browser import ARTIFACTS, chromium_page, log_in
from .conftest import PLAN_A1, PLAN_B

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_role_opens_its_dashboards(live_server, settings):
    settings.DEMO_PASSWORD = "demo1234"
    with chromium_page() as page:
        log_in(page, live_server.url, "demo-koordinator")
        page.get_by_role("heading", name="Overblik over helhedsplanerne", level=1).wait_for()
        assert page.get_by_role("link", name=PLAN_A1).first.is_visible()
        assert page.get_by_text(PLAN_B).count() == 0
        page.screenshot(path=str(ARTIFACTS / "dashboard-overblik.png"), full_page=True)
        page.get_by_label("Sortér efter").select_option("status")
        page.get_by_role("button", name="Vis").click()
        page.wait_for_url("**sort=status**")
        assert page.get_by_role("link", name=PLAN_A1).first.is_visible()
        for link, heading, shot in [
            ("Medfinansiering", "Medfinansiering", "dashboard-medfinansiering.png"),
            ("Projektbank", "Projektbank", "dashboard-projektbank.png"),
            ("Bybarometer", "Bybarometer", "dashboard-bybarometer.png"),
        ]:
            page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=link, exact=True).click()
            page.get_by_role("heading", name=heading, level=1).wait_for()
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        assert page.locator("svg[role=img]").count() == 1
        page.get_by_role("button", name="Log ud").click()

        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.get_by_role("heading", name="Mit sekretariat", level=1).wait_for()
        assert page.get_by_role("heading", name="Kommende møder og udsendelsesfrister").is_visible()
        assert page.get_by_role("heading", name="Rapportjob").is_visible()
        page.screenshot(path=str(ARTIFACTS / "dashboard-mit-sekretariat.png"), full_page=True)
        page.get_by_role("button", name="Log ud").click()

        log_in(page, live_server.url, "demo-bestyrelse")
        page.get_by_role("heading", name="Læsesal", level=1).wait_for()
        assert page.get_by_role("heading", name="Seneste statusrapporter").is_visible()
        assert page.get_by_text(PLAN_B).count() == 0
        page.screenshot(path=str(ARTIFACTS / "dashboard-laesesal.png"), full_page=True)
