"""Playwright: the sekretariatsleder follows a plan's goals, enters a measurement with the keyboard and approves."""

import pytest

from .browser import ARTIFACTS, chromium_page, log_in
from .conftest import PLAN_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDICATOR = "Antal faste deltagere i lektiecaféen"


def test_goal_page_measurement_entry_and_approval(live_server, settings):
    settings.DEMO_PASSWORD = "demo1234"
    with chromium_page() as page:
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.get_by_role("link", name=PLAN_A1, exact=True).first.click()
        page.get_by_role("tab", name="Målstyring").click()  # the plan page's målstyring tab
        page.get_by_role("link", name="Se mål, indikatorer og status").click()
        page.get_by_role("heading", name=f"Målstyring: {PLAN_A1}", level=1).wait_for()
        # Every chart is an image with an accessible name; every status has a word.
        chart = page.get_by_role("img", name=f"Udvikling for {INDICATOR}")
        assert chart.count() == 1
        assert page.get_by_text("Ude af kurs").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "goal-page.png"), full_page=True)

        page.get_by_role("link", name=INDICATOR).click()
        page.get_by_role("link", name="Ny måling").click()
        # Keyboard only: type, tab, type, enter.
        page.get_by_label("Periode").focus()
        page.keyboard.type("2026-Q4")
        page.keyboard.press("Tab")
        page.keyboard.type("46,5")
        page.keyboard.press("Enter")
        page.get_by_text("Målingen er gemt som kladde").wait_for()
        row = page.get_by_role("row").filter(has_text="2026-Q4")
        assert row.get_by_text("En anden skal godkende").is_visible()

        # The boligorganisation's draft for 2026-Q3 can be approved by the sekretariatsleder.
        page.get_by_role("button", name="Godkend 2026-Q3").click()
        page.get_by_text("Målingen for 2026-Q3 er godkendt.").wait_for()
        page.screenshot(path=str(ARTIFACTS / "indicator-page.png"), full_page=True)
