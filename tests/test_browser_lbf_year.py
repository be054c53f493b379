"""Playwright (issue #14): the koordinator records a delivery and sees the shortfall fall; the
sekretariatsleder opens the pre-filled målopfyldelsesskema, adds a comment, marks it submitted
and downloads the frozen file."""

import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone

from .browser import ARTIFACTS, chromium_page, log_in
from .conftest import PLAN_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILDREN = "Børne- og Ungdomsforvaltningen, Fjordby Kommune"


def _number(text: str) -> int:
    return int(text.strip().removesuffix(" kr.").replace(".", ""))


def _kr(value) -> str:
    return f"{int(value):,}".replace(",", ".") + " kr."


def test_koordinator_records_a_delivery_and_the_shortfall_falls(live_server, settings):
    from plans.models import Commitment

    settings.DEMO_PASSWORD = "demo1234"
    last_year = timezone.localdate().year - 1
    commitment = Commitment.objects.get(plan__name=PLAN_A1, party__name=CHILDREN, year=last_year, sub_agreement=None)
    before = commitment.shortfall
    with chromium_page() as page:
        log_in(page, live_server.url, "demo-koordinator")
        page.goto(f"{live_server.url}/planer/{commitment.plan_id}/medfinansiering/")
        page.get_by_role("heading", name=f"Medfinansiering: {PLAN_A1}", level=1).wait_for()
        region = page.get_by_role("region", name="Medfinansiering pr. part og år (kan rulles vandret)")
        assert region.get_attribute("tabindex") == "0"
        party_total = page.locator(f"[data-shortfall-party='{commitment.party_id}']")
        total_before = _number(party_total.inner_text())  # the party's shortfall over all years
        page.screenshot(path=str(ARTIFACTS / "medfinansiering-plan.png"), full_page=True)

        page.get_by_role("row").filter(has_text=str(last_year)).filter(
            has_text="Udstationeret kommunal service"
        ).filter(has_text=CHILDREN).get_by_role("link", name=CHILDREN).click()
        page.get_by_role("heading", name=f"Medfinansiering: {CHILDREN}, {last_year}").wait_for()
        page.get_by_label("Dato").fill(timezone.localdate().isoformat())
        page.get_by_label("Beløb (kr.)").fill("25000")
        page.get_by_label("Note").fill("Efterlevering af udstationeret medarbejder")
        page.get_by_role("button", name="Registrér levering").click()
        page.get_by_text("Leveringen er registreret.").wait_for()
        assert page.locator("#commitment-shortfall").inner_text().strip() == _kr(before - Decimal("25000"))
        page.get_by_role("link", name="Medfinansiering", exact=True).last.click()
        party_total = page.locator(f"[data-shortfall-party='{commitment.party_id}']")
        assert _number(party_total.inner_text()) == total_before - 25000
        page.screenshot(path=str(ARTIFACTS / "medfinansiering-efter-levering.png"), full_page=True)


def test_lead_fills_in_submits_and_downloads_the_frozen_goal_attainment_form(live_server, settings, tmp_path):
    from monitoring.models import GoalAttainmentReport
    from plans.models import Plan

    settings.DEMO_PASSWORD = "demo1234"
    settings.MEDIA_ROOT = str(tmp_path)
    plan = Plan.objects.get(name=PLAN_A1)
    year = timezone.localdate().year
    with chromium_page() as page:
        log_in(page, live_server.url, "demo-sekretariatsleder")
        page.goto(f"{live_server.url}/planer/{plan.pk}/")
        page.get_by_role("link", name="Årshjul (LBF-frister)").click()
        page.get_by_role("heading", name="Årshjul: forpligtelser over for LBF", level=1).wait_for()
        page.get_by_role("row").filter(has_text=f"{year + 1}").filter(has_text="Målopfyldelsesskema").first.get_by_role(
            "link", name="Målopfyldelsesskema", exact=True
        ).click()
        page.get_by_role("heading", name=f"Målopfyldelsesskema {year}", level=1).wait_for()
        assert page.get_by_text("På rette vej").first.is_visible()  # pre-filled status with a word
        first_comment = page.locator("textarea[name^='comment-']").first
        first_comment.fill("Bestyrelsen er tilfreds med udviklingen")
        page.get_by_role("button", name="Gem kommentarer").click()
        page.get_by_text("Kommentarerne er gemt.").wait_for()
        assert (
            page.locator("textarea[name^='comment-']").first.input_value() == "Bestyrelsen er tilfreds med udviklingen"
        )
        page.get_by_role("button", name="Markér som indsendt (frys skemaet)").click()
        page.get_by_text("Indsendt og frosset", exact=True).wait_for()
        assert page.locator("textarea").count() == 0
        page.screenshot(path=str(ARTIFACTS / "maalopfyldelsesskema-indsendt.png"), full_page=True)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Hent det frosne skema (PDF)").click()
        path = download_info.value.path()
        content = open(path, "rb").read()  # noqa: SIM115
    report = GoalAttainmentReport.objects.get(plan=plan, year=year)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == report.sha256
