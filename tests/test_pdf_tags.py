"""Every PDF the portal makes is tagged (PDF/UA-1) and its table headers carry ``/Scope``.

Read back with poppler's ``pdfinfo`` (``Tagged: yes``) and by reading the structure tree: WeasyPrint
packs the structure elements in compressed object streams, so the test inflates every stream and
reads the ``TH`` elements there. (veraPDF, the reference PDF/UA checker, is a Java program that is not
packaged for this machine's package managers; these checks stand in for it.)
"""

import re
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.meetings.models import Meeting
from governance.meetings.services import attachment_add, meeting_pack_pdf
from monitoring.goal_attainment import attainment_rows, render_pdf

from .conftest import PLAN_A1
from .sweep_world import TINY_PDF
from .test_reports_pdf import _generate, pdfinfo

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
TH_ELEMENT = re.compile(rb"<</Type /StructElem/S /TH\b(.*?)>>(?:>>)?(?=\n|<<|$)", re.S)

# The templates WeasyPrint renders (reports, målopfyldelsesskema, meeting pack, evidence for an item).
PDF_TEMPLATES = [
    *sorted((Path(settings.BASE_DIR) / "templates" / "governance" / "reports").rglob("*.html")),
    Path(settings.BASE_DIR) / "monitoring" / "templates" / "monitoring" / "goal_attainment_pdf.html",
    Path(settings.BASE_DIR) / "governance" / "templates" / "governance" / "meeting_pack.html",
    Path(settings.BASE_DIR) / "governance" / "templates" / "governance" / "agenda" / "evidence_pdf.html",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def table_headers(pdf: bytes) -> list[bytes]:
    """The attribute text of every ``TH`` structure element in the PDF."""
    text = pdf
    for match in STREAM.finditer(pdf):
        try:
            text += b"\n" + zlib.decompress(match.group(1))
        except zlib.error:
            continue  # not a Flate stream (fonts are, images may not be)
    return [match.group(1) for match in TH_ELEMENT.finditer(text)]


def assert_tagged_with_scopes(path: Path) -> None:
    assert pdfinfo(path)["Tagged"] == "yes"
    headers = table_headers(path.read_bytes())
    assert headers, f"{path.name}: no table headers in the structure tree"
    without = [header for header in headers if not re.search(rb"/Scope /(Row|Column|Both)\b", header)]
    assert not without, f"{path.name}: {len(without)} of {len(headers)} TH without /Scope, e.g. {without[0][:120]!r}"
    scopes = {re.search(rb"/Scope /(\w+)", header).group(1) for header in headers}
    assert b"Column" in scopes


def test_every_th_in_the_pdf_templates_has_a_scope():
    missing = []
    for template in PDF_TEMPLATES:
        for tag in re.findall(r"<th\b[^>]*>", template.read_text(encoding="utf-8")):
            if not re.search(r'\bscope="(col|row|colgroup|rowgroup)"', tag):
                missing.append(f"{template.name}: {tag}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("kind", ["pixi", "full"])
def test_status_reports_are_tagged_with_header_scopes(demo, kind, django_capture_on_commit_callbacks):
    report = _generate(demo.plan(PLAN_A1), kind, capture=django_capture_on_commit_callbacks)
    assert_tagged_with_scopes(Path(report.pdf.path))


def test_goal_attainment_pdf_is_tagged_with_header_scopes(demo, tmp_path):
    plan = demo.plan(PLAN_A1)
    pdf = render_pdf(plan=plan, year=2025, rows=attainment_rows(plan=plan, year=2025), note="")
    path = tmp_path / "maalopfyldelse.pdf"
    path.write_bytes(pdf)
    assert_tagged_with_scopes(path)


def test_meeting_pack_is_tagged_with_header_scopes(demo, tmp_path):
    meeting = Meeting.objects.filter(body__plan=demo.plan(PLAN_A1), agenda_items__isnull=False).first()
    item = meeting.agenda_items.order_by("position").first()
    upload = SimpleUploadedFile("notat.pdf", TINY_PDF, "application/pdf")
    attachment_add(item=item, upload=upload, user=demo.user("demo-sekretariatsleder"))  # the pack's bilag table
    path = tmp_path / "pakke.pdf"
    path.write_bytes(meeting_pack_pdf(meeting=meeting))
    assert_tagged_with_scopes(path)
