"""Report pages: every number links to the records it counts, charts are plain SVG, the region
view, the inspector's and principal's pages, the summary, the archive, the assessment and the
list exports."""

import datetime
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rectifications.models import RectificationItem
from reports.models import AssessmentAdjustment, Commendation, ExportJob, JobState
from schools.models import County
from tests import factories
from tests.factories_reports import freeze_clock, october

pytestmark = pytest.mark.django_db

OCTOBER_QUERY = "?period=month&month=2026-10"


@pytest.fixture
def month(personas, monkeypatch):
    freeze_clock(monkeypatch)  # the figures are worked out for TODAY
    return october(personas)


def _links(html: str) -> dict[str, str]:
    """Each stat card's label → its link."""
    found = {}
    for href, label in re.findall(
        r'<a class="card[^"]*report-stat[^"]*" href="([^"]+)">\s*<div class="card-body p-2">\s*'
        r'<div class="small text-secondary">([^<]+)</div>',
        html,
    ):
        found[label] = unescape(href)
    return found


def test_every_dashboard_number_opens_the_records_it_counts(client, personas, month):
    client.force_login(personas.office)
    page = client.get(reverse("reports:dashboard") + OCTOBER_QUERY)
    html = page.content.decode()
    links = _links(html)
    assert len(links) >= 12
    for label, url in links.items():
        shown = client.get(url)
        assert shown.status_code == 200, label
        text = shown.content.decode()
        if "figure=duty" in url:
            assert "2 / 3" in text
            continue
        count = int(re.search(r'<h1 class="h4 mb-1">[^<]*: (\d+)</h1>', text)[1])
        card = re.search(
            re.escape(f'<div class="small text-secondary">{label}</div>')
            + r'\s*<div class="stat-number[^"]*">([^<]+)</div>',
            html,
        )[1]
        if card.strip().isdigit():
            assert count == int(card), label
    # The hand-worked figures are what the cards show.
    assert "湟中县督导统计（2026年10月）" in html
    records = client.get(links["当前逾期"]).content.decode()
    assert "问题2" in records and "问题3" not in records


def _table_cells(html: str) -> list[tuple[str, str]]:
    """Each linked number in a table cell: (its value, its link)."""
    return [
        (value.strip(), unescape(href))
        for href, value in re.findall(
            r'<td class="text-end"><a href="([^"]+)">([^<]+)</a></td>', html
        )
    ]


def _check_cells(client, html: str) -> int:
    """Open every linked table number; the list behind it counts the same. Returns how many."""
    cells = _table_cells(html)
    opened = {}
    for value, url in cells:
        if url not in opened:
            response = client.get(url)
            assert response.status_code == 200, url
            opened[url] = response.content.decode()
        text = opened[url]
        if "figure=duty" in url:
            done, due = re.search(r"(\d+) / (\d+)</h1>", text).groups()
            rate = f"{int(done) / int(due):.0%}" if int(due) else "—"
            assert value in (done, due, rate), (value, url)
            continue
        count = re.search(r'<h1 class="h4 mb-1">[^<]*: (\d+)</h1>', text)[1]
        if value.isdigit():
            assert value == count, (value, url)
    return len(cells)


def test_every_table_number_opens_the_records_it_counts(client, personas, month):
    client.force_login(personas.office)
    html = client.get(reverse("reports:dashboard") + OCTOBER_QUERY).content.decode()
    # Twelve months of due, done, % and all visits, then the matters' and townships' numbers.
    assert _check_cells(client, html) >= 12 * 4 + 4
    october_row = re.search(r">2026-10</a></th>(.*?)</tr>", html)[1]
    assert re.findall(r'<a href="[^"]+">([^<]+)</a>', october_row) == ["3", "2", "67%", "4"]
    # Two townships side by side, and together.
    towns = "&".join(f"township={t.pk}" for t in (month.township_1, month.township_2))
    html = client.get(reverse("reports:dashboard") + OCTOBER_QUERY + "&" + towns).content.decode()
    assert _check_cells(client, html) >= 17 * 3


