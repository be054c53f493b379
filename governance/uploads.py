"""Checking bilag by their content, not their name: PDF, DOCX, XLSX, PNG and JPEG, at most 20 MB."""

import hashlib
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ALLOWED_LABEL = "PDF, DOCX, XLSX, PNG, JPEG"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def _office_kind(upload) -> str | None:
    """DOCX/XLSX are zip packages with [Content_Types].xml and a word/ or xl/ folder."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def detect_content_type(upload) -> str | None:
    """The content type read from the file's first bytes (and zip directory), or None if not allowed."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


def check_upload(upload) -> CheckedFile:
    """Validate an uploaded file; raises ``ValidationError`` before anything is stored."""
    size = upload.size
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Filen er for stor (%(mb).1f MB). Grænsen er 20 MB.") % {"mb": size / 1024 / 1024},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("Filen er tom."), code="empty")
    content_type = detect_content_type(upload)
    if content_type is None:
        raise ValidationError(
            _("Filtypen er ikke tilladt. Tilladte typer: %(types)s (filens indhold kontrolleres, ikke kun navnet).")
            % {"types": ALLOWED_LABEL},
            code="bad_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())
