"""Work notices: the office sends them with files to chosen people, sees who has read and
replied, reminds those who have not read with one action, and exports the replies."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Notification
from meetings.models import Notice, NoticeRecipient, NoticeReply, Reminder, ReplyKind
from tests.factories_notices import PDF_BYTES, docx_bytes, make_notice, reply

pytestmark = pytest.mark.django_db


def _post_notice(client, personas, **overrides):
    data = {
        "title": "关于报送春季开学检查自查表的通知",
        "body": "请各校填写附件中的自查表，按时报送。",
        "to_people": "principal, inspector",
        "reply_kind": ReplyKind.FILE,
        "reply_due_on": "2099-03-10",
        "files": [
            SimpleUploadedFile("自查表.docx", docx_bytes()),
            SimpleUploadedFile("说明.pdf", PDF_BYTES),
        ],
        **overrides,
    }
    return client.post(reverse("meetings:notice_create"), data)


def test_the_office_sends_a_notice_with_files_and_each_recipient_is_told_once(
    client, personas, django_capture_on_commit_callbacks
):
    personas.principal.email = "wang@example.org"
    personas.principal.save()
    client.force_login(personas.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_notice(client, personas)
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:notice_detail", args=[notice.pk])
    assert sorted(notice.files.values_list("kind", "original_name")) == [
        ("docx", "自查表.docx"),
        ("pdf", "说明.pdf"),
    ]
    assert sorted(notice.recipients.values_list("user__username", flat=True)) == [
        "inspector",
        "principal",
    ]
    assert sorted(Notification.objects.values_list("user__username", "dedupe_key")) == [
        ("inspector", f"work-notice:{notice.pk}"),
        ("principal", f"work-notice:{notice.pk}"),
    ]
    assert [message.to for message in mail.outbox] == [["wang@example.org"]]


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_sent(client, personas):
    client.force_login(personas.office)
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 this is a program")
    response = _post_notice(client, personas, files=[fake])
    assert response.status_code == 200
    assert "通知.pdf" in response.content.decode()  # the error names the file
    assert not Notice.objects.exists()
    assert response.context["form"]["title"].value() == "关于报送春季开学检查自查表的通知"


def test_a_file_over_the_county_limit_is_refused(client, personas):
    settings = personas.county.settings
    settings.document_max_megabytes = 1
    settings.save()
    client.force_login(personas.office)
    big = SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    response = _post_notice(client, personas, files=[big])
    assert response.status_code == 200
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"to_people": ""},  # nobody chosen
        {"reply_due_on": ""},  # a file asked for without a date
        {"reply_kind": "", "reply_due_on": "2099-03-10"},  # a date without a reply
        {"reply_due_on": "2020-01-01"},  # in the past
        {"to_people": "查无此人"},
    ],
)
def test_bad_input_is_explained_and_nothing_is_sent(client, personas, overrides):
    client.force_login(personas.office)
    response = _post_notice(client, personas, **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Notice.objects.exists()


def test_first_reading_is_recorded_once(client, personas):
    notice = make_notice(personas, to=[personas.principal])
    client.force_login(personas.principal)
    url = reverse("meetings:notice_detail", args=[notice.pk])
    assert client.get(url).status_code == 200
    first = NoticeRecipient.objects.get().read_at
    assert first is not None
    client.get(url)
    assert NoticeRecipient.objects.get().read_at == first


def test_the_office_opening_a_notice_does_not_count_as_reading(client, personas):
    notice = make_notice(personas, to=[personas.principal])
    client.force_login(personas.office)
    response = client.get(reverse("meetings:notice_detail", args=[notice.pk]))
    assert response.status_code == 200
    assert NoticeRecipient.objects.get().read_at is None
    assert "未读" in response.content.decode()


def test_outsiders_and_other_recipients_cannot_see_a_notice(client, personas):
    notice = make_notice(personas, to=[personas.principal], with_file=True)
    url = reverse("meetings:notice_detail", args=[notice.pk])
    file_url = reverse("meetings:notice_file", args=[notice.files.get().pk])
    for user in (personas.inspector_user, personas.other_office, personas.committee):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(file_url).status_code == 404


def test_files_are_served_as_downloads_to_recipients(client, personas):
    notice = make_notice(personas, to=[personas.principal], with_file=True)
    client.force_login(personas.principal)
    response = client.get(reverse("meetings:notice_file", args=[notice.files.get().pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_remind_unread_with_one_action_once_a_day(
    client, personas, django_capture_on_commit_callbacks
):
    notice = make_notice(personas, to=[personas.principal, personas.inspector_user])
    NoticeRecipient.objects.filter(user=personas.inspector_user).update(read_at=timezone.now())
    client.force_login(personas.office)
    url = reverse("meetings:notice_remind", args=[notice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
        client.post(url)  # a second click the same day
    reminded = Notification.objects.get()
    assert reminded.user == personas.principal
    assert reminded.dedupe_key.startswith(f"notice-unread:{notice.pk}:")
    assert reminded.url == reverse("meetings:notice_detail", args=[notice.pk])
    assert Reminder.objects.count() == 1
    assert (
        "已提醒" in client.get(reverse("meetings:notice_detail", args=[notice.pk])).content.decode()
    )


def test_only_the_office_reminds_withdraws_and_exports(client, personas):
    notice = make_notice(
        personas, to=[personas.principal], reply_kind=ReplyKind.TEXT, due_in_days=2
    )
    client.force_login(personas.principal)
    for name in ("notice_remind", "notice_withdraw"):
        assert client.post(reverse(f"meetings:{name}", args=[notice.pk])).status_code == 403
    assert client.get(reverse("meetings:notice_export", args=[notice.pk])).status_code == 403


def test_a_recipient_replies_with_text_and_may_replace_it(client, personas):
    notice = make_notice(
        personas, to=[personas.principal], reply_kind=ReplyKind.TEXT, due_in_days=2
    )
    client.force_login(personas.principal)
    url = reverse("meetings:notice_reply", args=[notice.pk])
    refused = client.post(url, {"text": ""})  # an empty reply: the form says so
    assert refused.status_code == 200 and refused.context["reply_form"].errors
    assert not NoticeReply.objects.exists()
    assert client.post(url, {"text": "已完成自查。"}).status_code == 302
    assert client.post(url, {"text": "已完成自查，附整改台账。"}).status_code == 302
    answer = NoticeReply.objects.get()
    assert answer.text == "已完成自查，附整改台账。"
    assert answer.recipient.read_at is not None


def test_a_file_back_is_kept_and_served_to_the_sender_and_the_office_only(client, personas):
    notice = make_notice(
        personas,
        to=[personas.principal, personas.inspector_user],
        reply_kind=ReplyKind.FILE,
        due_in_days=2,
    )
    client.force_login(personas.principal)
    url = reverse("meetings:notice_reply", args=[notice.pk])
    refused = client.post(url, {"text": "见附件"})  # the file is missing
    assert "file" in refused.context["reply_form"].errors
    sent = client.post(url, {"file": SimpleUploadedFile("自查表.docx", docx_bytes())})
    assert sent.status_code == 302
    answer = NoticeReply.objects.get()
    assert answer.file_kind == "docx"
    file_url = reverse("meetings:notice_reply_file", args=[answer.pk])
    assert client.get(file_url).status_code == 200
    client.force_login(personas.inspector_user)  # another recipient of the same notice
    assert client.get(file_url).status_code == 404
    client.force_login(personas.office)
    assert client.get(file_url)["Content-Disposition"].startswith("attachment;")


def test_replies_export_to_xlsx_with_formula_text_kept_as_text(client, personas):
    notice = make_notice(
        personas,
        to=[personas.principal, personas.inspector_user],
        reply_kind=ReplyKind.TEXT,
        due_in_days=2,
    )
    reply(notice, personas.principal, text='=HYPERLINK("http://evil")')
    client.force_login(personas.office)
    response = client.get(reverse("meetings:notice_export", args=[notice.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("收件人", "角色", "学校")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[str(personas.principal)][2] == personas.school_a.name
    assert by_name[str(personas.principal)][5] == '=HYPERLINK("http://evil")'
    assert (
        sheet.cell(row=2, column=6).data_type == "s" or sheet.cell(row=3, column=6).data_type == "s"
    )
    assert by_name[str(personas.inspector_user)][4] is None  # no reply yet


def test_a_withdrawn_notice_disappears_for_recipients(client, personas):
    notice = make_notice(personas, to=[personas.principal])
    client.force_login(personas.office)
    client.post(reverse("meetings:notice_withdraw", args=[notice.pk]))
    client.force_login(personas.principal)
    assert client.get(reverse("meetings:notice_detail", args=[notice.pk])).status_code == 404
    assert notice.title not in client.get(reverse("meetings:notice_list")).content.decode()


def test_lists_are_empty_politely_and_paged(client, personas):
    client.force_login(personas.principal)
    assert "没有发给您的通知" in client.get(reverse("meetings:notice_list")).content.decode()
    for number in range(30):
        make_notice(personas, to=[personas.principal], title=f"通知{number:02d}")
    page = client.get(reverse("meetings:notice_list")).context["page"]
    assert len(page.object_list) == 25 and page.paginator.count == 30


def test_list_and_page_queries_do_not_grow_with_notices_or_recipients(
    client, personas, django_assert_max_num_queries
):
    from tests import factories

    people = [factories.UserFactory(county=personas.county) for _ in range(10)]
    for _number in range(6):
        notice = make_notice(personas, to=people, reply_kind=ReplyKind.TEXT, due_in_days=2)
    for person in people[:4]:
        reply(notice, person)
    client.force_login(personas.office)
    with django_assert_max_num_queries(12):
        client.get(reverse("meetings:notice_list"))
    with django_assert_max_num_queries(16):
        client.get(reverse("meetings:notice_detail", args=[notice.pk]))
    client.force_login(people[0])
    with django_assert_max_num_queries(14):
        client.get(reverse("meetings:notice_list"))
    with django_assert_max_num_queries(16):
        client.get(reverse("meetings:notice_detail", args=[notice.pk]))
