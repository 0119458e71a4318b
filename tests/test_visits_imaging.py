"""Photo uploads: only real images pass, come out upright, stripped of EXIF, downscaled, stamped."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageStat

from dudao import photos

STAMP = "鲁沙尔镇中心学校 2026-11-23 10:42"
LIMIT = 10 * 1024 * 1024
GREY = (128, 128, 128)


def encode(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    buffer = BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def process(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg", **kwargs):
    kwargs.setdefault("max_bytes", LIMIT)
    return photos.process_photo(upload(data, name, content_type), stamp_text=STAMP, **kwargs)


def opened(content_file) -> Image.Image:
    image = Image.open(BytesIO(content_file.read()))
    content_file.seek(0)
    return image


def rejection(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg", **kwargs):
    with pytest.raises(ValidationError) as caught:
        process(data, name, content_type, **kwargs)
    return caught.value


def camera_jpeg(size=(400, 300), orientation: int | None = None) -> bytes:
    """A JPEG as a phone writes it: maker, capture time, GPS position, maybe a rotation."""
    image = Image.new("RGB", size, GREY)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.DateTime] = "2026:11:23 10:42:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 29.0, 53.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (101.0, 34.0, 12.0)
    return encode(image, exif=exif.tobytes())


def test_gps_and_all_exif_are_stripped():
    data = camera_jpeg()
    assert Image.open(BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS

    photo = process(data)

    raw = photo.image.read()
    assert b"Exif" not in raw and b"PhoneMaker" not in raw
    for content in (photo.image, photo.thumbnail):
        content.seek(0)
        result = opened(content)
        assert result.format == "JPEG"
        assert not result.getexif()
        assert "exif" not in result.info


def test_exif_orientation_is_applied():
    # Stored landscape, left half red, right half blue; orientation 6 = turn 90° clockwise.
    stored = Image.new("RGB", (400, 200), (220, 0, 0))
    stored.paste((0, 0, 220), (200, 0, 400, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    photo = process(encode(stored, exif=exif.tobytes()))

    result = opened(photo.image)
    assert (photo.width, photo.height) == result.size == (200, 400)
    top, lower = result.getpixel((100, 50)), result.getpixel((100, 300))
    assert top[0] > 180 and top[2] < 60  # red is on top now
    assert lower[2] > 180 and lower[0] < 60


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"just some notes, not a picture", "photo.jpg", "image/jpeg"),
        (b"", "empty.jpg", "image/jpeg"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "x.png",
            "image/png",
        ),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "x.jpg", "image/jpeg"),
        (b"<!doctype html><html><body>hi</body></html>", "x.webp", "image/webp"),
        (encode(Image.new("RGB", (40, 40)), "GIF"), "x.jpg", "image/jpeg"),
        (encode(Image.new("RGB", (40, 40)), "BMP"), "x.png", "image/png"),
    ],
    ids=["text", "empty", "svg-as-png", "pdf-as-jpg", "html-as-webp", "gif", "bmp"],
)
def test_files_that_are_not_accepted_photos_are_rejected(data, name, content_type):
    assert rejection(data, name, content_type).code == "not_image"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_image_is_rejected(fmt):
    data = encode(Image.effect_noise((300, 300), 60).convert("RGB"), fmt)
    assert rejection(data[: len(data) // 2]).code == "damaged"


def test_too_big_is_rejected_before_decoding():
    # Not an image either: the size check must answer first, without reading the content.
    error = rejection(b"x" * (1024 * 1024 + 1), max_bytes=1024 * 1024)
    assert error.code == "too_big"
    assert " 1 MB" in error.messages[0]


def test_decompression_bomb_is_rejected():
    # 64 million pixels that compress to a few kilobytes.
    data = encode(Image.new("1", (8000, 8000)), "PNG")
    assert len(data) < 100_000
    assert rejection(data, "bomb.png", "image/png").code == "too_many_pixels"


def test_large_photo_is_downscaled_with_a_small_thumbnail():
    photo = process(encode(Image.new("RGB", (3000, 2000), GREY)))

    assert (photo.width, photo.height) == (2048, 1365)
    assert opened(photo.image).size == (2048, 1365)
    assert opened(photo.thumbnail).size == (320, 213)
    assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("fmt", "mode", "colour"),
    [("PNG", "RGBA", (0, 0, 0, 0)), ("WEBP", "RGB", GREY), ("PNG", "L", 128)],
)
def test_png_and_webp_are_accepted(fmt, mode, colour):
    photo = process(encode(Image.new(mode, (600, 400), colour), fmt), f"x.{fmt.lower()}")

    result = opened(photo.image)
    assert result.mode == "RGB" and result.size == (600, 400)
    if mode == "RGBA":  # transparency becomes white, not black
        assert result.getpixel((300, 100)) > (240, 240, 240)


def test_stamp_is_burnt_into_a_bottom_band():
    photo = process(encode(Image.new("RGB", (1200, 900), GREY), "PNG"), "x.png")
    result = opened(photo.image).convert("L")

    top = result.crop((0, 0, 1200, 600))
    band = result.crop((0, 860, 1200, 900))
    assert abs(ImageStat.Stat(top).mean[0] - 128) < 3  # the picture itself is untouched
    darkest, brightest = band.getextrema()
    assert darkest < 80  # the band is darkened ...
    assert brightest > 220  # ... and carries white text
    assert ImageStat.Stat(band).mean[0] < 110


def test_stamp_uses_a_chinese_font():
    assert "CJK" in photos.stamp_font(20).getname()[0]


def test_stamp_falls_back_to_pillows_font_with_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(photos, "STAMP_FONTS", (("/nonexistent/font.ttc", 0),))
    photos._cjk_font_file.cache_clear()
    caplog.set_level("WARNING", logger=photos.logger.name)
    try:
        photo = process(encode(Image.new("RGB", (800, 600), GREY)))
    finally:
        photos._cjk_font_file.cache_clear()

    assert "No CJK font found" in caplog.text
    band = opened(photo.image).convert("L").crop((0, 570, 800, 600))
    assert band.getextrema()[1] > 220


def test_errors_read_in_chinese():
    with translation.override("zh-hans"):
        assert "该文件不是照片" in rejection(b"not an image").messages[0]
        assert (
            "超过上传上限 1 MB"
            in rejection(b"x" * (1024 * 1024 + 1), max_bytes=1024 * 1024).messages[0]
        )
