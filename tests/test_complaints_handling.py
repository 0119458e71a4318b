"""Handling a submission: who sees what (personal data), verifying and answering, turning it into
a rectification item, reassigning and handing over, overdue reminders, exports, the office's
entry of calls, and the working-day deadline."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Notification, Role
from complaints.models import (
    Channel,
    HandlingError,
    OverdueReminder,
    PersonalDataView,
    Submission,
    SubmissionAction,
    SubmissionState,
)
from complaints.services import open_rectification
from complaints.tasks import remind_overdue_submissions
from rectifications.models import SourceKind
from schools.models import Department
from tests import factories
from tests.factories_complaints import submission
from tests.factories_plaques import processed_photo

pytestmark = pytest.mark.django_db

TEXT = "食堂饭菜经常是凉的，孩子吃了肚子疼。"


@pytest.fixture
def case(personas):
    """A new complaint about school B with a name, phone and photo; its lead is the persona
    inspector."""
    return submission(personas.school_b, text=TEXT, photo=processed_photo())


@pytest.fixture
def colleague(personas):
    """Another current inspector of school B, not assigned the case."""
    inspector = factories.InspectorFactory(county=personas.county, name="韩督学")
    factories.AssignmentFactory(inspector=inspector, school=personas.school_b)
    user = factories.UserFactory(
        username="colleague", county=personas.county, role=Role.INSPECTOR, inspector=inspector
    )
    return user


@pytest.fixture
def school_b_principal(personas):
    return factories.UserFactory(
        username="principal_b",
        county=personas.county,
        role=Role.PRINCIPAL,
        school=personas.school_b,
    )


def detail(client, user, case):
    client.force_login(user)
    return client.get(reverse("complaints:detail", args=[case.pk]))


def test_personal_data_only_for_the_office_and_the_assigned_inspector(
    client, personas, case, colleague, school_b_principal
):
    for user in (personas.office, personas.inspector_user):
        page = detail(client, user, case).content.decode()
        assert TEXT in page and "张家长" in page and "13900001111" in page
        assert reverse("complaints:photo", args=[case.pk, "thumb"]) in page
    assert list(
        PersonalDataView.objects.filter(submission=case).values_list("user__username", flat=True)
    ) == ["inspector", "office"]
    # Before it is answered, nobody else even sees that it exists...
    for user in (colleague, school_b_principal, personas.principal):
        assert detail(client, user, case).status_code == 404
    # ...the committee sees the case but not who complained nor their words.
    page = detail(client, personas.committee, case).content.decode()
    assert TEXT not in page and "张家长" not in page and "13900001111" not in page

    case.answer(
        personas.inspector_user, summary="核实：饭菜保温设备损坏。", reply="已督促学校维修。"
    )
    for user in (colleague, school_b_principal, personas.committee):
        response = detail(client, user, case)
        page = response.content.decode()
        assert response.status_code == 200 and "核实：饭菜保温设备损坏。" in page
        assert TEXT not in page and "张家长" not in page and "13900001111" not in page
        for url in (
            reverse("complaints:photo", args=[case.pk, "full"]),
            reverse("complaints:print", args=[case.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)
    assert detail(client, personas.principal, case).status_code == 404  # another school
    assert PersonalDataView.objects.filter(submission=case).count() == 2


def test_photo_and_print_record_who_saw_them(client, personas, case):
    client.force_login(personas.inspector_user)
    photo = client.get(reverse("complaints:photo", args=[case.pk, "full"]))
    assert photo.status_code == 200 and photo["Cache-Control"] == "private, no-store"
    printed = client.get(reverse("complaints:print", args=[case.pk])).content.decode()
    assert "受理核实投诉记录表" in printed and TEXT in printed and "张家长" in printed
    assert list(
        PersonalDataView.objects.filter(submission=case).values_list("purpose", flat=True)
    ) == ["print", "photo"]


def test_answering_closes_it_and_the_complainant_reads_the_reply(client, personas, case):
    client.force_login(personas.inspector_user)
    url = reverse("complaints:step", args=[case.pk, "accept"])
    assert client.post(url).status_code == 302
    case.refresh_from_db()
    assert case.state == SubmissionState.VERIFYING
    response = client.post(
        reverse("complaints:step", args=[case.pk, "answer"]),
        {"answer-summary": "经核实，情况属实。", "answer-reply": "已要求学校更换保温设备。"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == SubmissionState.ANSWERED and case.answered_by == personas.inspector_user
    # Answered is final: a second answer is refused with the reason.
    with pytest.raises(HandlingError):
        case.answer(personas.office, summary="x", reply="y")
    track = client.post(
        reverse("public:track", args=[personas.county.code]), {"code": case.tracking_code}
    )
    assert "已要求学校更换保温设备。" in track.content.decode()


def test_turning_it_into_a_rectification_item_links_both_ways(
    client, personas, case, school_b_principal
):
    client.force_login(personas.inspector_user)
    response = client.post(
        reverse("complaints:step", args=[case.pk, "rectify"]),
        {
            "rectify-matter": personas.county.supervision_matters.get(number=7).pk,
            "rectify-severity": "serious",
            "rectify-description": "食堂保温设备损坏，学生午餐偏凉。",
            "rectify-required_change": "一周内修复保温设备。",
            "rectify-deadline": "",
            "rectify-reply": "已责令学校限期整改。",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    item = case.rectification_item
    assert case.state == SubmissionState.RECTIFYING and item.complaint == case
    assert item.source == SourceKind.COMPLAINT and item.responsible_inspector == personas.inspector
    assert item.description == "食堂保温设备损坏，学生午餐偏凉。" and TEXT not in item.description
    assert case.reference in item.source_note
    # The item page links back to the complaint; the principal sees the item, not the text.
    client.force_login(school_b_principal)
    page = client.get(reverse("rectifications:item", args=[item.pk])).content.decode()
    assert reverse("complaints:detail", args=[case.pk]) in page and TEXT not in page
    # The complainant sees the outcome, then the item closed.
    code = {"code": case.tracking_code}
    track_url = reverse("public:track", args=[personas.county.code])
    page = client.post(track_url, code).content.decode()
    assert "已责令学校限期整改。" in page and "学校待整改" in page
    item.submit_plan(school_b_principal, "马上维修")
    from tests.factories_rectifications import photo

    item.report_done(school_b_principal, "已修好", [photo()])
    item.verify(personas.inspector_user, "复查合格")
    page = client.post(track_url, code).content.decode()
    assert "已整改，督学复查合格" in page


def test_only_the_office_reassigns_and_hands_over(
    client, personas, case, colleague, django_capture_on_commit_callbacks
):
    client.force_login(personas.inspector_user)
    data = {"reassign-inspector": colleague.inspector_id, "reassign-reason": "回避"}
    url = reverse("complaints:step", args=[case.pk, "reassign"])
    assert client.post(url, data).status_code == 403
    client.force_login(personas.office)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.assigned_inspector_id == colleague.inspector_id
    assert Notification.objects.filter(user=colleague).count() == 1
    event = case.events.get(action=SubmissionAction.REASSIGNED)
    assert (event.actor, event.inspector_id, event.comment) == (
        personas.office,
        colleague.inspector_id,
        "回避",
    )
    # The first inspector no longer sees the complainant.
    assert detail(client, personas.inspector_user, case).status_code == 404

    police = Department.objects.create(county=personas.county, name="县公安局")
    client.force_login(personas.office)
    response = client.post(
        reverse("complaints:step", args=[case.pk, "hand_over"]),
        {
            "hand_over-department": police.pk,
            "hand_over-reason": "涉及校外人员",
            "hand_over-reply": "已转交县公安局办理。",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == SubmissionState.TRANSFERRED and case.department == police


def _overdue(case):
    Submission.objects.filter(pk=case.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(1)
    )
    case.refresh_from_db()
    return case


def _overdue_notes(case):
    return Notification.objects.filter(dedupe_key__startswith=f"complaint-overdue:{case.pk}:")


def test_overdue_ones_are_reminded_exactly_once_and_listed_for_the_office(
    client, personas, case, django_capture_on_commit_callbacks
):
    _overdue(case)
    on_time = submission(personas.school_b)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_submissions() == 1
        assert remind_overdue_submissions() == 0
        assert remind_overdue_submissions.apply().get() == 0
    key = f"complaint-overdue:{case.pk}:{personas.inspector.pk}:{case.due_on}"
    notes = _overdue_notes(case)
    assert sorted(notes.values_list("user__username", flat=True)) == ["inspector", "office"]
    assert set(notes.values_list("dedupe_key", flat=True)) == {key}
    assert case.events.filter(action=SubmissionAction.REMINDED).count() == 1
    assert not on_time.events.filter(action=SubmissionAction.REMINDED).exists()
    client.force_login(personas.office)
    page = client.get(reverse("complaints:list"), {"state": "overdue"}).content.decode()
    assert reverse("complaints:detail", args=[case.pk]) in page
    assert reverse("complaints:detail", args=[on_time.pk]) not in page
    assert "其中 1 件已逾期" in page
    overdue_badge = '<span class="badge text-bg-danger">已逾期</span>'
    assert page.count(overdue_badge) == 1
    page = client.get(reverse("complaints:list")).content.decode()
    assert page.count(overdue_badge) == 1  # the case on time has its state only
    assert page.count('<span class="badge text-bg-warning">待核实</span>') == 2
    detail = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert overdue_badge in detail


def test_a_crash_after_the_claim_delivers_the_reminder_once_later(personas, case):
    """The worker dies after the claim committed, before anything was sent: the outbox row
    written with the claim runs the delivery later, and running it again sends nothing more."""
    from accounts.models import PendingTask
    from accounts.tasks import run_pending
    from complaints.tasks import deliver_overdue_reminder

    _overdue(case)
    assert remind_overdue_submissions() == 1  # its on-commit hand-over to the broker never ran
    assert not _overdue_notes(case).exists()
    assert remind_overdue_submissions() == 0  # claimed: the next daily run does not claim again
    (pending,) = PendingTask.objects.filter(task_name=deliver_overdue_reminder.name)
    (reminder,) = OverdueReminder.objects.filter(submission=case)
    assert pending.args == [reminder.pk] and pending.done_at is None
    assert run_pending(pending.pk)  # what the worker's sweep does
    assert _overdue_notes(case).count() == 2
    assert deliver_overdue_reminder(reminder.pk) == 0  # a second run: the keys keep it once
    assert _overdue_notes(case).count() == 2


def test_a_crash_before_the_claim_commits_leaves_it_for_the_next_run(
    personas, case, monkeypatch, django_capture_on_commit_callbacks
):
    _overdue(case)

    def broken(*args):
        raise RuntimeError("the worker died")

    monkeypatch.setattr("complaints.tasks.send_later", broken)
    with pytest.raises(RuntimeError):
        remind_overdue_submissions()
    assert not OverdueReminder.objects.exists()
    assert not case.events.filter(action=SubmissionAction.REMINDED).exists()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_submissions() == 1
    assert _overdue_notes(case).count() == 2


def test_a_case_reassigned_after_its_reminder_reminds_the_new_inspector(
    personas, case, colleague, django_capture_on_commit_callbacks
):
    _overdue(case)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_submissions() == 1
        case.reassign(personas.office, inspector=colleague.inspector, reason="原督学出差")
        assert remind_overdue_submissions() == 1
        assert remind_overdue_submissions() == 0
    reminded = {
        user: set(keys)
        for user in ("inspector", "colleague", "office")
        if (
            keys := _overdue_notes(case)
            .filter(user__username=user)
            .values_list("dedupe_key", flat=True)
        )
    }
    assert len(reminded["inspector"]) == 1 and len(reminded["colleague"]) == 1
    assert reminded["office"] == reminded["inspector"] | reminded["colleague"]
    assert list(
        OverdueReminder.objects.filter(submission=case).values_list("inspector", flat=True)
    ) == [personas.inspector.pk, colleague.inspector.pk]


def test_the_deadline_counts_working_days_with_holidays_and_make_up_days(personas):
    county_settings = personas.county.settings
    friday = datetime.date(2026, 9, 25)
    assert county_settings.add_working_days(friday, 5) == datetime.date(2026, 10, 2)
    county_settings.public_holidays = [f"2026-10-0{day}" for day in range(1, 8)]
    county_settings.make_up_workdays = ["2026-09-27", "2026-10-10"]
    # Sunday 27 September works (1), Monday to Wednesday (2-4), 1-7 October do not, Thursday 8
    # October is the fifth; Saturday 10 October works too.
    assert county_settings.add_working_days(friday, 5) == datetime.date(2026, 10, 8)
    assert county_settings.is_working_day(datetime.date(2026, 10, 10))
    assert not county_settings.is_working_day(datetime.date(2026, 10, 1))


def test_holidays_are_typed_on_the_county_settings_page(client, personas):
    from tests.factories import county_settings_form_data

    county_settings = personas.county.settings
    client.force_login(personas.office)
    url = reverse("schools:county_settings")
    data = county_settings_form_data(
        county_settings,
        public_holidays="2026-10-01\n2026/10/2, 2026年10月3日",
        make_up_workdays="2026-09-27",
    )
    assert client.post(url, data).status_code == 302
    county_settings.refresh_from_db()
    assert county_settings.public_holidays == ["2026-10-01", "2026-10-02", "2026-10-03"]
    bad = county_settings_form_data(county_settings, public_holidays="国庆节", make_up_workdays="")
    response = client.post(url, bad)
    assert response.status_code == 200 and "不是日期" in response.content.decode()


def test_exports_leave_personal_data_out_unless_the_office_asks(client, personas, case):
    def sheet(response):
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
        return rows[0], rows[1:]

    client.force_login(personas.committee)
    header, rows = sheet(client.get(reverse("complaints:export"), {"personal": "on"}))
    flat = " ".join(str(value) for row in rows for value in row)
    assert "姓名" not in header and TEXT not in flat and "张家长" not in flat
    client.force_login(personas.office)
    header, rows = sheet(client.get(reverse("complaints:export")))
    assert "姓名" not in header and TEXT not in " ".join(map(str, rows[0]))
    assert not PersonalDataView.objects.exists()
    header, rows = sheet(client.get(reverse("complaints:export"), {"personal": "on"}))
    assert "姓名" in header and "张家长" in rows[0] and TEXT in rows[0]
    assert PersonalDataView.objects.get().purpose == "export"


def test_the_office_records_a_call_into_the_same_handling(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.office)
    url = reverse("complaints:create")
    page = client.get(url, {"q": "第二小学"}).content.decode()
    assert f"?school={personas.school_b.pk}" in page
    response = client.post(
        f"{url}?school={personas.school_b.pk}",
        {
            "channel": Channel.PHONE,
            "category": "report",
            "matter": "",
            "relation": "parent",
            "name": "",
            "phone": "",
            "text": "来电反映：学校组织有偿补课。",
        },
    )
    stored = Submission.objects.get()
    assert response.status_code == 302
    assert (stored.channel, stored.recorded_by, stored.assigned_inspector) == (
        Channel.PHONE,
        personas.office,
        personas.inspector,
    )
    assert stored.is_anonymous
    for _ in range(20):
        submission(personas.school_b)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("complaints:list")).status_code == 200


def test_a_school_without_inspectors_leaves_the_case_to_the_office(personas):
    case = submission(personas.school_a)
    assert case.assigned_inspector is None
    assert case.may_handle(personas.office) and not case.may_handle(personas.inspector_user)


def test_open_rectification_needs_the_confirmed_problem(personas, case):
    with pytest.raises(HandlingError):
        open_rectification(
            submission=case,
            actor=personas.inspector_user,
            matter=personas.county.supervision_matters.first(),
            severity="general",
            description=" ",
            required_change="",
            deadline=timezone.localdate(),
            reply="答复",
        )
    case.refresh_from_db()
    assert case.state == SubmissionState.NEW and case.rectification_item is None


def test_the_office_finds_the_inspector_to_reassign_to_by_name(client, personas, case, colleague):
    client.force_login(personas.office)
    url = reverse("complaints:detail", args=[case.pk])
    name = colleague.inspector.name
    found = client.get(url, {"pick": "reassign-inspector", "term": name[:2]}).json()
    assert [row["id"] for row in found["results"]] == [str(colleague.inspector_id)]
    assert client.get(url, {"pick": "answer-nothing", "term": "x"}).status_code == 404
    client.force_login(personas.principal)
    assert client.get(url, {"pick": "reassign-inspector", "term": "x"}).status_code == 404


def test_the_list_rows_show_each_case_escaped(client, personas):
    """The rows are written in Python (``complaints_tags.submission_rows``)."""
    school = personas.school_b
    school.name = "<b>第二小学</b>"
    school.save()
    case = submission(school)
    client.force_login(personas.office)
    page = client.get(reverse("complaints:list")).content.decode()
    row = page[page.index(f'href="{reverse("complaints:detail", args=[case.pk])}"') :]
    row = row[: row.index("</a>")]
    assert "<strong>&lt;b&gt;第二小学&lt;/b&gt;</strong>" in row
    received = timezone.localtime(case.received_at).date().isoformat()
    assert f"投诉 · 扫码/公开页面 · {received} 收到 · {case.due_on.isoformat()} 前答复" in row


def test_an_empty_list_says_so(client, personas):
    client.force_login(personas.office)
    page = client.get(reverse("complaints:list"), {"q": "没有这所学校"}).content.decode()
    assert '<div class="list-group-item text-secondary">暂无。</div>' in page