def test_every_region_number_opens_the_records_it_counts_together_too(client, personas, month):
    neighbour = factories.CountyFactory(code="630123", name="湟源县", region=personas.region.region)
    factories.SchoolFactory(county=neighbour, name="湟源县城关小学")
    client.force_login(personas.region)
    html = client.get(reverse("reports:region") + OCTOBER_QUERY).content.decode()
    assert _check_cells(client, html) == 17 * 3  # every row, both counties and together
    together = [url for _value, url in _table_cells(html) if "county=all" in url]
    assert len(together) == 17
    schools = client.get(next(url for url in together if "figure=open&" in url + "&"))
    text = schools.content.decode()
    assert "湟源县城关小学" in text and "鲁沙尔镇中心学校" in text and "西宁市" in text
    # The office of one county has no "together".
    client.force_login(personas.office)
    assert client.get(together[0]).status_code == 404


def test_charts_are_server_side_svg_with_a_table_beside(client, personas, month):
    client.force_login(personas.office)
    html = client.get(reverse("reports:dashboard") + OCTOBER_QUERY).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert "<style" not in svg and "<script" not in svg and "style=" not in svg
        assert "<rect" in svg and 'role="img"' in svg
    assert "<script>" not in html and " style=" not in html
    assert not re.search(r"<[^>]+\son[a-z]+=", html)  # no inline event handlers (CSP)
    assert html.count("<table") >= 3  # each chart has its numbers in a table beside it


def test_townships_side_by_side_for_the_committee(client, personas, month):
    client.force_login(personas.committee)
    query = f"{OCTOBER_QUERY}&township={month.township_1.pk}&township={month.township_2.pk}"
    html = client.get(reverse("reports:dashboard") + query).content.decode()
    assert "各乡镇并列" in html
    table = html[html.index("report-compare") :]
    assert "鲁沙尔镇" in table and "多巴镇" in table
    cell = re.search(
        rf"township={month.township_2.pk}[^\"]*figure=opened|figure=opened[^\"]*township={month.township_2.pk}",
        table,
    )
    assert cell


def test_a_region_sees_its_counties_side_by_side_and_only_those(client, personas, month):
    neighbour = factories.CountyFactory(code="630123", name="湟源县", region=personas.region.region)
    factories.SchoolFactory(county=neighbour, name="湟源县城关小学")
    client.force_login(personas.region)
    html = client.get(reverse("reports:region") + OCTOBER_QUERY).content.decode()
    assert "西宁市各县并列" in html
    assert "湟中县" in html and "湟源县" in html and "金坛区" not in html
    # Open schools: 3 in 湟中县, 1 in 湟源县, 4 together.
    row = re.search(r"开办学校</th>(.*?)</tr>", html, re.S)[1]
    assert re.findall(r">(\d+)<", row) == ["3", "1", "4"]
    other = client.get(
        reverse("reports:dashboard"), {"county": County.objects.get(code="320482").code}
    )
    assert other.status_code == 404
    assert client.get(reverse("reports:region")).status_code == 200
    client.force_login(personas.office)
    assert client.get(reverse("reports:region")).status_code == 403


def test_the_inspector_and_principal_pages(client, personas, month):
    client.force_login(personas.inspector_user)
    html = client.get(reverse("reports:my_page")).content.decode()
    assert "李督学的履职情况" in html and "我的会议" in html
    client.force_login(personas.principal)
    html = client.get(reverse("reports:school_page")).content.decode()
    assert "鲁沙尔镇中心学校督导情况" in html
    assert reverse("reports:archive", args=[personas.school_a.pk]) in html
    assert client.get(reverse("reports:my_page")).status_code == 403


def test_the_inspectors_own_figures(client, personas, month):
    client.force_login(personas.inspector_user)
    response = client.get(reverse("reports:my_page"))
    (_label, this_month, month_url), (_label, this_year, year_url) = response.context["duty_rows"]
    # 5 November: 李 covers B, one duty visit a school month; none yet in November.
    assert (this_month.due, this_month.done, this_month.led) == (1, 0, 0)
    # The year so far: 9 school months to November, B visited (twice) only in October; 李 led
    # B ×2 and A ×1 in October, all recorded the same day, and joined nobody's visit.
    assert (this_year.due, this_year.done) == (9, 1)
    assert (this_year.led, this_year.on_time, this_year.co_visits) == (3, 3, 0)
    # Open items of his: item 2 at B (overdue since 30 October); item 3 at C is 王's.
    assert response.context["item_count"] == 1 and response.context["overdue_count"] == 1
    assert response.context["attendance"] == {"invited": 1, "present": 1, "absent": 0, "excused": 0}
    assert response.context["notices"] == []  # he read the notice of 12 October
    html = response.content.decode()
    assert "1 / 9" in html and "0 / 1" in html
    # The visit-record links carry the period: the month, or 1 January to today.
    assert "month=2026-11" in month_url
    assert "date_from=2026-01-01&date_to=2026-11-05" in year_url
    # His three October visits (the one of 30 September at C is 王's).
    assert client.get(year_url).context["page"].paginator.count == 3
    assert client.get(month_url).context["page"].paginator.count == 0


