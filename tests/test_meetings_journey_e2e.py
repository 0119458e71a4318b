"""A meeting in a browser on a phone: the office schedules the monthly inspectors' meeting and
invites the inspectors, an inspector sees the invitation and answers "attend", signs in at the
meeting by the QR page, the office files the minutes and a decision owned by a township (no
school), records the township's completion and verifies it, and the next meeting of that kind
lists the decision as done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Attendance, Meeting, MeetingKind, Response
from rectifications.models import RectificationState
from tests.e2e import login, switch_user
from tests.factories_meetings import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "十二月督学月例会"
DECISION = "协调解决中心学校旱厕改造用地"


def submit(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_meeting_from_invitation_to_a_township_decision_done(personas, live_server, phone_page):
    page = phone_page
    township = personas.school_a.township
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    # The office schedules the meeting for tomorrow and invites all active inspectors.
    login(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:meeting_list"))
    with page.expect_navigation():
        page.get_by_role("link", name="安排会议").click()
    page.get_by_label("类型").select_option(MeetingKind.INSPECTORS)
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("日期").fill(tomorrow.isoformat())
    page.get_by_label("开始时间").fill("09:00")
    page.get_by_label("结束时间").fill("11:30")
    page.get_by_label("地点").fill("县教育局三楼会议室")
    page.get_by_label("全体在岗督学").check()
    submit(page, "安排会议")
    expect(page.locator(".alert-success")).to_contain_text("已邀请 1 人")
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.invitees.get().user == personas.inspector_user

    # The inspector finds the invitation among the notifications and on the list, and attends.
    # (The reminders of the sweep, 3 days and 1 day before, are the notices part's journey.)
    switch_user(page, live_server, personas.inspector_user.username)
    page.goto(live_server.url + reverse("notifications:list"))
    expect(page.get_by_text(f"会议通知：{TITLE}")).to_be_visible()
    page.goto(live_server.url + reverse("meetings:meeting_list"))
    expect(page.locator(".meeting-row", has_text=TITLE)).to_contain_text("请回复")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()
    page.get_by_label("参加").check()
    submit(page, "提交回复")
    expect(page.locator(".alert-success")).to_contain_text("您的回复已记录")
    assert meeting.invitees.get().response == Response.ATTEND

    # The day comes: the meeting has begun. The office's screen shows the code; the inspector's
    # phone opens the sign-in address the code holds and signs in with one tap.
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - datetime.timedelta(minutes=5), ends_at=now + datetime.timedelta(hours=2)
    )
    meeting.refresh_from_db()
    page.goto(
        live_server.url
        + reverse("meetings:sign_in", args=[meeting.pk, services.sign_in_token(meeting)])
    )
    submit(page, "签到")
    expect(page.locator(".alert-success")).to_contain_text("签到成功")
    expect(page.locator(".meeting-mine")).to_contain_text("您已于")
    assert meeting.invitees.get().attendance == Attendance.PRESENT

    # The office sees who came, files the minutes and a decision for the township.
    switch_user(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("meetings:sign_in_screen", args=[meeting.pk]))
    expect(page.locator("#sign-in-code")).to_be_visible()
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
    decision_form.locator("#id_deadline").fill((tomorrow + datetime.timedelta(days=30)).isoformat())
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
