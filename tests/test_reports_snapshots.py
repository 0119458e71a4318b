"""The figures pages show figures counted at most the county's minutes ago, say when they were
counted, count again on request, and keep a snapshot per language and per kind of reader."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dudao.snapshots import figures_snapshot, snapshot, snapshot_key
from tests import factories
from tests.factories_reports import at, freeze_clock, october
from tests.factories_visits import submitted_visit

pytestmark = pytest.mark.django_db

OCTOBER = {"period": "month", "month": "2026-10"}


@pytest.fixture
def month(personas, monkeypatch):
    freeze_clock(monkeypatch)
    return october(personas)


def _visits_figure(html: str) -> int:
    """The dashboard's "visits made" card (four in October, ``factories_reports.october``)."""
    card = re.search(
        r'<div class="small text-secondary">督导次数</div>\s*<div class="stat-number[^"]*">(\d+)<',
        html,
    )
    return int(card[1])


def _another_october_visit(personas):
    submitted_visit(
        school=personas.school_b,
        inspector=personas.inspector,
        created_by=personas.office,
        arrived_at=at("2026-10-27"),
        departed_at=at("2026-10-27", 12),
        submitted_at=at("2026-10-27", 16),
    )


def test_the_dashboard_shows_when_it_counted_and_counts_again_on_request(
    client, personas, month, django_assert_max_num_queries
):
    client.force_login(personas.office)
    url = reverse("reports:dashboard")
    first = client.get(url, OCTOBER).content.decode()
    assert _visits_figure(first) == 4
    assert "统计于 10:" in first and "每 10 分钟重新统计" in first

    _another_october_visit(personas)
    # Within the ten minutes the page shows the figures as counted, without counting again:
    # the queries of the page itself (session, user, the form's choices), none of the figures'.
    with django_assert_max_num_queries(12):
        kept = client.get(url, OCTOBER).content.decode()
    assert _visits_figure(kept) == 4

    link = re.search(r'<a href="\?([^"]*fresh=1[^"]*)">立即重新统计</a>', kept)[1]
    counted = client.get(f"{url}?{link.replace('&amp;', '&')}").content.decode()
    assert _visits_figure(counted) == 5
    # Counting again kept the new figures for the next visit.
    assert _visits_figure(client.get(url, OCTOBER).content.decode()) == 5


def test_a_county_that_wants_live_figures_gets_them_on_every_visit(client, personas, month):
    settings = personas.county.settings
    settings.figures_refresh_minutes = 0
    settings.save()
    client.force_login(personas.office)
    url = reverse("reports:dashboard")
    first = client.get(url, OCTOBER).content.decode()
    assert _visits_figure(first) == 4 and "统计于" not in first
    _another_october_visit(personas)
    assert _visits_figure(client.get(url, OCTOBER).content.decode()) == 5


def test_each_language_and_each_period_has_its_own_snapshot(client, personas, month):
    client.force_login(personas.office)
    url = reverse("reports:dashboard")
    assert "督导次数" in client.get(url, OCTOBER).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url, OCTOBER).content.decode()
    assert "督导次数" not in english and "Visits made" in english
    client.cookies["django_language"] = "zh-hans"
    september = client.get(url, {"period": "month", "month": "2026-09"}).content.decode()
    assert _visits_figure(september) == 1  # C's routine visit of 30 September


def test_the_committee_does_not_get_the_offices_snapshot(client, personas, month):
    """What a reader may see decides the key: another role counts for itself."""
    client.force_login(personas.office)
    client.get(reverse("reports:dashboard"), OCTOBER)
    _another_october_visit(personas)
    client.force_login(personas.committee)
    html = client.get(reverse("reports:dashboard"), OCTOBER).content.decode()
    assert _visits_figure(html) == 5


def test_the_region_keeps_the_shortest_time_any_of_its_counties_chose(client, personas, month):
    neighbour = factories.CountyFactory(code="630123", name="湟源县", region=personas.region.region)
    neighbour.settings.figures_refresh_minutes = 3
    neighbour.settings.save()
    client.force_login(personas.region)
    html = client.get(reverse("reports:region"), OCTOBER).content.decode()
    assert "每 3 分钟重新统计" in html
    school = factories.SchoolFactory(county=neighbour, name="湟源县城关小学")
    kept = client.get(reverse("reports:region"), OCTOBER).content.decode()
    assert school.name not in kept and re.findall(
        r">(\d+)<", re.search(r"开办学校</th>(.*?)</tr>", kept, re.S)[1]
    ) == ["3", "0", "3"]
    fresh = client.get(reverse("reports:region"), {**OCTOBER, "fresh": "1"}).content.decode()
    row = re.search(r"开办学校</th>(.*?)</tr>", fresh, re.S)[1]
    assert re.findall(r">(\d+)<", row) == ["3", "1", "4"]


def test_a_snapshot_is_counted_once_while_kept():
    counted = []

    def render():
        counted.append(1)
        return f"<b>{len(counted)}</b>"

    key = snapshot_key("probe", 1)
    first = snapshot(key, minutes=5, render=render, fresh=False)
    again = snapshot(key, minutes=5, render=render, fresh=False)
    assert again.html == first.html == "<b>1</b>" and again.counted_at == first.counted_at
    assert snapshot(key, minutes=5, render=render, fresh=True).html == "<b>2</b>"
    assert snapshot(key, minutes=0, render=render, fresh=False).html == "<b>3</b>"
    assert snapshot_key("probe", 1) != snapshot_key("probe", 2)


def test_a_snapshot_past_its_time_is_counted_by_one_request_while_others_show_it():
    counted = []

    def render():
        counted.append(1)
        return f"<b>{len(counted)}</b>"

    key = snapshot_key("probe", "due")
    long_ago = timezone.now() - datetime.timedelta(minutes=6)
    cache.set(key, ("<b>old</b>", long_ago), timeout=600)
    cache.add(f"{key}:counting", True)  # another request is counting it now
    shown = snapshot(key, minutes=5, render=render, fresh=False)
    assert shown.html == "<b>old</b>" and shown.counted_at == long_ago and not counted
    cache.delete(f"{key}:counting")  # that count failed or has not stored yet
    recounted = snapshot(key, minutes=5, render=render, fresh=False)
    assert recounted.html == "<b>1</b>" and recounted.counted_at > long_ago
    assert snapshot(key, minutes=5, render=render, fresh=False).html == "<b>1</b>"
    assert cache.add(f"{key}:counting", True)  # the count let go of its claim


def test_a_kept_parts_links_do_not_ask_the_next_reader_to_count_again(rf, personas):
    """Counted on "count again now" (``?fresh=1``), a part's page links leave that out: whoever
    follows them later reads the kept figures."""
    from django.core.paginator import Paginator

    request = rf.get("/rectifications/summary/", {"page": "1", "fresh": "1", "q": "中心"})
    request.user = personas.office
    part = figures_snapshot(
        request,
        "test",
        counties=(personas.county,),
        parts=(),
        template="_pagination.html",
        context=lambda: {"page": Paginator(range(60), 25).get_page(1)},
    )
    assert "page=2" in part.html and "q=" in part.html and "fresh" not in part.html
    assert request.GET["fresh"] == "1"  # the page itself still knows it was asked
