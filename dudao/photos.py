"""Cleaning and stamping the photos people take at a school, for every app that keeps them: visit
records, rectification evidence, plaque postings, public complaints.

A photo is decoded and cleaned by ``dudao.imaging`` (only real photos pass, in bounded memory,
upright, with no EXIF: GPS positions are personal data), downscaled, re-encoded as a fresh JPEG,
and stamped with the school, date and time so a printed record shows where the photo came from.
"""

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from dudao import imaging
from dudao.imaging import check_size, jpeg_bytes

logger = logging.getLogger(__name__)

MAX_SIDE = 2048
THUMBNAIL_SIDE = 320
STAMP_FONTS = (
    # (font file, face index of Simplified Chinese in a collection)
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # Debian, Ubuntu
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),  # Arch
    ("/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc", 2),  # Fedora
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),  # older Fedora
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian fonts-wqy-microhei
)


@dataclass(frozen=True)
class ProcessedPhoto:
    """A cleaned, stamped photo and its thumbnail, both JPEG, ready for a FileField."""

    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def process_photo(uploaded_file, *, stamp_text: str, max_bytes: int) -> ProcessedPhoto:
    """Check an uploaded photo and return it re-encoded; raise ValidationError if unusable."""
    check_size(uploaded_file, max_bytes=max_bytes)
    image = imaging.decode(uploaded_file, max_side=MAX_SIDE)
    _burn_in(image, stamp_text)
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        image=ContentFile(jpeg_bytes(image), name="photo.jpg"),
        thumbnail=ContentFile(jpeg_bytes(thumbnail), name="thumbnail.jpg"),
        width=image.width,
        height=image.height,
    )


def _burn_in(image: Image.Image, text: str) -> None:
    """Darken a band along the bottom edge and write the stamp into it, in place."""
    font_size = max(12, image.width // 36)
    font = stamp_font(font_size)
    margin = font_size // 2
    text_width = ImageDraw.Draw(image).textlength(text, font=font)
    if text_width > image.width - 2 * margin:  # a narrow photo: shrink the text to fit
        font_size = max(8, int(font_size * (image.width - 2 * margin) / text_width))
        font = stamp_font(font_size)
    band_height = int(font_size * 1.8)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, image.height - band_height, image.width, image.height), fill=(0, 0, 0, 150))
    draw.text(
        (margin, image.height - band_height // 2),
        text,
        font=font,
        fill=(255, 255, 255, 255),
        anchor="lm",
    )
    image.paste(Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB"))


def stamp_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Chinese-capable font for the stamp; Pillow's own font (no CJK glyphs) if none is found."""
    found = _cjk_font_file()
    if found is None:
        return ImageFont.load_default(size)
    path, index = found
    return ImageFont.truetype(path, size, index=index)


@cache
def _cjk_font_file() -> tuple[str, int] | None:
    for path, index in STAMP_FONTS:
        if Path(path).is_file():
            return path, index
    logger.warning(
        "No CJK font found for photo stamps (install fonts-noto-cjk); "
        "Chinese text will not render. Looked in: %s",
        ", ".join(path for path, _index in STAMP_FONTS),
    )
    return None
