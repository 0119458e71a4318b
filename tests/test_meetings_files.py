"""Files of meetings and notices: their size limit is the county's document limit (not the photo
limit), set on the county settings page; Word and Excel files with macros (.docm, .xlsm, or such
a file renamed .docx) are refused by their bytes, with a clear reason."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.files import DocumentKind, document_kind, has_macros, sniff_document
from meetings.models import MeetingFile, Notice, NoticeReply, ReplyKind
from schools.models import CountySettings
from tests.factories import county_settings_form_data
from tests.factories_meetings import macro_upload, make_meeting, office_upload, pdf_upload
from tests.factories_notices import PDF_BYTES, make_notice

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def pdf_of(size: int, name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES + b"0" * (size - len(PDF_BYTES)), "application/pdf")


# Sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "upload",
    [
        macro_upload("docm", "会议材料.docm"),
        macro_upload("xlsm", "统计表.xlsm"),
        # Renamed .docx / .xlsx: the bytes still tell.
        macro_upload("docm", "会议材料.docx"),
        macro_upload("xlsm", "统计表.xlsx"),
        # Only one of the two signs is enough.
        macro_upload("docm", content_type=False),
        macro_upload("xlsm", vba_project=False),
    ],
    ids=["docm", "xlsm", "docm-as-docx", "xlsm-as-xlsx", "vba-project-only", "content-type-only"],
)
def test_office_files_with_macros_are_not_documents(upload):
    assert sniff_document(upload) is None
    assert has_macros(upload)
    with pytest.raises(ValidationError) as refused:
        document_kind(upload)
    assert refused.value.code == "macros"
    assert upload.name in refused.value.messages[0]
    assert upload.tell() == 0  # left ready for whoever reads it next


@pytest.mark.parametrize(
    ("upload", "kind"),
    [(office_upload("docx"), DocumentKind.DOCX), (office_upload("xlsx"), DocumentKind.XLSX)],
)
def test_office_files_without_macros_are_documents(upload, kind):
    assert sniff_document(upload) == kind
    assert document_kind(upload) == kind
    assert not has_macros(upload)


def test_other_refusals_say_the_format_is_wrong():
    for upload in (
        SimpleUploadedFile("a.pdf", b"MZ\x90\x00 a program"),
        SimpleUploadedFile("a.docx", b"PK\x03\x04 a broken zip"),
        pdf_upload("a.docm"),  # a PDF named .docm is a PDF
    ):
        assert not has_macros(upload)
    with pytest.raises(ValidationError) as refused:
        document_kind(SimpleUploadedFile("a.exe", b"MZ\x90\x00"))
    assert refused.value.code == "kind"


def test_a_huge_content_types_part_is_read_only_in_part():
    """A bomb in [Content_Types].xml: only its first part is inflated, and it is refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types>" + b" " * (64 * MB))
        package.writestr("word/document.xml", "<x/>")
        package.writestr("word/vbaProject.bin", "x")
    upload = SimpleUploadedFile("大.docx", buffer.getvalue())
    assert len(upload) < MB
    assert sniff_document(upload) is None and has_macros(upload)


# On the pages --------------------------------------------------------------------------------


def test_a_meeting_file_with_macros_is_refused_with_the_reason(client, personas):
    meeting = make_meeting(personas)
    client.force_login(personas.office)
    url = reverse("meetings:meeting_file_upload", args=[meeting.pk])
    response = client.post(url, {"file": macro_upload("docm", "议程.docx")}, follow=True)
    assert "议程.docx 含有宏，不予接收" in response.content.decode()
    assert not MeetingFile.objects.exists()


