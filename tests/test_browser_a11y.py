"""Playwright + axe-core: every page template, for every role, at 1280 and 375 px.

For each role the sweep logs in once and opens each distinct page template it can reach (one object
per kind, inside the role's scope; pages a role may not open show the 403/404 page, which is checked
too). At both widths: no WCAG 2.0/2.1 A or AA violation found by axe-core (see FULL below), no
horizontal page scroll, no text under 12 px. At 1280 px for one role per page, a tab walk: each focused element has a
visible focus indicator with at least 3:1 contrast. Failures are collected and reported together.
"""

import os
import time

import pytest
from django.urls import reverse

from governance.models import Decision, Meeting
from monitoring.models import Indicator
from plans.models import Plan

from .a11y import focus_walk, horizontal_overflow, run_axe, small_text
from .browser import ARTIFACTS, chromium_browser, log_in
from .conftest import PLAN_A1, PLAN_B

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core takes most of the time (~0.8 s a page on the 2-core machine), so by default it runs on each
# template once (for the first role that opens it) and on every role's landing page and error pages;
# every role still opens every template for the sideways-scroll and text-size checks.
# A11Y_SWEEP=full runs axe for every role × template × width (about four minutes).
FULL = os.environ.get("A11Y_SWEEP") == "full"

WIDTHS = (1280, 375)
ROLE_PLAN = {
    "demo-sekretariatsleder": PLAN_A1,
    "demo-koordinator": PLAN_A1,
    "demo-bestyrelse": PLAN_A1,
    "demo-styregruppe": PLAN_A1,
    "demo-boligorg": PLAN_A1,
    "demo-admin": PLAN_A1,
    # The same role in another kommune sees the same templates: one of the two stands for both.
    "demo-boligorg-2": PLAN_B,
}
# The role whose tab walk stands for everyone's (it reaches every page template).
FOCUS_ROLE = "demo-sekretariatsleder"


def page_paths(plan_name: str) -> list[str]:
    """One address per page template, for objects of ``plan_name``."""
    plan = Plan.objects.get(name=plan_name)
    meeting = Meeting.objects.filter(body__plan=plan, agenda_items__isnull=False).order_by("-starts_at").first()
    indicator = Indicator.objects.filter(goal__plan=plan).order_by("pk").first()
    decision = Decision.objects.filter(agenda_item__meeting__body__plan=plan).order_by("pk").first()
    paths = [
        reverse("plan-list"),
        reverse("plan-detail", args=[plan.pk]),
        reverse("overview"),
        reverse("cofinancing"),
        reverse("project-bank"),
        reverse("area-barometer"),
        reverse("governance:upcoming-meetings"),
        reverse("my-secretariat"),
        reverse("reading-room"),
        reverse("api-tokens"),
        reverse("governance:calendar-settings"),
        reverse("governance:meeting-list", args=[plan.pk]),
        reverse("governance:meeting-create", args=[plan.pk]),
        reverse("governance:meeting-detail", args=[meeting.pk]),
        reverse("governance:meeting-agenda", args=[meeting.pk]),
        reverse("governance:minutes-edit", args=[meeting.pk]),
        reverse("governance:decision-register", args=[plan.pk]),
        reverse("governance:report-archive", args=[plan.pk]),
        reverse("monitoring:goal-tree", args=[plan.pk]),
        reverse("monitoring:goal-edit", args=[plan.pk, indicator.goal_id]),
        reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk]),
        reverse("monitoring:measurement-create", args=[plan.pk, indicator.pk]),
        reverse("monitoring:import-upload", args=[plan.pk]),
        "/findes-ikke/",
    ]
    if decision:
        paths.append(reverse("governance:decision-correct", args=[decision.pk]))
    return paths


def check_page(page, label: str, *, focus: bool, axe_wide: bool, axe_narrow: bool) -> list[str]:
    """Sideways scroll and text size at both widths; axe at 1280 px when ``axe_wide`` and at 375 px when
    ``axe_narrow``; the tab walk at 1280 px when ``focus``."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        where = f"{label} @{width}px"
        overflow = horizontal_overflow(page)
        if overflow > 0:
            problems.append(f"{where}: page scrolls sideways by {overflow}px")
        violations = run_axe(page) if (axe_wide if width == 1280 else axe_narrow) else []
        for violation in violations:
            problems.append(f"{where}: axe {violation['id']} ({violation['impact']}) at {violation['targets']}")
        for text in small_text(page):
            problems.append(f"{where}: text under 12px: {text}")
        if focus and width == 1280:
            problems.extend(f"{where}: {problem}" for problem in focus_walk(page))
    return problems


def test_every_page_of_every_role_meets_wcag_21_aa_at_1280_and_375_px(live_server, settings):
    settings.DEMO_PASSWORD = "demo1234"
    problems: list[str] = []
    started = time.monotonic()
    pages = 0
    with chromium_browser() as browser:
        # axe-core is added as a script element; the Content-Security-Policy has its own test.
        context = browser.new_context(locale="da-DK", bypass_csp=True)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        problems += check_page(page, "anonymous /login/", focus=True, axe_wide=True, axe_narrow=True)
        context.close()
        axe_done: set[str] = set()
        for username, plan_name in ROLE_PLAN.items():
            context = browser.new_context(locale="da-DK", bypass_csp=True, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            log_in(page, live_server.url, username)
            page.wait_for_url(lambda url: "/login/" not in url)
            problems += check_page(page, f"{username} landing page", focus=False, axe_wide=True, axe_narrow=True)
            error_pages_seen: set[int] = set()
            for index, path in enumerate(page_paths(plan_name)):
                page.set_viewport_size({"width": 1280, "height": 900})
                response = page.goto(f"{live_server.url}{path}", wait_until="domcontentloaded")
                page.evaluate("document.fonts.ready.then(() => true)")
                status = response.status if response else 0
                if status != 200:
                    if status in error_pages_seen:
                        continue  # the same 403/404 template, already checked for this role
                    error_pages_seen.add(status)
                template = str(index) if status == 200 else str(status)
                first = template not in axe_done
                problems += check_page(
                    page,
                    f"{username} {path} ({status})",
                    focus=username == FOCUS_ROLE,
                    axe_wide=first or FULL,
                    axe_narrow=first or FULL,
                )
                axe_done.add(template)
                pages += 1
            context.close()
    (ARTIFACTS / "a11y-sweep.txt").write_text(
        f"{pages} pages in {time.monotonic() - started:.0f} s\n" + "\n".join(problems) + "\n", encoding="utf-8"
    )
    assert problems == [], f"{len(problems)} accessibility problems:\n" + "\n".join(problems[:60])
