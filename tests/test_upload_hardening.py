"""Uploads are judged by their content: bilag and målstyring imports, with real tiny files made here.

Bilag: only PDF, DOCX, XLSX, PNG and JPEG as sniffed from the bytes (Word and Excel told apart by
the package's content), stored with the sniffed type's extension and served with its MIME type;
zip bombs and broken packages are refused before anything parses them. Imports: the same bomb
guard before openpyxl opens an XLSX, and a CSV must be text.
"""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from governance.meetings.models import Attachment
from governance.meetings.uploads import PDF, PNG
from monitoring.imports import read_table
from plans.files import DOCX, XLSX

from .governance_helpers import demo_meeting

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def real_pdf() -> bytes:
    body = (
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    )
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def real_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def real_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["indikator_id", "periode", "værdi"])
    workbook.active.append([1, "2024", 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def real_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{WORD_MAIN}"/></Types>',
        )
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr("word/document.xml", "<w:document><w:body><w:p/></w:body></w:document>")
    return buffer.getvalue()


def zip_bomb(unpacked_mb: int, *, excel: bool = True) -> bytes:
    """A real Office-shaped package with one member of zeros: tiny packed, huge unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml" if excel else "word/document.xml", "<x/>")
        with package.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(zeros)
    return buffer.getvalue()


def macro_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/vbaProject.bin", b"\x00" * 32)
    return buffer.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def item(demo):
    return demo_meeting().agenda_items.first()


@pytest.fixture
def lead(login):
    return login("demo-sekretariatsleder")


def _upload(client, item, name, content, content_type="application/octet-stream"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post(reverse("governance:attachment-upload", args=[item.pk]), {"file": file})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def _stored(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "make", "expected", "extension", "shown_as"),
    [
        ("referat.pdf", real_pdf, PDF, ".pdf", "referat.pdf"),
        ("kort.png", real_png, PNG, ".png", "kort.png"),
        ("budget.xlsx", real_xlsx, XLSX, ".xlsx", "budget.xlsx"),
        ("notat.docx", real_docx, DOCX, ".docx", "notat.docx"),
        # The name lies; the content decides the type, the stored extension and the name shown.
        ("budget.docx", real_xlsx, XLSX, ".xlsx", "budget.xlsx"),
        ("notat.pdf", real_docx, DOCX, ".docx", "notat.docx"),
        ("billede", real_png, PNG, ".png", "billede.png"),
    ],
)
def test_real_files_are_stored_under_their_sniffed_type(media, item, lead, name, make, expected, extension, shown_as):
    content = make()
    _upload(lead, item, name, content, content_type="text/html")
    attachment = Attachment.objects.get(agenda_item=item)
    assert attachment.content_type == expected
    assert attachment.original_name == shown_as
    assert attachment.file.name.endswith(extension)
    (stored,) = _stored(media)
    assert stored.suffix == extension and stored.read_bytes() == content

    response = lead.get(reverse("governance:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == expected  # the sniffed type, not the browser's "text/html"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="{shown_as}"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("referat.pdf", HTML),
        ("kort.png", SVG),
        ("kort.svg", SVG),
        ("script.docx", b"#!/bin/sh\nrm -rf /\n"),
        ("program.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("arkiv.docx", b"PK\x03\x04\x14\x00" + b"\x00" * 100),  # a zip header and then nothing valid
        ("makro.xlsx", macro_workbook()),
        ("billede.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_disallowed_content_is_refused_whatever_its_name(media, item, lead, name, content):
    page = _upload(lead, item, name, content, content_type="application/pdf")
    assert not Attachment.objects.filter(agenda_item=item).exists()
    assert _stored(media) == []
    assert "Filtypen er ikke tilladt" in page
    assert "PDF, DOCX, XLSX, PNG, JPEG" in page


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: zip_bomb(101), id="over-100-MB-unpacked"),
        pytest.param(lambda: zip_bomb(5, excel=False), id="ratio-over-100"),
    ],
)
def test_zip_bombs_are_refused_before_anything_unpacks_them(media, item, lead, content):
    data = content()
    assert len(data) < 1024 * 1024  # tiny on the wire
    page = _upload(lead, item, "budget.xlsx", data)
    assert not Attachment.objects.filter(agenda_item=item).exists()
    assert _stored(media) == []
    assert "zip-bombe" in page


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_import_refuses_an_xlsx_bomb_before_openpyxl_opens_it(monkeypatch):
    import monitoring.imports

    def fail(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(monitoring.imports, "load_workbook", fail)
    with pytest.raises(ValidationError, match="for meget udpakket"):
        read_table(_file("maalinger.xlsx", zip_bomb(3)))  # ratio far over 100


def test_import_refuses_a_word_file_named_xlsx():
    with pytest.raises(ValidationError, match="ikke en gyldig XLSX-fil"):
        read_table(_file("maalinger.xlsx", real_docx()))


def test_import_still_reads_a_real_xlsx():
    (row,) = read_table(_file("maalinger.xlsx", real_xlsx()))
    assert row.values["indikator_id"] == "1" and row.values["periode"] == "2024" and row.values["værdi"] == "5"


@pytest.mark.parametrize(
    "content",
    [real_png(), real_pdf(), b"indikator_id;periode;v\xc3\xa6rdi\n1;2024;\x1b[31m5\n", zip_bomb(1)],
)
def test_import_csv_must_be_text(content):
    with pytest.raises(ValidationError, match=r"UTF-8|binære data"):
        read_table(_file("maalinger.csv", content))
