"""A meeting in a browser on a phone, every step of it in one journey: the office schedules the
monthly inspectors' meeting and invites the inspectors; the inspector sees the invitation and,
when the worker's sweep runs the day before, its reminder, and answers "attend"; at the meeting
the inspector signs in with the code read off the office's screen; the office files the minutes
and a decision owned by a township (no school), records the township's completion and verifies
it, and the next meeting of that kind lists the decision as done."""

import datetime
import io

import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    ReminderKind,
    ReminderOutcome,
    Response,
)
from meetings.tasks import sweep
from rectifications.models import RectificationState
from tests.e2e import login, switch_user
from tests.factories_meetings import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "十二月督学月例会"
DECISION = "协调解决中心学校旱厕改造用地"


def submit(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def read_code_on_screen(page) -> str:
    """What a phone's scanner reads off the office's screen: the QR image as drawn, decoded."""
    code = page.locator("#sign-in-code")
    expect(code).to_be_visible()
    page.wait_for_function(
        "() => { const img = document.getElementById('sign-in-code');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())))
    assert [result.format for result in results] == [zxingcpp.BarcodeFormat.QRCode]
    return results[0].text


def test_meeting_from_invitation_to_a_township_decision_done(personas, live_server, phone_page):
    page = phone_page
    township = personas.school_a.township
    day = timezone.localdate() + datetime.timedelta(days=5)

    # The office schedules the meeting in five days and invites all active inspectors.
    login(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:meeting_list"))
    with page.expect_navigation():
        page.get_by_role("link", name="安排会议").click()
    page.get_by_label("类型").select_option(MeetingKind.INSPECTORS)
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("日期").fill(day.isoformat())
    page.get_by_label("开始时间").fill("09:00")
    page.get_by_label("结束时间").fill("11:30")
    page.get_by_label("地点").fill("县教育局三楼会议室")
    page.get_by_label("全体在岗督学").check()
    submit(page, "安排会议")
    expect(page.locator(".alert-success")).to_contain_text("已邀请 1 人")
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.invitees.get().user == personas.inspector_user

    # The day before, beat's sweep finds the meeting's 1-day reminder due (the clock moved on
    # by passing ``now``) and sends it.
    assert sweep(now=meeting.starts_at - datetime.timedelta(hours=23), send_now=True) >= 1
    sent = meeting.reminders.filter(kind=ReminderKind.MEETING_SOON, outcome=ReminderOutcome.SENT)
    assert [(r.user, r.occasion) for r in sent] == [
        (personas.inspector_user, f"meeting-soon:{meeting.pk}:0:1d")
    ]

    # The inspector finds the invitation and the reminder among the notifications, follows the
    # reminder to the meeting, and attends.
    switch_user(page, live_server, personas.inspector_user.username)
    page.goto(live_server.url + reverse("notifications:list"))
    expect(page.get_by_text(f"会议通知：{TITLE}")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name=f"会议提醒：{TITLE}").click()
    assert page.url.endswith(reverse("meetings:meeting_detail", args=[meeting.pk]))
    page.goto(live_server.url + reverse("meetings:meeting_list"))
    expect(page.locator(".meeting-row", has_text=TITLE)).to_contain_text("请回复")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()
    page.get_by_label("参加").check()
    submit(page, "提交回复")
    expect(page.locator(".alert-success")).to_contain_text("您的回复已记录")
    assert meeting.invitees.get().response == Response.ATTEND

    # The day comes: the meeting has begun. The office puts the code on the screen ...
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - datetime.timedelta(minutes=5), ends_at=now + datetime.timedelta(hours=2)
    )
    switch_user(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:sign_in_screen", args=[meeting.pk]))
    expect(page.get_by_text("已签到 0 / 1 人")).to_be_visible()
    address = read_code_on_screen(page)
    assert address.startswith(f"{live_server.url}/meetings/{meeting.pk}/sign-in/")

    # ... and the inspector's phone opens the address the code holds and signs in with one tap.
    switch_user(page, live_server, personas.inspector_user.username)
    page.goto(address)
    submit(page, "签到")
    expect(page.locator(".alert-success")).to_contain_text("签到成功")
    expect(page.locator(".meeting-mine")).to_contain_text("您已于")
    assert meeting.invitees.get().attendance == Attendance.PRESENT

    # The office sees who came, files the minutes and a decision for the township.
    switch_user(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:sign_in_screen", args=[meeting.pk]))
    expect(page.get_by_text("已签到 1 / 1 人")).to_be_visible()
    page.goto(live_server.url + reverse("meetings:meeting_detail", args=[meeting.pk]))
    expect(page.locator("#attendance")).to_contain_text("到会 1 人")
    page.locator("#id_minutes").fill("会议听取了各责任区汇报，研究了旱厕改造问题。")
    submit(page, "归档纪要")
    expect(page.locator(".alert-success")).to_contain_text("会议纪要已归档")
    # With no decision yet, the form is open.
    decision_form = page.locator("#decisions form")
    decision_form.locator("#id_text").fill(DECISION)
    decision_form.locator("#id_owner_kind").select_option("township")
    expect(decision_form.locator("#id_school")).to_be_hidden()  # only the chosen kind's chooser
    decision_form.locator("#id_township").select_option(label=township.name)
    decision_form.locator("#id_deadline").fill((day + datetime.timedelta(days=30)).isoformat())
    submit(page, "登记")
    expect(page.locator("#decisions")).to_contain_text(DECISION)
    decision = meeting.decisions.get()
    assert decision.item.school is None and decision.item.owner_name == township.name

    # The township has no login: the office records its steps, without photos, and verifies.
    with page.expect_navigation():
        page.locator("#decisions").get_by_role("link", name="进展与办理").click()
    page.get_by_label("整改方案：采取哪些措施、何时完成").fill("镇政府已落实用地。")
    submit(page, "提交整改方案")
    page.get_by_label("整改完成情况").fill("改厕工程已完工。")
    submit(page, "报告整改完成")
    submit(page, "复查合格，予以销号")
    decision.item.refresh_from_db()
    assert decision.item.state == RectificationState.CLOSED

    # The next monthly meeting lists the decision with its state: done.
    following = make_meeting(
        personas, starts_at=now + datetime.timedelta(days=30), title="一月督学月例会"
    )
    page.goto(live_server.url + reverse("meetings:meeting_detail", args=[following.pk]))
    earlier = page.locator("#earlier")
    expect(earlier).to_contain_text(DECISION)
    expect(earlier.locator(".badge", has_text="已销号")).to_be_visible()
    assert not page.csp_violations
