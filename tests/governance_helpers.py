"""Shared helpers for the governance tests: demo meetings by name and valid/invalid test files."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from governance.bodies.models import Body
from governance.meetings.models import Meeting

from .conftest import PLAN_A1

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office_bytes(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def demo_meeting(plan_name: str = PLAN_A1, *, board: bool = True, title: str = "Bestyrelsesmøde (vinter)") -> Meeting:
    """A demo meeting: the board's (by title) or the education steering group's."""
    if board:
        return Meeting.objects.get(body__plan__name=plan_name, body__kind=Body.Kind.BOARD, title=title)
    return Meeting.objects.get(
        body__plan__name=plan_name, body__kind=Body.Kind.STEERING_GROUP, title="Styregruppemøde (vinter)"
    )