def test_the_principals_own_figures(client, personas, month):
    # Two of the county's items moved to school A: one overdue, one due within two weeks.
    RectificationItem.objects.filter(pk=month.items[2].pk).update(school=personas.school_a)
    RectificationItem.objects.filter(pk=month.items[3].pk).update(
        school=personas.school_a, deadline=datetime.date(2026, 11, 12)
    )
    client.force_login(personas.principal)
    response = client.get(reverse("reports:school_page"))
    context = response.context
    # School A: one visit (15 October), unread and unanswered; none yet in November.
    assert context["counts"] == {"month": 0, "year": 1, "unread": 1, "unanswered": 1}
    assert context["item_count"] == 2
    assert [item.pk for item in context["overdue"]] == [month.items[2].pk]
    assert [item.pk for item in context["due_soon"]] == [month.items[3].pk]
    assert [r.notice.title for r in context["notices"]] == ["关于开展秋季开学专项督导的通知"]
    html = response.content.decode()
    assert "2026-10-30" in html and "2026-11-12" in html


def test_the_summary_prints_the_dashboard_numbers(client, personas, month):
    client.force_login(personas.committee)
    html = client.get(reverse("reports:summary") + OCTOBER_QUERY).content.decode()
    assert "湟中县责任督学挂牌督导工作总结" in html
    assert "全县共有开办学校 3 所，其中 2 所有在岗责任督学" in html
    assert "应完成经常性督导 3 校次，已完成 2 校次" in html
    assert "新增整改事项 3 项，销号 1 项（用时中位数 10 天）" in html
    assert "<script>" not in html and " style=" not in html
    term = client.get(reverse("reports:summary") + "?period=term&term=2026-1")
    assert "2026—2027学年第一学期" in term.content.decode()


def test_the_school_archive_page_and_workbook(client, personas, month):
    client.force_login(personas.principal)
    url = reverse("reports:archive", args=[personas.school_a.pk]) + "?year=2026"
    html = client.get(url).content.decode()
    assert "鲁沙尔镇中心学校督导档案" in html and "问题1" in html
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reports:archive_xlsx", args=[personas.school_a.pk]) + "?year=2026"
            ).content
        )
    )
    assert book.sheetnames == ["督导记录", "整改", "整改通知书", "社会监督事项"]
    visits = list(book["督导记录"].iter_rows(min_row=4, values_only=True))
    assert len(visits) == 2 and visits[-1][1] == "合计：1 次督导"
    # Another school is not the principal's.
    other = reverse("reports:archive", args=[personas.school_b.pk])
    assert client.get(other).status_code == 404


def test_the_assessment_ranks_with_reasons_adjusts_and_commends(client, personas, month):
    client.force_login(personas.office)
    html = client.get(reverse("reports:assessment") + "?year=2026").content.decode()
    assert "李督学" in html and "王督学" in html
    detail = reverse("reports:assessment_detail", args=[personas.inspector.pk]) + "?year=2026"
    page = client.get(detail).content.decode()
    assert "得分依据" in page
    # Empty reason: a clear error, nothing stored.
    refused = client.post(detail, {"adjust-points": "3", "adjust-reason": "  "})
    assert "请填写调整理由。" in refused.content.decode()
    assert not AssessmentAdjustment.objects.exists()
    client.post(detail, {"adjust-points": "2.5", "adjust-reason": "承担专项督导任务"})
    client.post(detail, {"commended": "1", "commend-note": "全年无逾期"})
    adjustment = AssessmentAdjustment.objects.get()
    assert (adjustment.points, adjustment.created_by) == (Decimal("2.5"), personas.office)
    assert Commendation.objects.get().note == "全年无逾期"
    export = client.get(reverse("reports:assessment_export") + "?year=2026")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["李督学"][-1] == "是" and rows["李督学"][-3] == 2.5
    # The committee and a region user read it but change nothing.
    for reader in (personas.committee, personas.region):
        client.force_login(reader)
        assert client.get(detail).status_code == 200
        response = client.post(detail, {"adjust-points": "5", "adjust-reason": "x"})
        assert response.status_code == 403
    assert AssessmentAdjustment.objects.count() == 1


