"""Factories and helpers for visit tests."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from visits import services
from visits.models import Visit, VisitKind, VisitMethod, VisitStatus, number_records

JPEG = "image/jpeg"


class VisitFactory(factory.django.DjangoModelFactory):
    """A draft visit; pass ``school``, ``inspector`` and ``created_by`` from the personas."""

    class Meta:
        model = Visit

    kind = VisitKind.ROUTINE
    arrived_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    methods = factory.LazyFunction(lambda: [VisitMethod.CAMPUS_TOUR.value])
    feedback_to_school = "总体良好，请继续保持。"


def submitted_visit(**kwargs) -> Visit:
    """A submitted visit saved directly (no rectification items), numbered as submission does."""
    moment = kwargs.pop("submitted_at", None) or timezone.now()
    kwargs.setdefault("submitted_by", kwargs["created_by"])
    visit = VisitFactory.build(status=VisitStatus.SUBMITTED, submitted_at=moment, **kwargs)
    with transaction.atomic():
        number_records([visit])
        visit.save()
    return visit


def image_bytes(fmt: str = "JPEG", size=(64, 48), color="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def jpeg_upload(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type=JPEG)


def add_photo(visit: Visit, user, **kwargs):
    """Attach a processed photo to a draft, as the upload view does."""
    return services.add_photo(visit=visit, uploaded_file=jpeg_upload(**kwargs), actor=user)


def pdf_bytes(text: str = "self-inspection report") -> bytes:
    """A small PDF with one empty page: enough for a browser to recognise and for the checks."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"% " + text.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_upload(name: str = "自查报告.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def add_pdf(visit: Visit, user, **kwargs):
    """Attach a PDF to a draft, as the upload view does."""
    return services.add_upload(visit=visit, uploaded_file=pdf_upload(**kwargs), actor=user)


# Objects the URL-by-role matrix probes.


def matrix_draft_visit(personas) -> Visit:
    """A draft at school B, the persona inspector's assigned school."""
    return VisitFactory(
        school=personas.school_b,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
    )


def matrix_submitted_visit(personas, *, with_photo: bool = False, with_pdf: bool = False) -> Visit:
    """A submitted visit to school A (the principal's) led by the persona inspector."""
    visit = VisitFactory(
        school=personas.school_a,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
    )
    if with_photo:
        add_photo(visit, personas.inspector_user)
    if with_pdf:
        add_pdf(visit, personas.inspector_user)
    visit.submit(personas.inspector_user)
    return visit


def matrix_draft_photo(personas):
    return add_photo(matrix_draft_visit(personas), personas.inspector_user)


def matrix_submitted_photo(personas):
    return matrix_submitted_visit(personas, with_photo=True).photos.get()


def matrix_submitted_pdf(personas):
    return matrix_submitted_visit(personas, with_pdf=True).photos.get()
