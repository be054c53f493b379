"""Shared helpers for Playwright tests: Debian's chromium, never a downloaded browser."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@contextmanager
def chromium_page():
    """One Danish page of Debian's chromium."""
    with chromium_browser() as browser:
        yield browser.new_page(locale="da-DK")


def log_in(page, base_url: str, username: str, password: str = "demo1234") -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()


@contextmanager
def chromium_browser():
    """Debian's chromium for tests that open several pages or contexts (one per role)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; scripts/setup.sh --test installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
            # Inside sync_playwright() the test's ORM calls run in a context of their own, and Django's
            # connections are per context: close the ones opened there, or their session outlives the
            # test and the test database cannot be dropped at the end of the run.
            connections.close_all()
