"""Factories and helpers for rectification tests."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dudao.photos import process_photo
from rectifications import services
from rectifications.models import Severity, SourceKind


def make_item(personas, *, school=None, severity=Severity.GENERAL, deadline=None, **kwargs):
    """An open item opened by the office, from a complaint (visits make their own)."""
    school = school or personas.school_a
    kwargs.setdefault("actor", personas.office)
    kwargs.setdefault("source", SourceKind.COMPLAINT)
    return services.open_item(
        school=school,
        matter=school.county.supervision_matters.first(),
        severity=severity,
        description="食堂留样记录不全",
        required_change="每餐留样并登记",
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=60),
        **kwargs,
    )


def jpeg_upload(name="evidence.jpg", color="green") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def photo():
    """A processed photo, as a step form hands it to the model."""
    return process_photo(jpeg_upload(), stamp_text="测试", max_bytes=10 * 1024 * 1024)


# Objects the URL-by-role matrix probes: all of school A (the principal's school).


def matrix_item(personas):
    return make_item(personas)


def matrix_evidence(personas):
    item = make_item(personas)
    item.submit_plan(personas.principal, "整改方案")
    event = item.report_done(personas.principal, "已整改", [photo()])
    return event.evidence.get()


def matrix_notice(personas):
    return services.issue_notice(
        school=personas.school_a,
        items=[make_item(personas)],
        inspector=None,
        actor=personas.office,
    )


def matrix_notification(personas):
    from accounts.models import Notification

    return Notification.objects.deliver(
        personas.principal, dedupe_key="matrix", title="整改提醒", url="/"
    )
