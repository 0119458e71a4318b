"""The rectification pages: board, lists, item page, steps through forms, notices, export."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Notification, Role
from rectifications import services
from rectifications.models import (
    EventAction,
    OwnerLevel,
    RectificationItem,
    RectificationNotice,
    RectificationState,
    Severity,
)
from tests import factories
from tests.factories_rectifications import jpeg_upload, make_item, photo

pytestmark = pytest.mark.django_db

S = RectificationState


@pytest.fixture
def principal_b(personas):
    return factories.UserFactory(
        username="principal_b",
        county=personas.county,
        role=Role.PRINCIPAL,
        school=personas.school_b,
    )


def step_url(item, action):
    return reverse("rectifications:item_action", kwargs={"pk": item.pk, "action": action})


# Board ---------------------------------------------------------------------------------------


def _board_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("rectifications:board"), params)
    assert response.status_code == 200
    return len(queries)


def test_board_query_count_does_not_grow_with_items(client, personas, settings):
    # Counted each time: the filter bar is not kept (it is read once, then kept).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(personas.office)
    make_item(personas)
    few = _board_queries(client)
    for n in range(30):
        school = personas.school_a if n % 2 else personas.school_b
        make_item(personas, school=school, responsible_inspector=personas.inspector)
    assert _board_queries(client) == few
    assert _board_queries(client, overdue="on", state="open") <= few + 1


def test_board_query_count_is_bounded(client, personas, django_assert_max_num_queries):
    client.force_login(personas.office)
    for _n in range(10):
        make_item(personas)
    with django_assert_max_num_queries(14):
        client.get(reverse("rectifications:board"))


def test_board_filters_and_counts(client, personas):
    client.force_login(personas.office)
    today = timezone.localdate()
    overdue = make_item(personas, deadline=today - datetime.timedelta(days=1))
    major = make_item(personas, school=personas.school_b, severity=Severity.MAJOR)
    escalated = make_item(personas, responsible_inspector=personas.inspector)
    escalated.escalate(personas.office, OwnerLevel.BUREAU, "缺少专职保安")
    foreign = make_item(personas, school=personas.other_school, actor=personas.other_office)

    def listed(**params):
        response = client.get(reverse("rectifications:board"), params)
        return set(response.context["page"].object_list), response.context["counts"]

    # Opened plainly, the board shows what awaits the office: the overdue and escalated ones.
    items, counts = listed()
    assert items == {overdue, escalated}
    assert counts["awaiting_office"] == 2
    items, counts = listed(show="all")
    assert items == {overdue, major, escalated}
    assert foreign not in items
    assert counts["open"] == 3 and counts["overdue"] == 1 and counts["total"] == 3
    assert counts["awaiting_office"] == 2
    assert listed(overdue="on")[0] == {overdue}
    assert listed(escalated="on")[0] == {escalated}
    assert listed(severity="major")[0] == {major}
    # Schools and inspectors are found by a text box (name or code), never a long select.
    assert listed(school=personas.school_b.code)[0] == {major}
    assert listed(school="第二")[0] == {major}
    assert listed(township=personas.school_a.township_id)[0] == {overdue, major, escalated}
    assert listed(inspector=personas.inspector.name[:1])[0] == {escalated}
    assert listed(matter=overdue.matter_id)[0] == {overdue, major, escalated}
    assert listed(state="closed")[0] == set()
    # A school of another county is not found: nothing leaks.
    assert listed(school=personas.other_school.name)[0] == set()


def test_export_is_filtered_and_formula_neutral(client, personas):
    client.force_login(personas.office)
    make_item(personas, severity=Severity.MAJOR)
    sneaky = make_item(personas)
    RectificationItem.objects.filter(pk=sneaky.pk).update(description='=HYPERLINK("x")')
    response = client.get(reverse("rectifications:export"), {"severity": "general"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows())
    assert len(rows) == 2  # header + the one general item
    assert rows[1][5].value == '=HYPERLINK("x")'  # as typed, in a quote-prefixed text cell
    assert rows[1][5].data_type == "s" and rows[1][5].quotePrefix


def test_board_export_link_carries_the_filters_but_not_the_page(client, personas):
    client.force_login(personas.office)
    response = client.get(reverse("rectifications:board"), {"severity": "major", "page": "1"})
    export = reverse("rectifications:export")
    assert f'href="{export}?severity=major"' in response.content.decode()


def test_summary_counts_and_median(client, personas, monkeypatch):
    client.force_login(personas.office)
    today = timezone.localdate()
    make_item(personas, deadline=today - datetime.timedelta(days=2))
    for days in (2, 4, 9):
        item = make_item(personas)
        RectificationItem.objects.filter(pk=item.pk).update(
            state=S.CLOSED,
            created_at=timezone.now() - datetime.timedelta(days=days),
            closed_at=timezone.now(),
        )
    response = client.get(reverse("rectifications:summary"))
    school = next(row for row in response.context["page"] if row.pk == personas.school_a.pk)
    assert (school.open, school.overdue, school.closed_this_month) == (1, 1, 3)
    assert school.median_days == 4
    township = response.context["townships"][0]
    assert (township.open, township.overdue, township.median_days) == (1, 1, 4)


def test_the_summary_is_kept_for_the_countys_minutes_and_counted_again_on_request(client, personas):
    client.force_login(personas.office)
    url = reverse("rectifications:summary")
    make_item(personas)
    first = client.get(url).content.decode()
    assert '<td class="text-end">1</td>' in first and "每 10 分钟重新统计" in first
    make_item(personas)
    kept = client.get(url).content.decode()
    assert '<td class="text-end">2</td>' not in kept
    counted = client.get(url, {"fresh": "1"}).content.decode()
    assert '<td class="text-end">2</td>' in counted
    assert '<td class="text-end">2</td>' in client.get(url).content.decode()


# Lists ---------------------------------------------------------------------------------------


def test_principal_sees_only_own_items_with_next_step(client, personas):
    mine = make_item(personas)
    make_item(personas, school=personas.school_b)
    client.force_login(personas.principal)
    response = client.get(reverse("rectifications:our_items"))
    assert list(response.context["page"]) == [mine]
    assert "提交整改方案" in response.content.decode()


def test_inspector_list_puts_awaiting_verification_first(client, personas):
    today = timezone.localdate()
    later = make_item(personas, school=personas.school_b, deadline=today + datetime.timedelta(5))
    overdue = make_item(personas, school=personas.school_b, deadline=today - datetime.timedelta(5))
    awaiting = make_item(personas, school=personas.school_b, deadline=today + datetime.timedelta(9))
    RectificationItem.objects.filter(pk=awaiting.pk).update(
        state=S.AWAITING_VERIFICATION, reported_done_at=timezone.now()
    )
    make_item(personas)  # school A: not the inspector's
    client.force_login(personas.inspector_user)
    response = client.get(reverse("rectifications:my_items"))
    assert list(response.context["page"]) == [awaiting, overdue, later]


# Item page and steps -------------------------------------------------------------------------


def test_item_page_shows_timeline_and_only_possible_steps(client, personas):
    item = make_item(personas, responsible_inspector=personas.inspector)
    item.submit_plan(personas.principal, "两周内整改")
    client.force_login(personas.principal)
    response = client.get(reverse("rectifications:item", kwargs={"pk": item.pk}))
    actions = [form.action for form in response.context["step_forms"]]
    assert actions == [EventAction.DONE_REPORTED, EventAction.PROGRESS_REPORTED]  # expected first
    assert "两周内整改" in response.content.decode()
    client.force_login(personas.committee)
    response = client.get(reverse("rectifications:item", kwargs={"pk": item.pk}))
    assert response.context["step_forms"] == []


def test_principal_cannot_reach_another_schools_item(client, personas):
    other = make_item(personas, school=personas.school_b)
    client.force_login(personas.principal)
    assert client.get(reverse("rectifications:item", kwargs={"pk": other.pk})).status_code == 404
    response = client.post(step_url(other, "plan_submitted"), {"plan_submitted-text": "x"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == S.OPEN and other.events.count() == 1


def test_principal_cannot_take_an_inspectors_step(client, personas):
    item = make_item(personas)
    RectificationItem.objects.filter(pk=item.pk).update(
        state=S.AWAITING_VERIFICATION, reported_done_at=timezone.now()
    )
    client.force_login(personas.principal)
    assert client.post(step_url(item, "verified"), {}).status_code == 403
    assert client.post(step_url(item, "no_such_step"), {}).status_code == 404
    item.refresh_from_db()
    assert item.state == S.AWAITING_VERIFICATION


def test_stale_step_shows_a_chinese_message(client, personas):
    item = make_item(personas)
    item.submit_plan(personas.principal, "第一次")
    client.force_login(personas.principal)
    response = client.post(step_url(item, "plan_submitted"), {"plan_submitted-text": "第二次"})
    assert response.status_code == 200
    assert "无法提交整改方案" in response.content.decode()
    assert item.events.count() == 2


def test_completion_with_a_photo_through_the_form(client, personas, principal_b):
    item = make_item(personas)
    item.submit_plan(personas.principal, "方案")
    client.force_login(personas.principal)
    response = client.post(
        step_url(item, "done_reported"),
        {"done_reported-text": "已整改", "done_reported-photos": [jpeg_upload(), jpeg_upload()]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == S.AWAITING_VERIFICATION
    evidence = item.events.last().evidence.all()
    assert len(evidence) == 2
    url = reverse("rectifications:evidence_thumbnail", kwargs={"pk": evidence[0].pk})
    assert client.get(url)["Content-Type"] == "image/jpeg"
    client.force_login(principal_b)
    assert client.get(url).status_code == 404


def test_completion_refuses_a_file_that_is_no_photo(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = make_item(personas)
    item.submit_plan(personas.principal, "方案")
    client.force_login(personas.principal)
    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(
        step_url(item, "done_reported"),
        {"done_reported-text": "已整改", "done_reported-photos": fake},
    )
    assert response.status_code == 200
    assert response.context["step_forms"][0].errors["photos"]  # completion, expected first
    item.refresh_from_db()
    assert item.state == S.IN_PROGRESS


def test_inspector_opens_an_item_for_an_assigned_school_only(client, personas):
    client.force_login(personas.inspector_user)
    matter = personas.county.supervision_matters.first()
    data = {
        "school": personas.school_a.pk,
        "matter": matter.pk,
        "severity": "serious",
        "description": "家长投诉：校车超载",
        "source": "complaint",
        "source_note": "投诉 TS-2026-001",
    }
    response = client.post(reverse("rectifications:create"), data)
    assert response.status_code == 200 and "school" in response.context["form"].errors
    response = client.post(
        reverse("rectifications:create"), {**data, "school": personas.school_b.pk}
    )
    assert response.status_code == 302, response.context["form"].errors
    item = RectificationItem.objects.get()
    days = personas.county.settings.deadline_days_serious
    assert item.deadline == timezone.localdate() + datetime.timedelta(days)
    assert item.responsible_inspector == personas.inspector


# Notices -------------------------------------------------------------------------------------


def test_notice_numbering_tampering_and_acknowledgment(client, personas, principal_b):
    first = make_item(personas)
    second = make_item(personas)
    foreign = make_item(personas, school=personas.school_b)
    client.force_login(personas.office)
    url = reverse("rectifications:notice_create", kwargs={"school_pk": personas.school_a.pk})
    response = client.post(url, {"items": [first.pk, foreign.pk]})
    assert response.status_code == 200 and "items" in response.context["form"].errors
    client.post(url, {"items": [first.pk]})
    client.post(url, {"items": [first.pk, second.pk]})
    year = timezone.localdate().year
    notices = list(RectificationNotice.objects.order_by("serial"))
    assert [n.number for n in notices] == [f"湟督整〔{year}〕1号", f"湟督整〔{year}〕2号"]
    notice = notices[1]
    page = client.get(reverse("rectifications:notice", kwargs={"pk": notice.pk})).content.decode()
    assert notice.number in page and personas.school_a.name in page and "整改通知书" in page

    ack = reverse("rectifications:notice_acknowledge", kwargs={"pk": notice.pk})
    client.force_login(principal_b)
    assert client.post(ack).status_code == 404
    client.force_login(personas.principal)
    client.post(ack)
    notice.refresh_from_db()
    assert notice.acknowledged_by == personas.principal and notice.acknowledged_at
    response = client.post(ack, follow=True)
    assert "已经签收" in response.content.decode()


def test_evidence_photo_is_reencoded_without_exif(personas):
    item = make_item(personas)
    item.submit_plan(personas.principal, "方案")
    event = item.report_done(personas.principal, "已整改", [photo()])
    from PIL import Image

    with event.evidence.get().image.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG" and not image.getexif()


def test_home_cards_count_each_roles_next_moves(client, personas):
    today = timezone.localdate()
    make_item(personas, deadline=today - datetime.timedelta(days=1))
    awaiting = make_item(personas, school=personas.school_b)
    RectificationItem.objects.filter(pk=awaiting.pk).update(
        state=S.AWAITING_VERIFICATION, reported_done_at=timezone.now()
    )
    expected = {
        personas.principal: {"rect_todo": 1, "rect_overdue": 1},
        personas.inspector_user: {"rect_awaiting": 1, "rect_overdue": 0},
        personas.office: {"rect_unresolved": 2, "rect_overdue": 1, "rect_escalated": 0},
    }
    for user, counts in expected.items():
        client.force_login(user)
        context = client.get(reverse("home")).context
        assert {key: context[key] for key in counts} == counts, user.role


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("principal", "rectifications:our_items"),
        ("inspector_user", "rectifications:my_items"),
        ("office", "rectifications:summary"),
        ("office", "rectifications:notice_list"),
        ("principal", "notifications:list"),
    ],
)
def test_lists_keep_a_constant_query_count(client, personas, role, url_name):
    client.force_login(getattr(personas, role))

    def grow(n):
        for i in range(n):
            school = personas.school_b if i % 2 else personas.school_a
            item = make_item(personas, school=school, responsible_inspector=personas.inspector)
            services.issue_notice(
                school=school, items=[item], inspector=None, actor=personas.office
            )
            Notification.objects.deliver(personas.principal, dedupe_key=f"k{item.pk}", title="提醒")

    def queries():
        cache.clear()  # the summary's figures are kept for minutes (dudao.snapshots)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    grow(1)
    few = queries()
    grow(12)
    assert queries() == few


def test_the_office_submits_a_plan_on_an_escalated_item_through_the_page(client, personas):
    item = make_item(personas)
    client.force_login(personas.office)
    url = step_url(item, EventAction.PLAN_SUBMITTED)
    assert client.post(url, {"plan_submitted-text": "县教育局统筹"}).status_code == 403
    item.escalate(personas.office, OwnerLevel.GOVERNMENT, "需县政府协调")
    page = client.get(reverse("rectifications:item", kwargs={"pk": item.pk}))
    assert url in page.content.decode()
    response = client.post(url, {"plan_submitted-text": "县政府已协调"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == S.IN_PROGRESS


def test_deadline_outside_the_window_is_refused_on_the_page(client, personas):
    today = timezone.localdate()
    item = make_item(personas)
    client.force_login(personas.office)
    url = step_url(item, EventAction.DEADLINE_EXTENDED)
    for bad in (today - datetime.timedelta(days=1), today + datetime.timedelta(days=800)):
        response = client.post(
            url,
            {"deadline_extended-new_deadline": bad.isoformat(), "deadline_extended-reason": "延期"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "整改期限" in page and "今天" in page and "延期" in page  # error; reason kept
    item.refresh_from_db()
    assert item.events.count() == 1


def test_item_form_refuses_a_deadline_in_the_past(client, personas):
    client.force_login(personas.office)
    data = {
        "school": personas.school_a.pk,
        "matter": personas.county.supervision_matters.first().pk,
        "severity": Severity.GENERAL,
        "description": "围墙破损",
        "deadline": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "source": "complaint",
    }
    response = client.post(reverse("rectifications:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"]
    assert "围墙破损" in response.content.decode()
    assert not RectificationItem.objects.exists()


def test_printed_notice_keeps_the_deadlines_of_its_issue(
    client, personas, django_capture_on_commit_callbacks
):
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    item = make_item(personas, deadline=deadline)
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.issue_notice(
            school=item.school, items=[item], inspector=None, actor=personas.office
        )
    # The principal hears of it in the app, with a link to the notice.
    url = reverse("rectifications:notice", kwargs={"pk": notice.pk})
    assert Notification.objects.filter(user=personas.principal, url=url).count() == 1
    later = deadline + datetime.timedelta(days=30)
    item.extend_deadline(personas.office, later, "雨季无法施工")
    client.force_login(personas.principal)
    page = client.get(url).content.decode()
    printed = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    assert printed in page and f"{later.year}年{later.month}月{later.day}日" not in page
    assert "投诉" in page  # the wording of a complaint


@pytest.mark.parametrize(
    ("sources", "expected", "absent"),
    [
        (["visit"], "责任督学", "投诉"),
        (["complaint", "meeting"], "存在以下问题需要整改", "投诉"),
        (["meeting"], "会议", "投诉"),
    ],
)
def test_notice_wording_follows_the_items_source(client, personas, sources, expected, absent):
    from tests.factories_visits import matrix_submitted_visit

    items = []
    for source in sources:
        extra = {"visit": matrix_submitted_visit(personas)} if source == "visit" else {}
        items.append(make_item(personas, source=source, **extra))
    notice = services.issue_notice(
        school=personas.school_a, items=items, inspector=None, actor=personas.office
    )
    client.force_login(personas.office)
    page = client.get(reverse("rectifications:notice", kwargs={"pk": notice.pk})).content.decode()
    intro = page.split('class="notice-text">')[1].split("</p>")[0]
    assert expected in intro and absent not in intro


def test_board_shows_verification_overdue(client, personas):
    days = personas.county.settings.verification_days
    now = timezone.now()
    late, in_time = make_item(personas), make_item(personas, school=personas.school_b)
    RectificationItem.objects.filter(pk=late.pk).update(
        state=S.AWAITING_VERIFICATION, reported_done_at=now - datetime.timedelta(days=days + 1)
    )
    RectificationItem.objects.filter(pk=in_time.pk).update(
        state=S.AWAITING_VERIFICATION, reported_done_at=now - datetime.timedelta(days=days - 1)
    )
    make_item(personas)  # open: never "verification overdue"
    assert list(RectificationItem.objects.verification_overdue()) == [late]
    client.force_login(personas.office)
    response = client.get(reverse("rectifications:board"))
    assert response.context["counts"]["verification_overdue"] == 1
    response = client.get(reverse("rectifications:board"), {"verification_overdue": "on"})
    assert [item.pk for item in response.context["page"]] == [late.pk]
    assert "复查逾期" in response.content.decode()


@pytest.mark.parametrize(
    ("spans", "shown"), [((20, 23), "21.5"), ((30, 36), "33"), ((30, 33, 40), "33")]
)
def test_summary_median_is_shown_without_a_useless_decimal(client, personas, spans, shown):
    client.force_login(personas.office)
    for days in spans:
        item = make_item(personas)
        RectificationItem.objects.filter(pk=item.pk).update(
            state=S.CLOSED,
            created_at=timezone.now() - datetime.timedelta(days=days),
            closed_at=timezone.now(),
        )
    page = client.get(reverse("rectifications:summary")).content.decode()
    cells = [c.split("<")[0] for c in page.split('<td class="text-end">')[1:]]
    assert shown in cells
    assert f"{shown}.0" not in cells and "33.0" not in page


def test_export_with_a_bad_filter_goes_back_to_the_board(client, personas):
    make_item(personas)
    client.force_login(personas.office)
    response = client.get(reverse("rectifications:export"), {"school": "999999", "severity": "x"})
    assert response.status_code == 302
    board = reverse("rectifications:board")
    assert response["Location"].startswith(f"{board}?")
    assert "school=999999" in response["Location"]
    page = client.get(response["Location"])
    assert page.context["form"].errors
    assert any("导出" in str(m) for m in page.context["messages"])
    assert client.get(reverse("rectifications:export"), {"severity": "major"}).status_code == 200


def test_the_inspector_attaches_photos_when_returning_and_verifying(client, personas):
    item = make_item(personas, responsible_inspector=personas.inspector)
    item.submit_plan(personas.principal, "整改方案")
    item.report_done(personas.principal, "已整改", [photo()])
    client.force_login(personas.inspector_user)
    page = client.get(reverse("rectifications:item", kwargs={"pk": item.pk})).content.decode()
    assert 'name="returned-photos"' in page and 'name="verified-photos"' in page
    response = client.post(
        step_url(item, EventAction.RETURNED),
        {"returned-reason": "灭火器仍过期", "returned-photos": [jpeg_upload("a.jpg")]},
    )
    assert response.status_code == 302
    returned = item.events.get(action=EventAction.RETURNED)
    assert returned.evidence.count() == 1
    item.report_done(personas.principal, "已更换", [photo()])
    response = client.post(
        step_url(item, EventAction.VERIFIED),
        {"verified-comment": "", "verified-photos": [jpeg_upload("b.jpg"), jpeg_upload("c.jpg")]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == S.CLOSED
    assert item.events.get(action=EventAction.VERIFIED).evidence.count() == 2
    # Photos stay optional for these steps.
    other = make_item(personas, responsible_inspector=personas.inspector)
    other.submit_plan(personas.principal, "整改方案")
    other.report_done(personas.principal, "已整改", [photo()])
    assert client.post(step_url(other, EventAction.VERIFIED), {}).status_code == 302


def test_board_opens_on_what_awaits_the_office(client, personas):
    today = timezone.localdate()
    overdue = make_item(personas, deadline=today - datetime.timedelta(days=1))
    escalated = make_item(personas, school=personas.school_b)
    escalated.escalate(personas.office, OwnerLevel.BUREAU, "缺少专职保安")
    unverified = make_item(personas)
    RectificationItem.objects.filter(pk=unverified.pk).update(
        state=S.AWAITING_VERIFICATION,
        reported_done_at=timezone.now() - datetime.timedelta(days=90),
    )
    in_time = make_item(personas)  # the school's move, deadline ahead: nothing for the office
    client.force_login(personas.office)
    board = reverse("rectifications:board")

    def listed(**params):
        return {item.pk for item in client.get(board, params).context["page"]}

    waiting = {overdue.pk, escalated.pk, unverified.pk}
    assert listed() == waiting
    assert listed(page="1") == waiting
    assert listed(show="office", severity="general") == waiting
    assert listed(show="all") == waiting | {in_time.pk}
    # A count card's link lists every item in that state.
    assert listed(state="open") == {overdue.pk, escalated.pk, in_time.pk}
    page = client.get(board).content.decode()
    assert 'href="?show=all"' in page and "待督导室处理" in page
    assert 'name="show" value="office"' in page  # applying filters stays on the same view


def test_principal_item_page_leads_with_the_step_it_expects(client, personas):
    item = make_item(personas)
    client.force_login(personas.principal)
    url = reverse("rectifications:item", kwargs={"pk": item.pk})

    def page():
        return client.get(url)

    response = page()
    assert response.context["expected_step"] == EventAction.PLAN_SUBMITTED
    html = response.content.decode()
    assert "下一步" in html and "请提交整改方案" in html
    # The photo button the inspector has on the visit record: a hidden input behind a button.
    assert 'class="visually-hidden photo-button-input"' in html
    assert 'name="plan_submitted-photos"' in html and "拍照或选择照片" in html

    item.submit_plan(personas.principal, "整改方案")
    response = page()
    actions = [form.action for form in response.context["step_forms"]]
    assert actions == [EventAction.DONE_REPORTED, EventAction.PROGRESS_REPORTED]
    html = response.content.decode()
    assert html.index("报告整改完成") < html.index("<summary>") < html.index("报告整改进展")

    # A progress report with an error comes back unfolded, with its error.
    response = client.post(step_url(item, EventAction.PROGRESS_REPORTED), {})
    assert response.context["other_steps_open"]
    assert 'class="rect-other-steps mb-3" open' in response.content.decode()

    client.force_login(personas.office)  # others see every step as before
    assert client.get(url).context["expected_step"] is None


def test_board_rows_show_each_item_and_escape_names(client, personas):
    """The rows are written in Python (``rectifications_tags.item_rows``)."""
    school = personas.school_a
    school.name = "<i>中心学校</i>"
    school.save()
    item = make_item(personas, deadline=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(personas.office)
    page = client.get(reverse("rectifications:board")).content.decode()
    row = page[page.index(f'href="{reverse("rectifications:item", args=[item.pk])}"') :]
    row = row[: row.index("</tr>")]
    assert "&lt;i&gt;中心学校&lt;/i&gt; · 鲁沙尔镇" in row and "<i>" not in row
    assert f'<td class="text-nowrap text-danger fw-semibold">{item.deadline}</td>' in row
    assert '<span class="badge text-bg-danger">已逾期</span>' in row
    assert "李督学" not in row  # no responsible inspector: a dash
    assert '<td class="d-none d-lg-table-cell small">—</td>' in row


def test_an_empty_board_says_so(client, personas):
    client.force_login(personas.office)
    page = client.get(reverse("rectifications:board")).content.decode()
    assert '<tr><td colspan="5" class="text-secondary">没有符合条件的整改事项。</td></tr>' in page
