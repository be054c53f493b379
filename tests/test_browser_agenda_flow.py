"""Playwright, Debian chromium (issue #15, "Done means"): create a meeting → accept two proposals →
reorder → send → record an afbud → hold the meeting → record attendance → approve minutes.

``live_server`` needs a transactional database; tests/conftest.py rebuilds the demo world for it.
Holding the meeting is a time-travel of its start into the past in the database.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from common.workdays import is_working_day
from governance.agenda.models import ProposalResponse
from governance.meetings.attendance.links import answer_url
from governance.meetings.attendance.models import Attendance
from governance.meetings.attendance.selectors import attendance_sheet
from governance.meetings.models import AgendaItem, Meeting, SendOut

from .browser import chromium_page
from .conftest import PLAN_A1


@pytest.fixture
def page():
    with chromium_page() as page:
        page.set_default_timeout(20_000)
        yield page


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _order(meeting) -> list[int]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True))


@pytest.mark.browser
def test_a_meeting_from_proposals_to_approved_minutes(live_server, page, settings_media):
    from plans.models import Plan

    plan = Plan.objects.get(name=PLAN_A1)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("demo-sekretariatsleder")
    page.get_by_label("Adgangskode").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()

    # Create the meeting on a working day (no holiday warning): it opens in the agenda builder.
    day = timezone.localdate() + timedelta(days=60)
    while not is_working_day(day):
        day += timedelta(days=1)
    page.goto(f"{live_server.url}/planer/{plan.pk}/moeder/nyt/")
    page.get_by_label("Organ").select_option(label=f"Bestyrelsen for {PLAN_A1}")
    page.get_by_label("Titel").fill("Bestyrelsesmøde med forslag")
    page.get_by_label("Starter").fill(f"{day.isoformat()}T15:00")
    page.get_by_label("Slutter").fill(f"{day.isoformat()}T17:00")
    page.get_by_label("Sted", exact=False).first.fill("Beboerhuset")
    page.get_by_role("button", name="Gem møde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Byg dagsorden: Bestyrelsesmøde med forslag")
    meeting = Meeting.objects.get(title="Bestyrelsesmøde med forslag")
    proposals = page.locator("ol.agenda-proposals > li")
    assert proposals.count() >= 2

    # Accept the top proposal where it is offered (first), and the next one last on the agenda.
    first = proposals.nth(0)
    first_title = first.locator("h3").inner_text()
    first.get_by_role("button", name="Sæt på dagsordenen").click()
    expect(page.get_by_text("er sat på dagsordenen som punkt 1")).to_be_visible()
    second = page.locator("ol.agenda-proposals > li").nth(0)
    second.get_by_label("Placering").select_option(index=second.locator("option").count() - 1)
    second.get_by_role("button", name="Sæt på dagsordenen").click()
    expect(page.get_by_text("er sat på dagsordenen som punkt")).to_be_visible()
    accepted = list(ProposalResponse.objects.filter(meeting=meeting, outcome="accepted").order_by("decided_at"))
    assert len(accepted) == 2
    order = _order(meeting)
    assert order[0] == accepted[0].agenda_item_id and order[-1] == accepted[1].agenda_item_id
    assert first_title.startswith(accepted[0].title[:20])
    assert all(response.agenda_item.attachments.exists() for response in accepted)  # the evidence bilag

    # Reorder: the first accepted item one down, by keyboard-reachable button.
    moved = accepted[0].agenda_item
    page.locator(f"#punkt-{moved.pk}").get_by_role("button", name="Flyt ned").click()
    expect(page.locator(f"#punkt-{moved.pk}")).to_contain_text("2.")
    assert _order(meeting)[1] == moved.pk

    # Send the agenda from the meeting page (Celery runs in-process without REDIS_URL).
    page.get_by_role("link", name="Til mødesiden").click()
    page.get_by_role("button", name="Send dagsorden").click()
    expect(page.get_by_text("Dagsordenen er sat i kø til udsendelse.")).to_be_visible()
    assert SendOut.objects.get(meeting=meeting).state == SendOut.State.DONE

    # An invitee sends afbud through the signed link in the e-mail (no login needed).
    sheet = attendance_sheet(meeting=meeting)
    absent = sheet.voting[-1].person
    page.goto(answer_url(meeting=meeting, person=absent).replace(settings.PORTAL_BASE_URL, live_server.url))
    page.get_by_role("button", name="Afbud").click()
    expect(page.get_by_text("Dit afbud")).to_be_visible()
    assert Attendance.objects.get(meeting=meeting, person=absent).answer == "absent"

    # Hold the meeting: its start moves into the past.
    started = timezone.now() - timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started, ends_at=started + timedelta(hours=2))

    # Record attendance: every voting member present but the one who sent afbud.
    page.goto(f"{live_server.url}/moeder/{meeting.pk}/fremmoede/")
    for row in sheet.rows:
        value = "absent" if row.person.pk == absent.pk or not row.voting else "present"
        page.locator(f"#presence-{row.person.pk}-{value}").check()
    page.get_by_role("button", name="Gem fremmøde").click()
    expect(page.get_by_text("Fremmødet er gemt.")).to_be_visible()
    expect(page.locator(".status--ok", has_text="Beslutningsdygtigt").first).to_be_visible()

    # Approve the minutes: write every decision, save, approve.
    page.goto(f"{live_server.url}/moeder/{meeting.pk}/referat/")
    for item in AgendaItem.objects.filter(meeting=meeting, kind="decision", is_follow_up=False):
        page.locator(f"#decision-{item.pk}").fill(f"Bestyrelsen tiltrådte indstillingen om {item.title[:30]}.")
    page.get_by_role("button", name="Gem referat").click()
    expect(page.get_by_text("Referatet er gemt.")).to_be_visible()
    expect(page.get_by_text(absent.name).first).to_be_visible()
    page.get_by_role("button", name="Godkend referat").click()
    expect(page.get_by_text("Referatet er godkendt. Beslutningerne er nu låst.")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_APPROVED
    expect(page.locator(".status--ok", has_text="Beslutningsdygtigt").first).to_be_visible()
