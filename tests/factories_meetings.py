"""Factories and helpers for meeting tests."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings import services
from meetings.models import (
    Invitee,
    InviteeGroup,
    Meeting,
    MeetingFile,
    MeetingKind,
    MeetingSeries,
)
from meetings.recipients import RecipientChoice
from schools.models import Department


def make_meeting(
    personas,
    *,
    kind=MeetingKind.INSPECTORS,
    starts_at=None,
    hours: float = 2,
    invite=(),
    title="督学月例会",
    county=None,
    **fields,
) -> Meeting:
    """A meeting of the persona county (default in two days), with ``invite`` users invited."""
    starts_at = starts_at or timezone.now() + datetime.timedelta(days=2)
    meeting = Meeting.objects.create(
        county=county or personas.county,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        place="县教育局三楼会议室",
        created_by=personas.office,
        **fields,
    )
    Invitee.objects.bulk_create(
        Invitee(meeting=meeting, user=user, name=str(user), group=InviteeGroup.PERSON)
        for user in invite
    )
    return meeting


def ongoing(personas, **kwargs) -> Meeting:
    """A meeting that began five minutes ago and lasts two hours."""
    kwargs.setdefault("starts_at", timezone.now() - datetime.timedelta(minutes=5))
    return make_meeting(personas, **kwargs)


def past(personas, **kwargs) -> Meeting:
    kwargs.setdefault("starts_at", timezone.now() - datetime.timedelta(days=3))
    return make_meeting(personas, **kwargs)


def department(personas, name="县财政局") -> Department:
    return Department.objects.get_or_create(county=personas.county, name=name)[0]


def pdf_upload(name="会议材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "application/pdf"
    )


def office_upload(kind: str, name: str | None = None) -> SimpleUploadedFile:
    """A minimal .docx or .xlsx package: a zip with its content types and main part."""
    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main, "<x/>")
    return SimpleUploadedFile(name or f"表格.{kind}", buffer.getvalue(), "application/zip")


# The parts that make a Word or Excel package macro-enabled (.docm, .xlsm).
MACRO_PARTS = {
    "docm": (
        "word/document.xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "word/vbaProject.bin",
    ),
    "xlsm": (
        "xl/workbook.xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "xl/vbaProject.bin",
    ),
}


def macro_upload(
    kind: str, name: str | None = None, *, content_type: bool = True, vba_project: bool = True
) -> SimpleUploadedFile:
    """A .docm or .xlsm package as Office writes it: the macro-enabled main content type and
    the VBA project part (each can be left out, as a hand-made file might)."""
    main, main_type, vba = MACRO_PARTS[kind]
    if not content_type:
        main_type = "application/vnd.openxmlformats-officedocument.main+xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main}" ContentType="{main_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", types)
        package.writestr(main, "<x/>")
        if vba_project:
            package.writestr(vba, b"\xd0\xcf\x11\xe0 VBA project")
    return SimpleUploadedFile(name or f"表格.{kind}", buffer.getvalue(), "application/zip")


# Objects the URL-by-role matrix probes: meetings the persona inspector and principal are
# invited to; the committee member is not (an inspectors' meeting).


def matrix_meeting(personas) -> Meeting:
    return make_meeting(personas, invite=[personas.inspector_user, personas.principal])


def matrix_ongoing(personas) -> Meeting:
    return ongoing(personas, invite=[personas.inspector_user, personas.principal])


def matrix_past_invitee(personas) -> Invitee:
    """A guest of a past meeting: the office may not remove them any more (the page says so)."""
    meeting = past(personas, invite=[personas.inspector_user, personas.principal])
    return Invitee.objects.create(meeting=meeting, name="王主任", organisation="县财政局")


def matrix_file(personas) -> MeetingFile:
    meeting = matrix_meeting(personas)
    return services.add_file(
        meeting=meeting, actor=personas.office, upload=pdf_upload(), max_bytes=10 * 1024 * 1024
    )


def matrix_series(personas) -> MeetingSeries:
    """The county's one monthly-meeting rule (a county has one per kind)."""
    series, _created = MeetingSeries.objects.get_or_create(
        county=personas.county,
        kind=MeetingSeries._meta.get_field("kind").default,
        defaults={
            "title": "督学月例会",
            "place": "县教育局三楼会议室",
            "invitees": RecipientChoice(inspectors=True).as_dict(),
            "created_by": personas.office,
        },
    )
    return series