def test_a_short_list_export_streams_at_once(client, personas, month):
    client.force_login(personas.office)
    response = client.get(
        reverse("reports:export", args=["visits"]), {"month": "2026-10", "status": "submitted"}
    )
    assert response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert len(list(sheet.iter_rows(min_row=2))) == 4
    bad = client.get(reverse("reports:export", args=["visits"]), {"month": "2026-13"})
    assert bad.status_code == 302 and bad["Location"].startswith(reverse("visits:visit_list"))
    client.force_login(personas.principal)
    assert client.get(reverse("reports:export", args=["visits"])).status_code == 403


def test_a_long_export_runs_in_the_worker_with_progress(
    client, personas, month, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("reports.views.INLINE_EXPORT_ROWS", 2)
    monkeypatch.setattr("visits.views.INLINE_EXPORT_ROWS", 2)
    client.force_login(personas.office)
    # The visit list's own export sends a long list to the worker.
    handed = client.get(reverse("visits:visit_export"), {"month": "2026-10", "status": "submitted"})
    query = "?month=2026-10&status=submitted"
    assert handed["Location"] == reverse("reports:export", args=["visits"]) + query
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(handed["Location"])
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export_job", args=[job.pk])
    assert (job.rows, job.requested_by) == (4, personas.office)
    page = client.get(response["Location"]).content.decode()
    assert "data-job-status" in page and "<progress" in page
    status = client.get(reverse("reports:export_status", args=[job.pk])).json()
    assert status["done"] and status["progress"] == 100
    download = client.get(status["download_url"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert len(list(sheet.iter_rows(min_row=2))) == 4
    job.refresh_from_db()
    assert job.state == JobState.DONE
    client.force_login(personas.committee)  # someone else's export does not exist for them
    assert client.get(reverse("reports:export_job", args=[job.pk])).status_code == 404


def test_a_long_complaints_export_runs_in_the_worker_without_personal_data(
    client, personas, month, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("reports.views.INLINE_EXPORT_ROWS", 2)
    monkeypatch.setattr("complaints.views.INLINE_EXPORT_ROWS", 2)
    client.force_login(personas.office)
    # Four cases in 湟中县 (three received in October, one in September): too long.
    handed = client.get(reverse("complaints:export"), {"channel": "online"})
    assert handed["Location"] == reverse("reports:export", args=["complaints"]) + "?channel=online"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(handed["Location"])
    job = ExportJob.objects.get()
    assert (job.kind, job.rows, job.state) == ("complaints", 4, JobState.DONE)
    assert response["Location"] == reverse("reports:export_job", args=[job.pk])
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    header, *rows = list(sheet.values)
    assert header[0] == "编号" and "电话" not in header and len(rows) == 4
    # With names and phone numbers (every row's view recorded): refused above the limit.
    refused = client.get(
        reverse("complaints:export"), {"channel": "online", "personal": "on"}, follow=True
    )
    assert "最多导出" in refused.content.decode()
    assert ExportJob.objects.count() == 1
    # A short list is still written during the request, and streamed.
    short = client.get(reverse("complaints:export"), {"q": "多巴镇"})
    assert short.streaming
    assert (
        len(list(load_workbook(io.BytesIO(b"".join(short.streaming_content))).active.values)) == 3
    )


def test_the_school_and_inspector_lists_export_their_filter(client, personas, month):
    client.force_login(personas.committee)
    listed = client.get(reverse("schools:school_list"), {"township": month.township_2.pk})
    assert reverse("reports:export", args=["schools"]) in listed.content.decode()
    response = client.get(
        reverse("reports:export", args=["schools"]), {"township": month.township_2.pk}
    )
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:3] == ("学校标识码", "学校", "乡镇")
    assert sorted(row[1] for row in rows[1:]) == ["多巴镇中心学校", "多巴镇旧校区"]
    response = client.get(reverse("reports:export", args=["inspectors"]))
    names = [
        row[0]
        for row in load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values
    ][1:]
    assert sorted(names) == ["李督学", "王督学"]
    client.force_login(personas.principal)
    assert client.get(reverse("reports:export", args=["inspectors"])).status_code == 403


def test_a_region_user_gets_the_figures_card_and_menu(client, personas, month):
    from accounts.navigation import menu_for

    client.force_login(personas.region)
    html = client.get(reverse("home")).content.decode()
    assert reverse("reports:region") in html
    labels = [child["label"] for entry in menu_for(personas.region) for child in entry["children"]]
    assert "各县并列" in labels


def test_a_county_office_sees_only_its_own_county(client, personas, month):
    client.force_login(personas.other_office)
    html = client.get(reverse("reports:dashboard"), {"county": "630122"}).content.decode()
    assert "金坛区督导统计" in html and "湟中县" not in html
    records = client.get(reverse("reports:records"), {"figure": "opened", "county": "630122"})
    assert "问题1" not in records.content.decode()
    school = reverse("reports:archive", args=[personas.school_a.pk])
    assert client.get(school).status_code == 404


def test_the_assessment_shows_its_records_history_and_withdraws_a_commendation(
    client, personas, month
):
    client.force_login(personas.office)
    detail = reverse("reports:assessment_detail", args=[personas.inspector.pk]) + "?year=2026"
    page = client.get(detail).content.decode()
    # Each part's count links to the very records it counted (李 in 2026, as of 5 November).
    listed = {
        "rectifications": (2, ["问题1", "问题2"]),  # item 1 signed off, item 2 overdue
        "complaints": (2, ["2026-10-17", "2026-11-04"]),  # due 17 Oct and 4 Nov
        "meetings": (1, ["十月督学月例会"]),
        "notices": (1, ["关于开展秋季开学专项督导的通知"]),
    }
    for part, (count, shown) in listed.items():
        url = reverse("reports:assessment_records", args=[personas.inspector.pk, part])
        assert f'href="{url}?year=2026"' in page, part
        text = client.get(url, {"year": 2026}).content.decode()
        assert re.search(r'<h1 class="h4 mb-1">[^<]*: (\d+)</h1>', text)[1] == str(count), part
        assert all(name in text for name in shown), part
    items = client.get(
        reverse("reports:assessment_records", args=[personas.inspector.pk, "rectifications"]),
        {"year": 2026},
    ).content.decode()
    assert items.count("text-bg-success") == 1  # item 1 signed off, item 2 not
    # A year with nothing: the lists are empty.
    empty = client.get(
        reverse("reports:assessment_records", args=[personas.inspector.pk, "notices"]),
        {"year": 2025},
    ).content.decode()
    assert re.search(r'<h1 class="h4 mb-1">[^<]*: (\d+)</h1>', empty)[1] == "0"
    # Adjustments are kept and shown with their reasons, whoever added them and when.
    client.post(detail, {"adjust-points": "2.5", "adjust-reason": "承担专项督导任务"})
    client.post(detail, {"adjust-points": "-1", "adjust-reason": "一次记录迟交"})
    page = client.get(detail).content.decode()
    assert "+2.5" in page and "承担专项督导任务" in page
    assert "-1.0" in page and "一次记录迟交" in page
    assert AssessmentAdjustment.objects.count() == 2
    # Commended, then withdrawn: the badge goes and the ranking export says no.
    client.post(detail, {"commended": "1", "commend-note": "全年无逾期"})
    assert "撤销表彰" in client.get(detail).content.decode()
    response = client.post(detail, {"commended": "0", "commend-note": ""}, follow=True)
    assert "撤销" in response.content.decode()
    assert not Commendation.objects.filter(inspector=personas.inspector, year=2026).exists()
    export = client.get(reverse("reports:assessment_export") + "?year=2026")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["李督学"][-1] != "是" and rows["李督学"][-3] == 1.5
