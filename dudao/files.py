"""Serving uploads: media never has a public URL, each file goes out through a checked view."""

import mimetypes
import re
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

# Characters a file name may not carry into a download header or a file system.
UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def private_file_response(stored, *, max_age: int) -> FileResponse:
    """``stored`` (a FieldFile the user was already allowed to see), cached by their browser only.

    A field without a file, or a file gone from the storage, is a 404 rather than a server error.
    """
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response


class DocumentKind(models.TextChoices):
    """The files offices circulate with meetings and notices, named by what their bytes are.

    The value is also the stored file's extension."""

    PDF = "pdf", _("PDF document")
    DOCX = "docx", _("Word document")
    XLSX = "xlsx", _("Excel workbook")
    JPEG = "jpg", _("JPEG image")
    PNG = "png", _("PNG image")


CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentKind.JPEG: "image/jpeg",
    DocumentKind.PNG: "image/png",
}

# The one entry each Office Open XML package must have, by kind.
OOXML_MAIN_PART = {DocumentKind.DOCX: "word/document.xml", DocumentKind.XLSX: "xl/workbook.xml"}
# How much of [Content_Types].xml is read (a real one is a few kilobytes; never inflate a bomb).
CONTENT_TYPES_MAX_BYTES = 256 * 1024
# What a damaged or hostile zip raises while it is read.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    NotImplementedError,
)


def _package_has_macros(package: zipfile.ZipFile) -> bool:
    """Whether an Office package carries VBA macros: a vbaProject.bin part, or a macro-enabled
    content type (.docm, .xlsm, their templates and add-ins), even when renamed .docx."""
    names = set(package.namelist())
    if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names):
        return True
    if "[Content_Types].xml" not in names:
        return False
    with package.open("[Content_Types].xml") as part:
        content_types = part.read(CONTENT_TYPES_MAX_BYTES)
    return b"macroenabled" in content_types.lower()


def _office_kind(package: zipfile.ZipFile) -> str | None:
    names = set(package.namelist())
    if "[Content_Types].xml" not in names or _package_has_macros(package):
        return None
    for kind, part in OOXML_MAIN_PART.items():
        if part in names:
            return kind
    return None


def _read_zip(uploaded_file, read):
    """``read(package)`` of the upload as a zip, or None when it is not a readable zip."""
    try:
        with zipfile.ZipFile(uploaded_file) as package:
            return read(package)
    except ZIP_ERRORS:
        return None
    finally:
        uploaded_file.seek(0)


def sniff_document(uploaded_file) -> str | None:
    """The ``DocumentKind`` the file's bytes show, whatever its name or announced type; None
    when it is none of them (an .exe renamed .pdf, an old .doc, a zip that is not Office, an
    Office file with macros)."""
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    if head.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentKind.PNG
    if head.startswith(b"PK\x03\x04"):
        return _read_zip(uploaded_file, _office_kind)
    return None


def has_macros(uploaded_file) -> bool:
    """Whether the upload is an Office package with VBA macros (.docm, .xlsm, …)."""
    uploaded_file.seek(0)
    is_zip = uploaded_file.read(4) == b"PK\x03\x04"
    uploaded_file.seek(0)
    return is_zip and bool(_read_zip(uploaded_file, _package_has_macros))


def document_kind(uploaded_file) -> str:
    """The upload's ``DocumentKind``, or a ValidationError that names the file and says why it
    is refused (macros, or not one of the formats)."""
    kind = sniff_document(uploaded_file)
    if kind is not None:
        return kind
    params = {"name": uploaded_file.name}
    if has_macros(uploaded_file):
        raise ValidationError(
            _(
                "%(name)s contains macros, which are not accepted. Save it as a Word (.docx) or "
                "Excel (.xlsx) file without macros and try again."
            ),
            code="macros",
            params=params,
        )
    raise ValidationError(
        _(
            "%(name)s is not a PDF, Word (.docx), Excel (.xlsx), JPEG or PNG file. "
            "Save it in one of these formats and try again."
        ),
        code="kind",
        params=params,
    )


def safe_download_name(original: str, *, fallback: str, extension: str) -> str:
    """An uploaded name without paths or control characters, ending in ``.extension``."""
    name = UNSAFE_NAME_CHARACTERS.sub("_", original).strip(" ._") or fallback
    if not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    return name


def attachment_response(stored, *, kind: str, download_name: str) -> FileResponse:
    """A stored document, always as a download (never shown inline) with its own type."""
    response = private_file_response(stored, max_age=3600)
    response["Content-Type"] = CONTENT_TYPES[kind]
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
