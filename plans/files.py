"""Checks for uploaded files that every app shares: Office packages (DOCX, XLSX) safe to open.

A DOCX or XLSX file is a zip package. Before anything parses one (openpyxl for an import, or just
storing it as a bilag), ``check_office_package`` makes sure it is a valid zip whose members would
not unpack to an absurd size (a "zip bomb"): zipfile and openpyxl never unpack more than a
member's declared size, so checking the declared sizes bounds the work. The kind (Word or Excel)
is read from the package's content, never from the file's name.
"""

import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # tiny packages may compress oddly; a bomb is never tiny
MAX_MEMBERS = 10_000
CONTENT_TYPES = "[Content_Types].xml"
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

# The main part's content type in [Content_Types].xml, and the folder its parts live in.
MAIN_PARTS = {
    DOCX: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/"),
    XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
}
MACRO_MARKERS = ("macroenabled", "vbaproject")
# What zipfile raises for a broken, truncated, encrypted or oddly compressed package.
UNREADABLE_ZIP = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    NotImplementedError,
)


@dataclass(frozen=True)
class OfficePackage:
    kind: str | None  # DOCX, XLSX, or None for a valid, safe package of another kind
    unpacked_bytes: int


def _bomb_error() -> ValidationError:
    return ValidationError(
        _("Filen pakker ud til en urimelig størrelse (mulig zip-bombe) og afvises."), code="zip_bomb"
    )


def check_office_package(fileobj, *, max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> OfficePackage:
    """Validate a zip package without unpacking it; raises ``ValidationError`` if it is broken or a bomb.

    Returns its kind: DOCX or XLSX when [Content_Types].xml declares that main part (or, failing
    a declaration, when the package has only word/ or only xl/ parts), else None. Macro-enabled
    packages (docm, xlsm) are of no allowed kind.
    """
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as package:
            members = package.infolist()
            if len(members) > MAX_MEMBERS:
                raise _bomb_error()
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if unpacked > max_unpacked_bytes:
                raise _bomb_error()
            if unpacked > RATIO_CHECK_FROM_BYTES and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
                raise _bomb_error()
            if package.testzip() is not None:  # every member's checksum, within the bounds just checked
                raise zipfile.BadZipFile("bad CRC")
            names = [member.filename for member in members]
            content_types = ""
            if CONTENT_TYPES in names and package.getinfo(CONTENT_TYPES).file_size <= MAX_CONTENT_TYPES_BYTES:
                content_types = package.read(CONTENT_TYPES).decode("utf-8", "replace").lower()
    except UNREADABLE_ZIP as exc:
        raise ValidationError(
            _("Filen er ikke en gyldig Word- eller Excel-fil (ødelagt zip-pakke)."), code="bad_zip"
        ) from exc
    finally:
        fileobj.seek(0)
    return OfficePackage(kind=_kind(names, content_types), unpacked_bytes=unpacked)


def _kind(names: list[str], content_types: str) -> str | None:
    if not content_types:
        return None
    lowered = [name.lower() for name in names]
    if any(marker in content_types for marker in MACRO_MARKERS) or any("vbaproject" in n for n in lowered):
        return None
    declared = [kind for kind, (main_type, _folder) in MAIN_PARTS.items() if main_type in content_types]
    if len(declared) == 1:
        kind = declared[0]
        return kind if any(name.startswith(MAIN_PARTS[kind][1]) for name in lowered) else None
    if declared:
        return None
    with_parts = [kind for kind, (_main, folder) in MAIN_PARTS.items() if any(n.startswith(folder) for n in lowered)]
    return with_parts[0] if len(with_parts) == 1 else None


# --- Submitted documents (LBF obligations): PDF, DOCX or XLSX, sniffed from the content ------------

PDF = "application/pdf"
DOCUMENT_EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx"}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    size: int
    sha256: str


def check_document(upload) -> CheckedDocument:
    """Validate an uploaded document by its bytes (never its name): a PDF, or a Word or Excel package
    that is no zip bomb and has no macros, at most 20 MB. Raises ``ValidationError`` before anything is
    stored. The same rule as governance's bilag, for the documents the apps below it receive."""
    import hashlib

    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("Filen er for stor. Grænsen er 20 MB."), code="too_large")
    if upload.size == 0:
        raise ValidationError(_("Filen er tom."), code="empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type = None
    if head.startswith(b"%PDF-"):
        content_type = PDF
    elif head.startswith(b"PK\x03\x04"):
        try:
            content_type = check_office_package(upload).kind
        except ValidationError as error:
            if error.code != "bad_zip":
                raise
    if content_type is None:
        raise ValidationError(
            _(
                "Filtypen er ikke tilladt. Tilladte typer: PDF, DOCX, XLSX "
                "(filens indhold kontrolleres, ikke kun navnet)."
            ),
            code="bad_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedDocument(content_type=content_type, size=upload.size, sha256=digest.hexdigest())


def stored_name(filename: str, content_type: str) -> str:
    """The name a checked document is stored under: its stem (no folders) with the sniffed type's extension."""
    import re

    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")[:100] or "dokument"
    return stem + DOCUMENT_EXTENSIONS[content_type]
