"""Checking bilag by their content, not their name: PDF, DOCX, XLSX, PNG and JPEG, at most 20 MB.

The type is sniffed from the bytes with ``puremagic`` (pure Python, no libmagic); Word and Excel
packages are told apart, and checked for zip bombs, by ``plans.files``. A file's name and the
browser's Content-Type play no part: the stored file gets the sniffed type's extension and is
served with the sniffed type.
"""

import hashlib
from dataclasses import dataclass

import puremagic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plans.files import DOCX, XLSX, check_office_package

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


PDF = "application/pdf"


PNG = "image/png"


JPEG = "image/jpeg"


ZIP_SIGNATURE = b"PK\x03\x04"


# The allowed types and the extension a stored file of that type gets (first) or may be named with.
EXTENSIONS = {
    PDF: (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
}


SNIFFED = {PDF: PDF, PNG: PNG, JPEG: JPEG}  # puremagic's MIME type -> ours, for the non-zip types


ALLOWED_LABEL = "PDF, DOCX, XLSX, PNG, JPEG"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def extension_for(content_type: str) -> str:
    """The extension a stored file of this (sniffed) type gets, e.g. ``.pdf``."""
    return EXTENSIONS.get(content_type, ("",))[0]


def display_name(filename: str, content_type: str) -> str:
    """The name a bilag is shown and downloaded under: the uploader's name without any folder or
    control characters, ending with an extension of its sniffed type (``budget.pdf`` that is really
    an Excel file becomes ``budget.xlsx``), at most 255 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip().strip(".")
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and f".{suffix.lower()}" in EXTENSIONS[content_type]:
        extension = f".{suffix}"
    else:
        stem, extension = (stem if dot and stem else name), extension_for(content_type)
    return (stem.strip() or "bilag")[: 255 - len(extension)] + extension


def _type_error() -> ValidationError:
    return ValidationError(
        _("Filtypen er ikke tilladt. Tilladte typer: %(types)s (filens indhold kontrolleres, ikke kun navnet).")
        % {"types": ALLOWED_LABEL},
        code="bad_type",
    )


def detect_content_type(upload) -> str | None:
    """The allowed type read from the file's bytes (and a zip's contents), or None for anything else.

    Raises ``ValidationError`` for a zip package that is broken or would unpack to an absurd size.
    """
    upload.seek(0)
    try:
        matches = puremagic.magic_stream(upload)
    except (puremagic.PureError, ValueError, OSError):
        return None
    finally:
        upload.seek(0)
    if not matches:
        return None
    best = matches[0]
    if best.byte_match.startswith(ZIP_SIGNATURE):
        try:
            return check_office_package(upload).kind
        except ValidationError as error:
            if error.code == "bad_zip":
                return None  # a broken package is no Word or Excel file: "type not allowed"
            raise
    return SNIFFED.get(best.mime_type)


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
        raise _type_error()
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())
