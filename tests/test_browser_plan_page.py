"""Playwright: the plan page is an overview with Det Fælles Designsystem's tabs.

At 1280 × 800 px (a laptop screen) the page with its first tab open fits in about three screen
heights; the tabs follow DKFDS (arrow keys, Home/End move between them); a link to a delaftale in the
organisation chart opens the tab it is in; without JavaScript every section is on the page.
"""

import pytest
from django.urls import reverse

from plans.models import Plan

from .a11y import focus_walk, horizontal_overflow, run_axe, small_text
from .browser import ARTIFACTS, chromium_browser, log_in
from .conftest import PLAN_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1280, "height": 800}
# Three screen heights and a margin of a quarter screen.
MAX_HEIGHT = 3 * SCREEN["height"] + 200
TABS = ["Organisering", "Aftaler", "Målstyring", "Møder", "Medfinansiering"]


def _document_height(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")


def test_plan_page_fits_three_screens_and_its_tabs_work_by_keyboard(live_server, settings):
    settings.DEMO_PASSWORD = "demo1234"
    plan = Plan.objects.get(name=PLAN_A1)
    url = f"{live_server.url}{reverse('plan-detail', args=[plan.pk])}"
    with chromium_browser() as browser:
        context = browser.new_context(locale="da-DK", viewport=SCREEN)
        page = context.new_page()
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.wait_for_url(lambda u: "/login/" not in u)
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        tablist = page.get_by_role("tablist")
        tablist.wait_for()
        tabs = tablist.get_by_role("tab")
        assert [tabs.nth(i).inner_text().strip() for i in range(tabs.count())] == TABS
        assert page.locator("[role=tabpanel]:not([hidden])").count() == 1
        height = _document_height(page)
        page.screenshot(path=str(ARTIFACTS / "plan-page-1280.png"), full_page=True)
        assert height <= MAX_HEIGHT, f"the plan page is {height}px tall at 1280 px; at most {MAX_HEIGHT}px"

        # Keyboard: focus the selected tab, then the arrow keys, Home and End move the selection.
        tabs.nth(0).focus()
        page.keyboard.press("ArrowRight")
        assert tabs.nth(1).get_attribute("aria-selected") == "true"
        assert page.evaluate("document.activeElement.textContent.trim()") == "Aftaler"
        assert page.get_by_role("tabpanel", name="Aftaler").is_visible()
        assert not page.get_by_role("heading", name="Organisering", level=2).is_visible()
        page.keyboard.press("End")
        assert tabs.nth(4).get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowRight")  # wraps round to the first
        assert tabs.nth(0).get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowLeft")
        assert tabs.nth(4).get_attribute("aria-selected") == "true"
        page.keyboard.press("Home")
        assert tabs.nth(0).get_attribute("aria-selected") == "true"
        # Only the selected tab is in the tab order (roving tabindex).
        assert [tabs.nth(i).get_attribute("tabindex") for i in range(5)] == ["0", "-1", "-1", "-1", "-1"]

        # A delaftale in the organisation chart opens the agreements tab at that delaftale.
        chart_link = page.locator(".org-chart a[href^='#delaftale-']").first
        target = chart_link.get_attribute("href")
        chart_link.click()
        assert tabs.nth(1).get_attribute("aria-selected") == "true"
        assert page.locator(target).is_visible()
        # Each tab's panel is reachable by its address, too (a link from elsewhere, the back button).
        page.goto(f"{url}#tab-panel-meetings")
        page.get_by_role("tabpanel", name="Møder").wait_for()
        assert tabs.nth(3).get_attribute("aria-selected") == "true"
        context.close()

        # Every tab's panel passes axe (WCAG 2.1 AA) and reflows at 375 px; the tab walk shows focus.
        context = browser.new_context(locale="da-DK", viewport=SCREEN, bypass_csp=True)
        page = context.new_page()
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.wait_for_url(lambda u: "/login/" not in u)
        page.goto(url)
        problems = [f"focus: {problem}" for problem in focus_walk(page, steps=40)]
        for name in TABS:
            page.set_viewport_size(SCREEN)
            page.get_by_role("tab", name=name).click()
            for width in (1280, 375):
                page.set_viewport_size({"width": width, "height": 800})
                where = f"{name} @{width}px"
                problems += [f"{where}: axe {v['id']} at {v['targets']}" for v in run_axe(page)]
                if horizontal_overflow(page) > 0:
                    problems.append(f"{where}: the page scrolls sideways")
                problems += [f"{where}: text under 12px: {text}" for text in small_text(page)]
        assert not problems, "\n".join(problems)
        context.close()

        # Without JavaScript there are no tabs, and every section is on the page.
        context = browser.new_context(locale="da-DK", viewport=SCREEN, java_script_enabled=False)
        page = context.new_page()
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.wait_for_url(lambda u: "/login/" not in u)
        page.goto(url)
        assert page.get_by_role("tab").count() == 0
        for heading in ["Organisering", "Strategisk samarbejdsaftale", "Målstyring", "Møder", "Medfinansiering"]:
            assert page.get_by_role("heading", name=heading, level=2, exact=True).is_visible(), heading
        context.close()