def test_a_notice_with_a_macro_workbook_is_not_sent_and_the_form_is_kept(client, personas):
    client.force_login(personas.office)
    response = client.post(
        reverse("meetings:notice_create"),
        {
            "title": "关于报送学生人数的通知",
            "body": "请填写附件。",
            "to_people": "principal",
            "files": [macro_upload("xlsm", "人数统计.xlsm")],
        },
    )
    assert response.status_code == 200
    assert "人数统计.xlsm 含有宏" in response.content.decode()
    assert response.context["form"]["title"].value() == "关于报送学生人数的通知"
    assert not Notice.objects.exists()


def test_a_reply_with_macros_is_refused(client, personas):
    notice = make_notice(
        personas, to=[personas.principal], reply_kind=ReplyKind.FILE, due_in_days=3
    )
    client.force_login(personas.principal)
    response = client.post(
        reverse("meetings:notice_reply", args=[notice.pk]),
        {"file": macro_upload("xlsm", "回执.xlsx")},
    )
    assert "回执.xlsx 含有宏" in response.content.decode()
    assert not NoticeReply.objects.exists()


# The document limit --------------------------------------------------------------------------


def test_the_document_limit_is_its_own_setting_with_a_default_of_20_mb(client, personas):
    settings = personas.county.settings
    assert CountySettings().document_max_megabytes == 20
    settings.photo_max_megabytes = 1  # photos of visits: small; meeting files are not photos
    settings.save()
    meeting = make_meeting(personas)
    client.force_login(personas.office)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "每个文件不超过 20 MB" in page
    url = reverse("meetings:meeting_file_upload", args=[meeting.pk])
    client.post(url, {"file": pdf_of(2 * MB)})
    assert MeetingFile.objects.get().size == 2 * MB

    settings.document_max_megabytes = 1
    settings.save()
    response = client.post(url, {"file": pdf_of(2 * MB, "大.pdf")}, follow=True)
    assert "上传上限 1 MB" in response.content.decode()
    assert MeetingFile.objects.count() == 1


def test_notice_attachments_and_replies_follow_the_document_limit(client, personas):
    settings = personas.county.settings
    settings.photo_max_megabytes, settings.document_max_megabytes = 1, 2
    settings.save()
    client.force_login(personas.office)
    form_page = client.get(reverse("meetings:notice_create")).content.decode()
    assert "每个文件不超过 2 MB" in form_page
    data = {"title": "通知", "body": "见附件。", "to_people": "principal"}
    too_big = client.post(reverse("meetings:notice_create"), {**data, "files": [pdf_of(3 * MB)]})
    assert "上传上限 2 MB" in too_big.content.decode() and not Notice.objects.exists()
    sent = client.post(reverse("meetings:notice_create"), {**data, "files": [pdf_of(MB + 1)]})
    assert sent.status_code == 302

    notice = make_notice(
        personas, to=[personas.principal], reply_kind=ReplyKind.FILE, due_in_days=3
    )
    client.force_login(personas.principal)
    url = reverse("meetings:notice_reply", args=[notice.pk])
    refused = client.post(url, {"file": pdf_of(3 * MB, "回执.pdf")})
    assert "上传上限 2 MB" in refused.content.decode()
    assert client.post(url, {"file": pdf_of(MB + 1, "回执.pdf")}).status_code == 302
    assert NoticeReply.objects.get().original_name == "回执.pdf"


def test_the_office_sets_the_document_limit_on_the_settings_page(client, personas):
    settings = personas.county.settings
    url = reverse("schools:county_settings")
    client.force_login(personas.office)
    page = client.get(url).content.decode()
    assert "会议与通知文件上限（MB）" in page
    for bad in (0, 101):
        refused = client.post(url, county_settings_form_data(settings, document_max_megabytes=bad))
        assert refused.status_code == 200 and refused.context["form"].errors
    client.post(url, county_settings_form_data(settings, document_max_megabytes=50))
    settings.refresh_from_db()
    assert settings.document_max_megabytes == 50
    client.force_login(personas.committee)  # reads it, cannot change it
    assert "会议与通知文件上限（MB）" in client.get(url).content.decode()
