"""Work notices and reminders in a browser on a phone (375 px): the office sends a notice with a
form to fill in; the worker's sweep reminds the inspector of tomorrow's meeting and the inspector
sees the reminder among the notifications and opens the meeting; the office sees who has not
read the notice and reminds them with one tap; the principal reads it and sends the form back;
the office sees the reply and exports the replies."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Notice, NoticeReply
from meetings.tasks import sweep
from tests.e2e import login, small_tap_targets, switch_user
from tests.factories_notices import PDF_BYTES, docx_bytes, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于报送春季开学安全自查表的通知"


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_notice_and_a_meeting_reminder_on_a_phone(personas, live_server, phone_page, tmp_path):
    page = phone_page
    form = tmp_path / "自查表.pdf"
    form.write_bytes(PDF_BYTES)
    filled = tmp_path / "鲁沙尔镇中心学校自查表.docx"
    filled.write_bytes(docx_bytes())

    # The office sends the notice to the inspectors and, by name, to the principal.
    login(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:notice_list"))
    expect(page.get_by_text("还没有发送过通知。")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="发送通知").click()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("请填写附件中的自查表，按时回传。")
    page.get_by_label("附件").set_input_files(str(form))
    page.get_by_label("全体在岗督学").check()
    page.get_by_label("指定人员").fill(personas.principal.username)
    page.get_by_label("回传文件（如填好的表格）").check()
    due = timezone.localdate() + datetime.timedelta(days=3)
    page.get_by_label("回复截止日期").fill(due.isoformat())
    submit(page, "发送通知")
    expect(page.locator(".alert-success")).to_contain_text("通知已发送给 2 人")
    notice = Notice.objects.get(title=TITLE)
    expect(page.get_by_role("heading", name="已读 0 / 2 · 已回复 0")).to_be_visible()

    # Tomorrow's meeting: the worker's sweep sends its 1-day reminder.
    meeting = make_meeting(
        personas,
        starts_in=datetime.timedelta(hours=20),
        invite=[personas.inspector_user],
        title="十二月督学月例会",
    )
    assert sweep(send_now=True) >= 1

    # The inspector sees the reminder and the new notice among the notifications.
    switch_user(page, live_server, personas.inspector_user.username)
    page.goto(live_server.url + reverse("notifications:list"))
    expect(page.get_by_text(f"新通知：{TITLE}")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="会议提醒：十二月督学月例会").click()
    assert page.url.endswith(reverse("meetings:meeting_detail", args=[meeting.pk]))
    # ... and reads the notice.
    page.goto(live_server.url + reverse("meetings:notice_detail", args=[notice.pk]))
    expect(page.get_by_role("link", name="自查表.pdf")).to_be_visible()

    # The office sees who has not read it, and reminds them with one tap.
    switch_user(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:notice_detail", args=[notice.pk]))
    expect(page.get_by_role("heading", name="已读 1 / 2 · 已回复 0")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="未读").click()
    unread = page.locator("#recipients")
    expect(unread).to_contain_text(str(personas.principal))
    expect(unread).not_to_contain_text(str(personas.inspector_user))
    submit(page, "提醒 1 名未读人员")
    expect(page.locator(".alert-success")).to_contain_text("已提醒 1 人阅读")

    # The principal follows the reminder, reads the notice and sends the form back.
    switch_user(page, live_server, personas.principal.username)
    page.goto(live_server.url + reverse("notifications:list"))
    with page.expect_navigation():
        page.get_by_role("button", name=f"请阅读通知：{TITLE}").click()
    expect(page.get_by_role("heading", name="回传文件")).to_be_visible()
    assert small_tap_targets(page) == []
    page.get_by_label("文件", exact=True).set_input_files(str(filled))
    with page.expect_navigation():
        page.locator("[name=send]").click()
    expect(page.get_by_role("alert")).to_contain_text("回复已提交")
    assert NoticeReply.objects.get().original_name == filled.name
    for name in ("meetings:notice_list", "meetings:calendar"):
        page.goto(live_server.url + reverse(name))
        assert small_tap_targets(page) == [], name

    # The office sees the reply and exports the replies as a workbook.
    switch_user(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:notice_detail", args=[notice.pk]))
    expect(page.get_by_role("heading", name="已读 2 / 2 · 已回复 1")).to_be_visible()
    expect(page.get_by_role("link", name=filled.name)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出回复（.xlsx）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not page.csp_violations
