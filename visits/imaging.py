"""What is visit-specific about a visit's uploads: a PDF attachment is recognised by its first
bytes alone (never by its name or the browser's content type) and kept as uploaded, and the
messages of the upload form. Photos are cleaned and stamped by ``dudao.photos``, as in every app.
"""

from django.utils.translation import gettext_lazy as _

from dudao import imaging

MESSAGES = {
    **imaging.MESSAGES,
    "not_photo_or_pdf": _(
        "This file is neither a photo nor a PDF: upload a JPEG, PNG or WebP image, or a PDF."
    ),
}

PDF_MAGIC = b"%PDF-"


def too_big_message(max_bytes: int) -> str:
    """What an upload over the limit is told; the edit page hands the same text to the browser."""
    return str(MESSAGES["too_big"]) % {"limit": f"{max_bytes / 1024 / 1024:g}"}


def is_pdf(uploaded_file) -> bool:
    """Whether the file starts as every PDF does, whatever its name or announced type."""
    uploaded_file.seek(0)
    head = uploaded_file.read(len(PDF_MAGIC))
    uploaded_file.seek(0)
    return head == PDF_MAGIC
