"""Playwright, Debian chromium: the sekretariatsleder drafts a change to a delaftale, approves it
with the board's decision and reads the difference between the versions (issue #15, item 5)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from governance.agreements.models import AgreementVersion

from .browser import chromium_page, log_in
from .conftest import PLAN_A1


@pytest.fixture
def page():
    with chromium_page() as page:
        page.set_default_timeout(20_000)
        yield page


@pytest.mark.browser
def test_secretariat_lead_drafts_approves_and_reads_the_diff(live_server, page):
    from plans.models import Plan

    plan = Plan.objects.get(name=PLAN_A1)
    sub_agreement = plan.sub_agreements.get(thematic_area__name="Beskæftigelse")
    log_in(page, live_server.url, "demo-sekretariatsleder", settings.DEMO_PASSWORD)

    # From the plan page to the delaftale's versions, and a new draft.
    page.goto(f"{live_server.url}/planer/{plan.pk}/")
    page.get_by_role("tab", name="Aftaler").click()  # the delaftaler are under the plan page's agreements tab
    page.get_by_role("link", name=f"Versioner af {sub_agreement.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sub_agreement.title)
    page.get_by_role("link", name="Udarbejd ny version").click()
    text = page.get_by_label("Aftaletekst")
    text.fill(text.input_value() + " Jobcaféen holder også åbent torsdag eftermiddag.")
    page.get_by_label("Begrundelse for ændringen").fill("Flere ledige beboere kan nå jobcaféen.")
    page.get_by_role("button", name="Gem udkast").click()

    # The draft shows what changes, labelled in text.
    expect(page.get_by_role("heading", name="Ændringer fra version 1 til version 2")).to_be_visible()
    inserted = page.locator("ins", has_text="torsdag eftermiddag")
    expect(inserted).to_contain_text("Tilføjet:")

    # Approve it with the board's decision.
    page.get_by_label("Bestyrelsens beslutning").select_option(index=1)
    page.get_by_role("button", name="Godkend version").click()
    expect(page.get_by_text("er godkendt og er nu den gældende aftale")).to_be_visible()
    version = AgreementVersion.objects.get(sub_agreement=sub_agreement, number=2)
    assert version.status == "approved" and version.decision is not None
    expect(page.locator("ins", has_text="torsdag eftermiddag")).to_be_visible()

    # The delaftale now reads the approved text; version 1 is kept.
    page.get_by_role("navigation", name="Brødkrumme").get_by_role("link", name=sub_agreement.title).click()
    expect(page.get_by_text("Jobcaféen holder også åbent torsdag eftermiddag.")).to_be_visible()
    expect(page.get_by_role("link", name="Se version 1 og ændringerne")).to_be_visible()
