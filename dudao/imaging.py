"""Turning an uploaded photo into clean pixels, in bounded memory, for every app that takes photos.

An upload is trusted for nothing: Pillow must recognise it as one of a few photo formats (never
GIF, SVG or HTML), it is decoded (a damaged file fails here), turned upright, shrunk and copied
onto a fresh RGB canvas, so no EXIF (GPS positions are personal data), XMP, comment or trailing
bytes survive the JPEG we write. Decoding is bounded: the size in the file's header is checked
before any pixel is decoded, a JPEG decodes straight at 1/2, 1/4 or 1/8 scale, and an image
that would still need more than ``MAX_DECODE_BYTES`` is refused.
"""

import struct
from io import BytesIO

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Only what phone cameras produce; restricting the decoders also keeps Pillow away from formats
# such as EPS that hand the file to external programs. A JPEG with several pictures opens as MPO.
ACCEPTED_DECODERS = ("JPEG", "PNG", "WEBP")
MAX_PIXELS = 60_000_000  # above a 48-megapixel camera; a decompression bomb is far larger
# Bytes a pixel may take at the peak of decoding and shrinking: up to 4 for the decoded pixels,
# as many again for the premultiplied copy Pillow shrinks a transparent image in, and a
# half-shrunk copy; the WebP decoder holds a copy of its own as well. This keeps one photo
# under about 200 MB while it is decoded (20 million pixels in a PNG, 11 million in a WebP).
MAX_DECODE_BYTES = 200_000_000
DECODE_BYTES_PER_PIXEL = {"WEBP": 18}
DEFAULT_DECODE_BYTES_PER_PIXEL = 10
JPEG_QUALITY = 85
# Pillow signals a malformed file through any of these while parsing or decoding.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)

MESSAGES = {
    "too_big": _("The file is larger than the upload limit of %(limit)s MB."),
    "not_image": _("This file is not a photo: upload a JPEG, PNG or WebP image."),
    "damaged": _("The image file is damaged or incomplete."),
    "too_many_pixels": _("The image has too many pixels (at most %(limit)s million)."),
    "too_large_to_decode": _(
        "The image is too large to process: %(pixels)s million pixels, at most %(limit)s "
        "million in this format. Upload it as a JPEG photo or make it smaller."
    ),
}


def check_size(uploaded_file, *, max_bytes: int) -> None:
    if uploaded_file.size > max_bytes:
        raise ValidationError(
            MESSAGES["too_big"],
            code="too_big",
            params={"limit": f"{max_bytes / 1024 / 1024:g}"},
        )


def decode(uploaded_file, *, max_side: int) -> Image.Image:
    """The upload's pixels, upright, on a new RGB canvas at most ``max_side`` pixels a side.

    Raises ValidationError (codes ``not_image``, ``damaged``, ``too_many_pixels``,
    ``too_large_to_decode``) for anything that is not a photo we can safely decode.
    """
    try:
        uploaded_file.seek(0)
        with Image.open(uploaded_file, formats=ACCEPTED_DECODERS) as probe:  # reads the header
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_many_pixels()
            probe.verify()
        uploaded_file.seek(0)
        with Image.open(uploaded_file, formats=ACCEPTED_DECODERS) as opened:
            # Only the JPEG decoder can shrink while decoding; other formats decode in full.
            opened.draft("RGB", (max_side, max_side))
            _check_decoding_memory(opened)
            image = opened
            if image.mode == "1":
                image = image.convert("L")
            elif image.mode == "P":  # shrink in full colour, not by picking pixels
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            # The box is square, so turning upright after shrinking keeps it inside.
            return _fresh_rgb(ImageOps.exif_transpose(image))
    except UnidentifiedImageError as exc:
        raise ValidationError(MESSAGES["not_image"], code="not_image") from exc
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except DECODE_ERRORS as exc:
        raise ValidationError(MESSAGES["damaged"], code="damaged") from exc


def _check_decoding_memory(image: Image.Image) -> None:
    """Refuse, before decoding, an image whose pixels (at the scale it decodes at) need too much."""
    pixels = image.width * image.height
    per_pixel = DECODE_BYTES_PER_PIXEL.get(image.format, DEFAULT_DECODE_BYTES_PER_PIXEL)
    if pixels * per_pixel > MAX_DECODE_BYTES:
        raise ValidationError(
            MESSAGES["too_large_to_decode"],
            code="too_large_to_decode",
            params={
                "pixels": f"{pixels / 1_000_000:.0f}",
                "limit": MAX_DECODE_BYTES // per_pixel // 1_000_000,
            },
        )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        MESSAGES["too_many_pixels"],
        code="too_many_pixels",
        params={"limit": MAX_PIXELS // 1_000_000},
    )


def _fresh_rgb(image: Image.Image) -> Image.Image:
    """Copy the pixels onto a new RGB canvas, so no EXIF, XMP or comment can travel along."""
    canvas = Image.new("RGB", image.size, "white")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
    else:
        canvas.paste(image.convert("RGB"))
    return canvas


def jpeg_bytes(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


class PhotoField(forms.FileField):
    """An uploaded photo that the form hands on as a fresh JPEG: nothing of the file but pixels.

    ``max_bytes`` (the upload limit) is checked before decoding; a form may set it per county.
    """

    def __init__(self, *, max_side: int = 1024, max_bytes: int = 10 * 1024 * 1024, **kwargs):
        self.max_side = max_side
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        check_size(upload, max_bytes=self.max_bytes)
        image = decode(upload, max_side=self.max_side)
        return ContentFile(jpeg_bytes(image), name="photo.jpg")
