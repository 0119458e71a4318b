"""The monthly report: the workbook's sheets, headers and cells against the hand-worked month,
versions compiled by the worker, the beat task, the command line and who may download."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import PendingTask
from rectifications.models import RectificationItem
from reports.models import JobState, MonthlyReport
from reports.monthly import build_workbook
from reports.services import request_monthly_report
from reports.tasks import compile_last_month
from tests.celery_broker import DEAD_BROKER, broker
from tests.factories_reports import OCTOBER, at, freeze_clock, october

pytestmark = pytest.mark.django_db

SHEETS = [
    "汇总",
    "分乡镇",
    "分督导事项",
    "各校督导情况",
    "督学履职情况",
    "整改事项",
    "社会监督",
    "会议",
]


@pytest.fixture
def month(personas, monkeypatch):
    freeze_clock(monkeypatch)  # the figures are worked out for TODAY
    return october(personas)


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def _rows(sheet, first=4):
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def test_the_workbook_holds_the_hand_worked_figures(personas, month):
    book = _book(build_workbook(month.county, OCTOBER, now=at("2026-11-05")))
    assert book.sheetnames == SHEETS
    summary = book["汇总"]
    assert summary["A1"].value == "湟中县责任督学挂牌督导月报（2026年10月）"
    assert [cell.value for cell in summary[3]] == ["指标", "数值", "说明"]
    figures = {row[0]: row[1] for row in _rows(summary)}
    assert figures["开办学校（当前）"] == 3
    assert figures["有在岗责任督学的学校（当前）"] == 2
    assert figures["本期督导次数（各类）"] == 4
    assert figures["应完成经常性督导（校次）"] == 3
    assert figures["已完成经常性督导（校次）"] == 2
    assert figures["未开展经常性督导的学校"] == 1
    assert figures["新增整改事项"] == 3
    assert figures["销号整改事项"] == 1
    assert figures["未销号事项（当前）"] == 2
    assert figures["逾期事项（当前）"] == 1
    assert figures["已上报未销号事项（当前）"] == 1
    assert figures["召开会议"] == 1
    assert figures["收到社会监督来件"] == 3
    assert figures["本期来件中按时答复"] == 1
    assert (figures["下发工作通知"], figures["通知未读人次（当前）"]) == (1, 1)
    assert figures["销号用时中位数（天，本期销号事项）"] == 10
    assert figures["经常性督导完成率"] == pytest.approx(2 / 3)

    towns = book["分乡镇"]
    assert [cell.value for cell in towns[3]][:4] == ["乡镇", "开办学校", "有督学", "督导次数"]
    assert _rows(towns) == [
        ["多巴镇", 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0],
        ["鲁沙尔镇", 2, 1, 3, 2, 2, 1, 0, 2, 1, 1, 1],
        ["合计", 3, 2, 4, 3, 2, pytest.approx(2 / 3), 1, 3, 1, 2, 1],
    ]
    assert towns["A6"].font.bold  # the totals row
    matters = _rows(book["分督导事项"])
    assert matters == [
        ["6. 校园及周边安全", 2, 1, 1, 0, 1],
        ["7. 食堂、食品、饮用水及卫生", 1, 0, 1, 1, 0],
        ["合计", 3, 1, 2, 1, 1],
    ]

    schools = {row[1]: row[5:10] for row in _rows(book["各校督导情况"]) if row[0]}
    assert schools == {
        "多巴镇中心学校": [1, 0, 0, 1, "否"],
        "鲁沙尔镇中心学校": [1, 1, 1, 1, "是"],
        "鲁沙尔镇第二小学": [1, 1, 2, 2, "是"],
    }
    inspectors = _rows(book["督学履职情况"])
    assert inspectors[0][:9] == ["李督学", "兼职责任督学", 1, 1, 1, 1, 3, 0, 3]
    assert inspectors[1][:9] == ["王督学", "专职责任督学", 1, 1, 0, 0, 1, 1, 1]
    assert inspectors[2][:5] == ["合计", None, 2, 2, 1]

    items = book["整改事项"]
    assert [cell.value for cell in items[3]][:3] == ["编号", "学校", "乡镇"]
    listed = {row[0]: (row[7], row[8], row[14]) for row in _rows(items) if row[0]}
    assert listed == {
        month.items[1].pk: ("已销号", "否", 10),
        month.items[2].pk: ("待整改", "是", None),
        month.items[3].pk: ("整改中", "否", None),
        month.items[4].pk: ("已销号", "否", 28),
    }
    assert items.cell(row=4, column=7).number_format == "yyyy-mm-dd"
    cases = _rows(book["社会监督"])
    assert [cell.value for cell in book["社会监督"][3]][:4] == ["收件时间", "学校", "乡镇", "渠道"]
    assert [(row[1], row[9], row[10]) for row in cases[:-1]] == [
        ("多巴镇中心学校", "否", "是"),  # 25 Sept, still being verified
        ("鲁沙尔镇第二小学", "是", "否"),
        ("多巴镇中心学校", "否", "否"),
        ("鲁沙尔镇第二小学", "否", "是"),
    ]
    assert cases[-1][9:11] == ["1 件按时答复", "2 件逾期"]
    assert "食堂饭菜是凉的。" not in str(cases)  # the complaint's text never leaves the app
    meetings = _rows(book["会议"])
    assert meetings[0][1:10] == [
        "督学月例会",
        "十月督学月例会",
        "县教育局",
        None,
        3,
        2,
        0,
        1,
        pytest.approx(2 / 3),
    ]
    assert meetings[1][1] == "合计：1 次会议"


def test_every_sheet_is_laid_out_for_print(personas, month):
    book = _book(build_workbook(month.county, OCTOBER, now=at("2026-11-05")))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A4", sheet.title
        assert sheet.print_title_rows == "$1:$3", sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.column_dimensions["B"].width > 8
    assert book["整改事项"].cell(row=4, column=13).number_format == "yyyy-mm-dd hh:mm"
    assert book["分乡镇"].cell(row=4, column=7).number_format == "0.0%"


def test_text_that_looks_like_a_formula_stays_text(personas, month):
    RectificationItem.objects.filter(pk=month.items[2].pk).update(description="=HYPERLINK(1)")
    book = _book(build_workbook(month.county, OCTOBER, now=at("2026-11-05")))
    cell = next(
        row[5] for row in book["整改事项"].iter_rows(min_row=4) if row[5].value == "=HYPERLINK(1)"
    )
    assert cell.data_type == "s" and cell.quotePrefix


def test_compiling_makes_versions_never_two_at_once(
    personas, month, django_capture_on_commit_callbacks
):
    with broker(DEAD_BROKER):  # the worker is away: the request is kept in the outbox
        with django_capture_on_commit_callbacks(execute=True):
            first, created = request_monthly_report(
                county=month.county, period=OCTOBER, user=personas.office
            )
        again, created_again = request_monthly_report(
            county=month.county, period=OCTOBER, user=personas.office
        )
    assert created and not created_again and again == first
    assert first.state == JobState.QUEUED and first.version == 1
    pending = PendingTask.objects.get(task_name="reports.tasks.compile_monthly_report")
    from accounts.tasks import run_pending

    assert run_pending(pending.pk) is True  # the sweep, once the worker is back
    first.refresh_from_db()
    assert (first.state, first.progress) == (JobState.DONE, 100)
    assert first.file.name.endswith(".xlsx")
    assert _book(first.file.read()).sheetnames == SHEETS
    with django_capture_on_commit_callbacks(execute=True):
        second, created = request_monthly_report(
            county=month.county, period=OCTOBER, user=personas.office
        )
    second.refresh_from_db()
    assert created and second.version == 2 and second.state == JobState.DONE
    first.refresh_from_db()
    assert first.file and first.state == JobState.DONE  # the issued version stays


def test_the_beat_task_compiles_once_per_county_and_month(
    personas, month, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert compile_last_month() == 2  # both counties of the personas
    with django_capture_on_commit_callbacks(execute=True):
        assert compile_last_month() == 0
    reports = MonthlyReport.objects.order_by("county__code")
    assert [(r.county.code, r.version, r.state) for r in reports] == [
        ("320482", 1, JobState.DONE),
        ("630122", 1, JobState.DONE),
    ]
    assert {(r.period_start.month, r.period_end.day) for r in reports} == {(10, 31)}


def test_the_command_line_writes_the_same_workbook(personas, month, tmp_path):
    output = tmp_path / "月报.xlsx"
    call_command("monthly_report", county="630122", month="2026-10", output=str(output))
    book = load_workbook(output)
    assert book.sheetnames == SHEETS
    assert {row[0]: row[1] for row in _rows(book["汇总"])}["新增整改事项"] == 3
    with pytest.raises(CommandError, match="没有行政区划代码"):
        call_command("monthly_report", county="999999", month="2026-10", output=str(output))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("monthly_report", county="630122", month="2026-13", output=str(output))


def test_who_may_see_and_download_a_county_report(
    client, personas, month, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report, _created = request_monthly_report(
            county=month.county, period=OCTOBER, user=personas.office
        )
    download = reverse("reports:monthly_download", args=[report.pk])
    expected = {
        "office": 200,
        "committee": 200,
        "region": 200,
        "superuser": 200,
        "principal": 403,
        "inspector": 403,
        "other_office": 404,
    }
    for role, status in expected.items():
        client.force_login(getattr(personas, "inspector_user" if role == "inspector" else role))
        response = client.get(download)
        assert response.status_code == status, role
        if status == 200:
            assert "attachment" in response["Content-Disposition"]
            assert _book(b"".join(response.streaming_content)).sheetnames == SHEETS
    # Compiling is the office's: a region user and the committee cannot.
    compile_url = reverse("reports:monthly_list") + "?county=630122"
    for role in ("region", "committee"):
        client.force_login(getattr(personas, role))
        assert client.post(compile_url, {"month": "2026-09"}).status_code == 403
    assert MonthlyReport.objects.count() == 1


def test_the_office_compiles_from_the_page_and_sees_the_progress(
    client, personas, month, django_capture_on_commit_callbacks
):
    client.force_login(personas.office)
    page = client.get(reverse("reports:monthly_list"))
    assert 'value="2026-10"' in page.content.decode()  # last full month offered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:monthly_list"), {"month": "2026-10"})
    report = MonthlyReport.objects.get()
    assert response["Location"] == reverse("reports:monthly_detail", args=[report.pk])
    status = client.get(reverse("reports:monthly_status", args=[report.pk])).json()
    assert status["done"] and status["progress"] == 100
    assert status["download_url"] == reverse("reports:monthly_download", args=[report.pk])
    bad = client.post(reverse("reports:monthly_list"), {"month": "2026-13"})
    assert "请按“年-月”（如 2026-11）填写月份。" in bad.content.decode()
    assert MonthlyReport.objects.count() == 1


def test_beat_asks_for_last_month_on_the_first():
    from dudao.celery import app

    entry = app.conf.beat_schedule["monthly-reports"]
    assert entry["task"] == "reports.tasks.compile_last_month"
    assert entry["schedule"].day_of_month == {1}


def test_a_failed_compile_is_shown_and_can_be_compiled_again(
    client, personas, month, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reports.monthly.build_workbook", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report, _created = request_monthly_report(county=month.county, period=OCTOBER)
    report.refresh_from_db()
    assert report.state == JobState.FAILED and "disk full" in report.error
    client.force_login(personas.office)
    status = client.get(reverse("reports:monthly_status", args=[report.pk])).json()
    assert status["failed"] and not status["download_url"]
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again, created = request_monthly_report(county=month.county, period=OCTOBER)
    again.refresh_from_db()
    assert created and again.version == 2 and again.state == JobState.DONE


def test_a_job_left_by_a_stopped_worker_does_not_block_the_month(personas, month):
    import datetime

    from django.utils import timezone

    with broker(DEAD_BROKER):
        stuck, _created = request_monthly_report(county=month.county, period=OCTOBER)
    MonthlyReport.objects.filter(pk=stuck.pk).update(
        state=JobState.RUNNING, updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with broker(DEAD_BROKER):
        fresh, created = request_monthly_report(county=month.county, period=OCTOBER)
    stuck.refresh_from_db()
    assert stuck.state == JobState.FAILED and created and fresh.version == 2


def test_the_office_compiles_any_date_range_on_demand(
    client, personas, month, django_capture_on_commit_callbacks
):
    client.force_login(personas.office)
    url = reverse("reports:monthly_list")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "", "start": "2026-10-10", "end": "2026-10-20"})
    report = MonthlyReport.objects.get()
    assert response["Location"] == reverse("reports:monthly_detail", args=[report.pk])
    assert (report.period_start.isoformat(), report.period_end.isoformat()) == (
        "2026-10-10",
        "2026-10-20",
    )
    assert report.state == JobState.DONE
    figures = {row[0]: row[1] for row in _rows(_book(report.file.read())["汇总"])}
    # 10–20 October, both days counted: A on the 15th and C's special visit on the 16th (B's
    # of the 8th and 22nd fall outside); item 2 opened on the 20th (1 and 4 before the 10th);
    # submissions received on the 10th and the 20th.
    assert figures["本期督导次数（各类）"] == 2
    assert figures["新增整改事项"] == 1
    assert figures["收到社会监督来件"] == 2
    # Ranges that make no report: a clear message on the page, nothing queued.
    refused = {
        ("2026-10-20", "2026-10-10"): "结束日期早于开始日期",
        ("2025-01-01", "2026-10-31"): "一份报表最多覆盖一年",
        ("2026-12-01", "2026-12-31"): "该期间尚未开始",
        ("2026-10-10", ""): "请填写月份，或同时填写起止日期",
    }
    for (start, end), message in refused.items():
        page = client.post(url, {"start": start, "end": end}).content.decode()
        assert message in page, (start, end)
    assert MonthlyReport.objects.count() == 1
