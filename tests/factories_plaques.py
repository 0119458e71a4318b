"""Helpers for plaque tests: issued plaques, postings, inspector portraits."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dudao.photos import process_photo
from inspectors.models import Plaque
from inspectors.services import issue_plaques, record_posting


def jpeg_bytes(size=(64, 48), color="green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg_upload(name="photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def processed_photo():
    return process_photo(jpeg_upload(), stamp_text="测试", max_bytes=10 * 1024 * 1024)


def plaque_of(school) -> Plaque:
    """The school's plaque, issued if it has none."""
    issue_plaques(schools=[school], today=timezone.localdate())
    return Plaque.objects.select_related("school__county").get(school=school)


def posted(school, user, *, photo=True, posted_on=None):
    """Issue and post the school's plaque as today's data prints it."""
    return record_posting(
        plaque=plaque_of(school),
        posted_on=posted_on or timezone.localdate(),
        photo=processed_photo() if photo else None,
        note="",
        actor=user,
    )


def with_photo(inspector):
    inspector.photo.save("portrait.jpg", SimpleUploadedFile("p.jpg", jpeg_bytes((90, 120))))
    return inspector


# What the URL-by-role matrix probes: school B, covered by the persona inspector (its lead).


def matrix_posting(personas):
    return posted(personas.school_b, personas.office)


def matrix_plaque(personas):
    return plaque_of(personas.school_b)
