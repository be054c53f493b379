"""Playwright, Debian chromium: the sekretariatsleder's whole meeting workflow in a real browser.

Creates a meeting, adds a decision item with a bilag, sends the agenda, records the decision with
an action and approves the minutes.

``live_server`` needs a transactional database; tests/conftest.py rebuilds the demo world for it.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from governance.meetings.models import ActionItem, Attachment, Decision, Meeting, SendOut

from .browser import chromium_page
from .conftest import PLAN_A1
from .governance_helpers import PDF_BYTES


@pytest.fixture
def page():
    with chromium_page() as page:
        page.set_default_timeout(20_000)
        yield page


@pytest.mark.browser
def test_secretariat_lead_runs_a_meeting(live_server, page, tmp_path, settings_media):
    from plans.models import Plan

    plan = Plan.objects.get(name=PLAN_A1)

    # Log in.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("demo-sekretariatsleder")
    page.get_by_label("Adgangskode").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()

    # Create the meeting.
    page.goto(f"{live_server.url}/planer/{plan.pk}/moeder/")
    page.get_by_role("link", name="Opret møde").click()
    day = (timezone.localdate() + timedelta(days=60)).isoformat()
    page.get_by_label("Organ").select_option(label=f"Bestyrelsen for {PLAN_A1}")
    page.get_by_label("Titel").fill("Ekstraordinært bestyrelsesmøde")
    page.get_by_label("Starter").fill(f"{day}T15:00")
    page.get_by_label("Slutter").fill(f"{day}T17:00")
    page.get_by_label("Sted", exact=False).first.fill("Beboerhuset")
    page.get_by_role("button", name="Gem møde").click()
    # A new meeting opens in the agenda builder (tests/test_browser_agenda_flow.py uses it); go to the meeting.
    expect(page.get_by_role("heading", level=1)).to_have_text("Byg dagsorden: Ekstraordinært bestyrelsesmøde")
    page.get_by_role("link", name="Til mødesiden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ekstraordinært bestyrelsesmøde")
    expect(page.get_by_text("Frist for udsendelse")).to_be_visible()
    meeting = Meeting.objects.get(title="Ekstraordinært bestyrelsesmøde")

    # Add a decision item.
    page.get_by_role("link", name="Tilføj punkt").click()
    page.get_by_label("Titel").fill("Flyt midler til lektiecaféen")
    page.get_by_label("Type").select_option("decision")
    page.get_by_label("Indstilling").fill("Sekretariatet indstiller, at 100.000 kr. flyttes.")
    page.get_by_role("button", name="Gem punkt").click()
    item = meeting.agenda_items.get(title="Flyt midler til lektiecaféen")

    # Attach a bilag to it.
    bilag = tmp_path / "notat.pdf"
    bilag.write_bytes(PDF_BYTES)
    page.locator(f"#bilag-{item.pk}").set_input_files(str(bilag))
    page.locator(f"#punkt-{item.pk}").get_by_role("button", name="Upload bilag").click()
    expect(page.get_by_role("link", name="notat.pdf")).to_be_visible()
    assert Attachment.objects.filter(agenda_item=item, content_type="application/pdf").exists()

    # Send the agenda (Celery runs in-process without REDIS_URL).
    page.get_by_role("button", name="Send dagsorden").click()
    expect(page.get_by_text("Dagsordenen er sat i kø til udsendelse.")).to_be_visible()
    send_out = SendOut.objects.get(meeting=meeting)
    assert send_out.state == SendOut.State.DONE and send_out.recipients_count > 0
    assert len(mail.outbox) == send_out.recipients_count

    # Record the decision and an action.
    page.get_by_role("link", name="Skriv referat").click()
    page.locator(f"#decision-{item.pk}").fill("Bestyrelsen godkendte at flytte 100.000 kr.")
    page.get_by_role("button", name="Gem referat").click()
    expect(page.get_by_text("Referatet er gemt.")).to_be_visible()
    decision = Decision.objects.get(agenda_item=item, is_current=True)
    form = page.locator(f"form[action$='/beslutninger/{decision.pk}/handlinger/']")
    form.get_by_label("Handling").fill("Justér budgettet")
    form.get_by_label("Ansvarlig").select_option(label="Signe Lauridsen")
    form.get_by_label("Frist", exact=True).fill((timezone.localdate() + timedelta(days=90)).isoformat())
    form.get_by_role("button", name="Tilføj handlingspunkt").click()
    expect(page.get_by_text("Handlingspunktet er tilføjet.")).to_be_visible()
    assert ActionItem.objects.filter(decision=decision, title="Justér budgettet").exists()

    # Approve the minutes once the meeting has started (time-travel it into the past): the decision is locked.
    started = timezone.now() - timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started, ends_at=started + timedelta(hours=2))
    page.reload()
    page.get_by_role("button", name="Godkend referat").click()
    expect(page.get_by_text("Referatet er godkendt. Beslutningerne er nu låst.")).to_be_visible()
    meeting.refresh_from_db()
    decision.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_APPROVED
    assert decision.is_locked


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
