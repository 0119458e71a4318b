"""Serving uploads: media never has a public URL, each file goes out through a checked view."""

import mimetypes
import re
import zipfile

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


def sniff_document(uploaded_file) -> str | None:
    """The ``DocumentKind`` the file's bytes show, whatever its name or announced type; None
    when it is none of them (an .exe renamed .pdf, an old .doc, a zip that is not Office)."""
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
        try:
            with zipfile.ZipFile(uploaded_file) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            uploaded_file.seek(0)
        if "[Content_Types].xml" in names:
            for kind, part in OOXML_MAIN_PART.items():
                if part in names:
                    return kind
    return None


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
