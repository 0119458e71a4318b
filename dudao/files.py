"""Serving uploads: media never has a public URL, each file goes out through a checked view."""

import mimetypes

from django.http import FileResponse, Http404


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
