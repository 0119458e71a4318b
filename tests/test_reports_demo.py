"""With the demo loaded, every dashboard, the last full month's report and the assessment show
real numbers; the region login reads its city's county."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import PendingTask, Role, User
from accounts.tasks import run_pending
from reports.assessment import assess
from reports.figures import Scope, compute
from reports.models import JobState, MonthlyReport
from reports.periods import last_full_month
from schools.models import County


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, stdout=io.StringIO())
        # The demo queues the monthly reports for after its commit; the worker runs them.
        for pending in PendingTask.objects.filter(task_name="reports.tasks.compile_monthly_report"):
            run_pending(pending.pk)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def huangzhong(seeded, db):
    return County.objects.select_related("settings").get(code="630122")


def test_the_last_full_month_report_is_issued_with_real_numbers(huangzhong):
    period = last_full_month(timezone.localdate())
    report = MonthlyReport.objects.get(county=huangzhong, period_start=period.start)
    assert report.state == JobState.DONE and report.version == 1
    summary = load_workbook(io.BytesIO(report.file.read()))["汇总"]
    figures = {row[0]: row[1] for row in summary.iter_rows(min_row=4, values_only=True)}
    assert figures["开办学校（当前）"] > 150
    if period.start.month in huangzhong.settings.holiday_months:  # no duty in the holidays
        assert figures["应完成经常性督导（校次）"] == 0
        assert figures["本期督导次数（各类）"] > 0
    else:
        assert figures["本期督导次数（各类）"] > 50
        assert 0 < figures["已完成经常性督导（校次）"] <= figures["应完成经常性督导（校次）"]
        assert figures["新增整改事项"] > 0 and figures["召开会议"] > 0
    assert MonthlyReport.objects.filter(state=JobState.DONE).count() == 2  # and 金坛区's


def test_the_dashboard_counts_the_demo(huangzhong):
    office = User.objects.get(username="office")
    today = timezone.localdate()
    period = last_full_month(today)
    while period.start.month in huangzhong.settings.holiday_months:  # a month with a duty
        period = last_full_month(period.start)
    total = compute(Scope(office, (huangzhong,)), period, today=today).total()
    assert total.visits > 50 and total.duty_done > 0 and total.opened > 0
    assert total.unresolved > 0 and total.overdue > 0 and total.meetings > 0


def test_the_assessment_ranks_the_inspectors_with_scores(huangzhong):
    # The year of the last full month: on 1 January the new year holds no records yet.
    year = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).year
    rows = assess(huangzhong, year, timezone.localdate())
    scored = [row for row in rows if row.score is not None]
    assert len(scored) > 40
    assert len({row.score for row in scored}) > 10  # the scores tell inspectors apart
    assert any(row.adjustments for row in rows) and any(row.commendation for row in rows)
    assert rows[0].rank == 1 and rows[0].score == max(row.score for row in scored)


def test_the_region_login_reads_its_city(seeded, client):
    user = User.objects.get(username="region")
    assert user.role == Role.REGION and user.region.name == "西宁市"
    client.force_login(user)
    html = client.get(reverse("reports:region")).content.decode()
    assert "湟中县" in html and "金坛区" not in html


def test_a_second_run_queues_no_second_report(seeded, db):
    reports = MonthlyReport.objects.count()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert MonthlyReport.objects.count() == reports
