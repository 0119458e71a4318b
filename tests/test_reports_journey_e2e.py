"""In a browser: the office compiles a month, watches the worker's progress on the page (polled,
not reloaded) and downloads the workbook; the chart page looked at on a desktop and a phone."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import PendingTask
from accounts.tasks import run_pending
from reports.models import JobState, MonthlyReport
from tests.celery_broker import broker
from tests.e2e import login
from tests.factories_reports import freeze_clock, october

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = "test-artifacts"


def _page(browser, width: int, height: int):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", device_scale_factor=1
    )
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: (
            page.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    return page


def test_the_office_compiles_a_month_and_downloads_it(
    personas, live_server, browser, tmp_path, monkeypatch
):
    freeze_clock(monkeypatch)  # October is the last full month on the fixture's day
    october(personas)
    page = _page(browser, 1280, 900)
    login(page, live_server, personas.office.username)
    page.goto(f"{live_server.url}/reports/monthly/")
    month = page.get_by_label("月份")
    # Compiling the previous month is what the page offers.
    with broker("memory://localhost/"):  # queued for a worker that has not taken it yet
        month.fill("2026-10")
        with page.expect_navigation():
            page.get_by_role("button", name="编制").click()
        expect(page.locator("[data-job-state]")).to_have_text("排队中")
        expect(page.locator("[data-job-done]")).to_be_hidden()
        report = MonthlyReport.objects.get()
        assert report.state == JobState.QUEUED
        # The worker takes the task; the page, polling, follows it without a reload.
        pending = PendingTask.objects.get(task_name="reports.tasks.compile_monthly_report")
        assert run_pending(pending.pk)
    expect(page.locator("[data-job-state]")).to_have_text("已完成", timeout=20000)
    expect(page.locator("progress[data-job-bar]")).to_have_js_property("value", 100)
    link = page.get_by_role("link", name="下载工作簿（.xlsx）")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "湟中县督导月报-2026-10-v1.xlsx"
    book = load_workbook(saved)
    assert book.sheetnames[0] == "汇总"
    figures = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=4, values_only=True)}
    assert figures["新增整改事项"] == 3
    assert page.csp_violations == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_dashboard_charts_on_a_desktop_and_a_phone(personas, live_server, browser, width):
    october(personas)
    page = _page(browser, width, 900)
    login(page, live_server, personas.office.username)
    page.goto(f"{live_server.url}/reports/?period=month&month=2026-10")
    expect(page.locator("svg[role=img]")).to_have_count(3)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways at {width} px: {scroll_width}"
    for svg in page.locator("svg[role=img]").all():
        box = svg.bounding_box()
        assert box["width"] > 200 and box["width"] <= width
    page.screenshot(path=f"{ARTIFACTS}/reports-dashboard-{width}.png", full_page=True)
    assert page.csp_violations == []
