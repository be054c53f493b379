"""The PDFs themselves, read back with poppler: text, page count, title and tagging."""

import subprocess

import pytest

from governance.reports.content import build_report_snapshot, render_report_html
from governance.reports.models import StatusReport
from governance.reports.services import status_report_request

from .conftest import PLAN_A1, PLAN_B


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _generate(plan, kind, period="2026-Q3", capture=None) -> StatusReport:
    with capture(execute=True):
        report = status_report_request(plan=plan, period=period, kind=kind, via="command")
    report.refresh_from_db()
    assert report.state == "done", report.last_error
    return report


def pdftotext(path) -> str:
    """The PDF's text in reading order, whitespace collapsed (table cells wrap over lines)."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def pdfinfo(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


@pytest.mark.parametrize("plan_name", [PLAN_A1, PLAN_B])
def test_the_pixi_pdf_names_plan_and_period_on_at_most_two_tagged_pages(
    demo, plan_name, django_capture_on_commit_callbacks
):
    plan = demo.plan(plan_name)
    report = _generate(plan, "pixi", capture=django_capture_on_commit_callbacks)
    text = pdftotext(report.pdf.path)
    info = pdfinfo(report.pdf.path)
    assert plan.name in text
    assert "3. kvartal 2026" in text and "2026-Q3" in text
    assert plan.municipality.name in text
    assert "Side 1 af" in text
    for sa in plan.sub_agreements.all():
        assert sa.title in text
    # Local share with a word and a symbol, not colour alone.
    assert "Opfylder kravet" in text or "Under kravet" in text
    assert int(info["Pages"]) <= 2 and report.page_count == int(info["Pages"])
    assert info["Title"] == f"Pixi-rapport: {plan.name}, 3. kvartal 2026"
    assert info["Tagged"] == "yes"
    assert info["Page size"].endswith("(A4)")


def test_the_full_pdf_has_interventions_commitments_and_members(demo, django_capture_on_commit_callbacks):
    plan = demo.plan(PLAN_A1)
    report = _generate(plan, "full", capture=django_capture_on_commit_callbacks)
    text = pdftotext(report.pdf.path)
    info = pdfinfo(report.pdf.path)
    assert plan.name in text and "2026-Q3" in text
    assert "Delaftaler: delmål, indikatorer og indsatser" in text and "Medfinansiering 2026" in text
    assert "Organer og medlemmer pr. 30. sept. 2026" in text
    intervention = plan.sub_agreements.first().interventions.first()
    assert intervention.name in text
    board_member = report.snapshot["bodies"][0]["members"][0]["name"]
    assert board_member in text
    assert f"Side {info['Pages']} af {info['Pages']}" in text
    assert info["Tagged"] == "yes" and info["Title"].startswith("Fuld statusrapport: ")


def test_the_html_is_danish_and_escapes_the_data(demo):
    plan = demo.plan(PLAN_A1)
    plan.name = "Helhedsplan <Æble & Ø>"
    plan.save()
    snapshot = build_report_snapshot(plan=plan, period="2026-Q3", kind="pixi")
    report = StatusReport(plan=plan, period="2026-Q3", kind="pixi", version=1)
    html = render_report_html(report=report, snapshot=snapshot)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="da">' in html
    assert "Helhedsplan &lt;Æble &amp; Ø&gt;" in html and "<Æble" not in html
