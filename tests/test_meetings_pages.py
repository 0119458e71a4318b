"""Meeting pages through their forms: scheduling with invitee groups and people without a login,
bad input, moving and cancelling, answers, decisions, files, printing, recurring rules; and the
rectification pages, reminders and export with decision items that have no school."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Notification
from meetings import services
from meetings.models import (
    DecisionOwner,
    Invitee,
    InviteeGroup,
    Meeting,
    MeetingFile,
    MeetingKind,
    MeetingSeries,
    Response,
)
from rectifications.models import RectificationState
from rectifications.tasks import send_daily_reminders
from tests.factories_meetings import (
    department,
    make_meeting,
    office_upload,
    ongoing,
    past,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def meeting_data(**overrides) -> dict:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {
        "kind": MeetingKind.INSPECTORS,
        "title": "督学月例会",
        "day": tomorrow.isoformat(),
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "县教育局三楼会议室",
        "chair": "马主任",
        "agenda": "一、汇报\n二、部署",
        "to_inspectors": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def office(client, personas):
    client.force_login(personas.office)
    return client


# Scheduling -----------------------------------------------------------------------------------


def test_schedule_with_groups_people_and_guests(
    office, personas, django_capture_on_commit_callbacks
):
    data = meeting_data(
        to_townships=[personas.school_a.township.pk],
        to_people="committee",
        guests="王主任, 县财政局, 138-0000-0001\n李镇长，鲁沙尔镇人民政府",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("meetings:meeting_create"), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting_detail", args=[meeting.pk])
    starts = timezone.localtime(meeting.starts_at)
    assert (starts.hour, starts.minute, meeting.ends_at - meeting.starts_at) == (
        9,
        0,
        datetime.timedelta(hours=2, minutes=30),
    )
    invited = {(i.name, i.group, i.user_id) for i in meeting.invitees.all()}
    assert invited == {
        (str(personas.inspector_user), InviteeGroup.INSPECTORS, personas.inspector_user.pk),
        (str(personas.principal), InviteeGroup.PRINCIPALS, personas.principal.pk),
        (str(personas.committee), InviteeGroup.PERSON, personas.committee.pk),
        ("王主任", InviteeGroup.GUEST, None),
        ("李镇长", InviteeGroup.GUEST, None),
    }
    assert meeting.invitees.get(name="王主任").phone == "138-0000-0001"
    for user in (personas.inspector_user, personas.principal, personas.committee):
        assert Notification.objects.filter(user=user, title__contains="督学月例会").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "08:00"}, "end_time", "结束时间必须晚于开始时间"),
        ({"day": "2020-01-06"}, "day", "已经过去"),
        ({"to_people": "无此人"}, "to_people", "找不到唯一对应的人员：无此人"),
        ({"guests": "王主任, 县财政局, 电话未知"}, "guests", "王主任, 县财政局, 电话未知"),
        ({"to_inspectors": ""}, None, "请至少邀请一类人员或一个人"),
    ],
)
def test_bad_input_is_said_in_chinese_and_kept(office, overrides, field, message):
    response = office.post(reverse("meetings:meeting_create"), meeting_data(**overrides))
    assert response.status_code == 200 and not Meeting.objects.exists()
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors)
    assert form["title"].value() == "督学月例会"  # what was typed stays


def test_move_and_cancel_through_their_pages(office, personas):
    meeting = make_meeting(personas, invite=[personas.inspector_user])
    day = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    move = reverse("meetings:meeting_move", args=[meeting.pk])
    refused = office.post(move, {"day": day, "start_time": "14:00", "end_time": "16:00"})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    office.post(move, {"day": day, "start_time": "14:00", "end_time": "16:00", "reason": "冲突"})
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day} 14:00"
    assert (meeting.sequence, meeting.change_reason) == (1, "冲突")
    office.post(reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "上级检查"})
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancel_reason == "上级检查"
    page = office.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "已取消：上级检查" in page.content.decode()
    again = office.post(reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "x"})
    assert again.status_code == 200 and "会议已经取消" in again.content.decode()


def test_invite_more_and_remove_before_the_meeting(office, personas):
    meeting = make_meeting(personas, invite=[personas.inspector_user])
    office.post(
        reverse("meetings:meeting_invite", args=[meeting.pk]),
        {"to_all_principals": "on", "guests": "王主任, 县财政局"},
    )
    assert set(meeting.invitees.values_list("name", flat=True)) == {
        str(personas.inspector_user),
        str(personas.principal),
        "王主任",
    }
    guest = meeting.invitees.get(name="王主任")
    office.post(reverse("meetings:invitee_remove", args=[guest.pk]))
    assert not Invitee.objects.filter(pk=guest.pk).exists()


# Answers --------------------------------------------------------------------------------------


def test_an_invitee_answers_on_leave_with_a_reason(client, personas):
    meeting = make_meeting(personas, invite=[personas.inspector_user])
    client.force_login(personas.inspector_user)
    url = reverse("meetings:meeting_respond", args=[meeting.pk])
    client.post(url, {"response": Response.LEAVE})
    invitee = meeting.invitees.get()
    assert invitee.response == Response.PENDING
    client.post(url, {"response": Response.LEAVE, "leave_reason": "下乡督导"})
    invitee.refresh_from_db()
    assert (invitee.response, invitee.leave_reason) == (Response.LEAVE, "下乡督导")
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "下乡督导" in page.content.decode()
    # Who is not invited cannot answer, even seeing the meeting.
    client.force_login(personas.office)
    assert client.post(url, {"response": Response.ATTEND}).status_code == 404


# Decisions through the page -----------------------------------------------------------------


def test_a_decision_for_a_department_from_the_page(office, personas):
    meeting = ongoing(personas, kind=MeetingKind.JOINT)
    finance = department(personas)
    url = reverse("meetings:decision_add", args=[meeting.pk])
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    data = {"text": "安排宿管员经费", "deadline": deadline, "owner_kind": "department"}
    missing = office.post(url, data)
    assert missing.status_code == 400 and "请选择该决定事项的责任方" in missing.content.decode()
    response = office.post(url, {**data, "department": finance.pk})
    assert response.status_code == 302
    decision = meeting.decisions.get()
    assert decision.owner == finance and decision.item.owner_name == "县财政局"
    past_deadline = office.post(url, {**data, "department": finance.pk, "deadline": "2020-01-01"})
    assert past_deadline.status_code == 400 and meeting.decisions.count() == 1


def test_a_decision_for_a_person_or_school_uses_the_pickers(office, personas):
    meeting = ongoing(personas)
    url = reverse("meetings:decision_add", args=[meeting.pk])
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    office.post(
        url,
        {
            "text": "汇总台账",
            "deadline": deadline,
            "owner_kind": "user",
            "person": personas.committee.pk,
        },
    )
    office.post(
        url,
        {
            "text": "公示收费",
            "deadline": deadline,
            "owner_kind": "school",
            "school": personas.school_a.pk,
        },
    )
    owners = [d.owner for d in meeting.decisions.order_by("number")]
    assert owners == [personas.committee, personas.school_a]
    # Another county's school or login is no choice.
    refused = office.post(
        url,
        {
            "text": "x",
            "deadline": deadline,
            "owner_kind": "school",
            "school": personas.other_school.pk,
        },
    )
    assert refused.status_code == 400
    found = office.get(
        reverse("meetings:meeting_detail", args=[meeting.pk]), {"pick": "school", "term": "第二"}
    )
    assert [r["text"] for r in found.json()["results"]] == [personas.school_b.name]


# Files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "kind"),
    [
        (pdf_upload("通知.exe"), "pdf"),  # the bytes decide, not the name
        (office_upload("docx"), "docx"),
        (office_upload("xlsx"), "xlsx"),
    ],
)
def test_documents_are_recognised_by_their_bytes(office, personas, upload, kind):
    meeting = make_meeting(personas)
    office.post(reverse("meetings:meeting_file_upload", args=[meeting.pk]), {"file": upload})
    stored = MeetingFile.objects.get()
    assert stored.kind == kind and stored.file.name.endswith(f".{kind}")


def test_images_are_cleaned_and_other_files_refused(office, personas):
    from tests.factories_rectifications import jpeg_upload

    meeting = make_meeting(personas)
    url = reverse("meetings:meeting_file_upload", args=[meeting.pk])
    office.post(url, {"file": jpeg_upload("白板.jpg")})
    assert MeetingFile.objects.get().kind == "jpg"
    for bad in (
        SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        SimpleUploadedFile("a.doc", b"\xd0\xcf\x11\xe0 old word", "application/msword"),
        SimpleUploadedFile("a.docx", b"PK\x03\x04 broken zip", "application/zip"),
    ):
        response = office.post(url, {"file": bad}, follow=True)
        assert "不是 PDF、Word" in response.content.decode()
    assert MeetingFile.objects.count() == 1


def test_an_over_limit_file_is_refused(office, personas):
    meeting = make_meeting(personas)
    settings = personas.county.settings
    settings.document_max_megabytes = 1
    settings.save()
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), "application/pdf")
    response = office.post(
        reverse("meetings:meeting_file_upload", args=[meeting.pk]), {"file": big}, follow=True
    )
    assert "上传上限" in response.content.decode() and not MeetingFile.objects.exists()


def test_files_download_only_to_who_sees_the_meeting(client, personas):
    meeting = make_meeting(personas, invite=[personas.principal])
    stored = services.add_file(
        meeting=meeting, actor=personas.office, upload=pdf_upload(), max_bytes=10 * 1024 * 1024
    )
    url = reverse("meetings:meeting_file", args=[stored.pk])
    client.force_login(personas.principal)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]
    for outsider in (personas.inspector_user, personas.committee, personas.other_office):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


# Printing, recurring rules ---------------------------------------------------------------------


def test_notice_and_minutes_print(client, personas):
    meeting = past(personas, invite=[personas.inspector_user], title="督学月例会")
    services.file_minutes(meeting=meeting, actor=personas.office, minutes="会议研究了整改。")
    client.force_login(personas.inspector_user)
    notice = client.get(reverse("meetings:meeting_print", args=[meeting.pk, "notice"]))
    page = notice.content.decode()
    assert "关于召开督学月例会的通知" in page and str(personas.inspector_user) in page
    assert "<script>" not in page
    minutes = client.get(reverse("meetings:meeting_print", args=[meeting.pk, "minutes"]))
    assert "督学月例会纪要" in minutes.content.decode()
    assert "会议研究了整改。" in minutes.content.decode()


def test_set_a_rule_and_generate_the_next_meetings(office, personas):
    response = office.post(
        reverse("meetings:series_create"),
        {
            "kind": MeetingKind.INSPECTORS,
            "title": "督学月例会",
            "week_of_month": 1,
            "weekday": 0,
            "start_time": "09:00",
            "duration_minutes": 120,
            "place": "县教育局",
            "skip_holiday_months": "on",
            "to_inspectors": "on",
        },
    )
    assert response.status_code == 302
    rule = MeetingSeries.objects.get()
    page = office.get(reverse("meetings:series_list"))
    assert len(page.context["rows"][0][1]) == 6
    office.post(reverse("meetings:series_generate", args=[rule.pk]), {"count": "2"})
    meetings = list(rule.meetings.order_by("starts_at"))
    assert len(meetings) == 2
    assert all(timezone.localtime(m.starts_at).weekday() == 0 for m in meetings)
    assert all(m.invitees.filter(user=personas.inspector_user).exists() for m in meetings)
    second = office.post(reverse("meetings:series_create"), {"kind": MeetingKind.INSPECTORS})
    assert "本县已有此类会议的周期规则" in second.content.decode()


# Rectification pages with items without a school ----------------------------------------------


@pytest.fixture
def township_item(personas):
    meeting = ongoing(personas, kind=MeetingKind.JOINT)
    decision = services.add_decision(
        meeting=meeting,
        actor=personas.office,
        text="协调操场硬化用地",
        deadline=timezone.localdate() - datetime.timedelta(days=1),
        owner=services.DecisionOwnerChoice(
            kind=DecisionOwner.TOWNSHIP, township=personas.school_a.township
        ),
    )
    return decision.item


def test_rectification_pages_show_an_item_without_school(client, personas, township_item):
    client.force_login(personas.office)
    item_page = client.get(reverse("rectifications:item", args=[township_item.pk]))
    text = item_page.content.decode()
    assert item_page.status_code == 200 and "鲁沙尔镇" in text and "由督导室代为登记" in text
    board = client.get(reverse("rectifications:board"))
    assert "协调操场硬化用地" in board.content.decode()
    summary = client.get(reverse("rectifications:summary"))
    assert summary.status_code == 200
    export = client.get(reverse("rectifications:export"))
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    assert any("协调操场硬化用地" in row for row in rows)
    client.force_login(personas.committee)
    assert client.get(reverse("rectifications:item", args=[township_item.pk])).status_code == 200
    client.force_login(personas.principal)
    assert client.get(reverse("rectifications:item", args=[township_item.pk])).status_code == 404


def test_the_office_takes_the_townships_steps_through_the_item_page(
    client, personas, township_item
):
    client.force_login(personas.office)

    def step(action, **data):
        url = reverse("rectifications:item_action", args=[township_item.pk, action])
        return client.post(url, {f"{action}-{key}": value for key, value in data.items()})

    step("plan_submitted", text="镇政府已落实用地")
    step("done_reported", text="已完成硬化")  # no photo: the township has no camera here
    township_item.refresh_from_db()
    assert township_item.state == RectificationState.AWAITING_VERIFICATION
    step("verified", comment="现场核实")
    township_item.refresh_from_db()
    assert township_item.state == RectificationState.CLOSED


def test_overdue_decisions_without_school_remind_the_office(personas, township_item):
    send_daily_reminders()
    reminded = Notification.objects.filter(dedupe_key__startswith="rect-due:")
    assert set(reminded.values_list("user", flat=True)) == {personas.office.pk}
    assert "鲁沙尔镇" in reminded.get().title
