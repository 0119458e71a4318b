"""The lists' filter bars, and the school and inspector lists' rows, are kept rendered under the
registry version of the reader's counties (``schools.filters.keep_filter_bar`` and
``registry_rows_part``): read once, shown again without reading the registry, renewed at once by
a registry write, never shared between readers or queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import SupervisionMatter
from tests import factories

pytestmark = pytest.mark.django_db

VISITS = reverse("visits:visit_list")
BOARD = reverse("rectifications:board")


def bar_of(page: str) -> str:
    """The visit list's filter bar (in its ``<details>``)."""
    return page[page.index("<details") : page.index("</details>")]


def get(client, url: str, params=None) -> tuple[str, list[str]]:
    """The page and the SQL of the queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries]


def reading(table: str, queries: list[str]) -> int:
    return sum(f'FROM "{table}"' in sql for sql in queries)


def test_the_visit_bar_is_kept_until_the_registry_changes(client, personas):
    client.force_login(personas.office)
    first, first_queries = get(client, VISITS)
    again, again_queries = get(client, VISITS)
    assert bar_of(again) == bar_of(first)
    assert "鲁沙尔镇" in bar_of(first)
    # Kept: neither the townships nor the matters are read again.
    assert reading("schools_township", first_queries) == 1
    assert reading("schools_supervisionmatter", first_queries) == 1
    assert reading("schools_township", again_queries) == 0
    assert reading("schools_supervisionmatter", again_queries) == 0
    assert len(again_queries) < len(first_queries)

    # A new township is in the bar at once, and so is a renamed one.
    factories.TownshipFactory(county=personas.county, name="多巴镇")
    assert "多巴镇" in bar_of(get(client, VISITS)[0])
    township = personas.school_a.township
    township.name = "拦隆口镇"
    township.save()
    renamed = bar_of(get(client, VISITS)[0])
    assert "拦隆口镇" in renamed and "鲁沙尔镇" not in renamed


def test_the_board_bar_shows_a_new_matter_at_once(client, personas):
    client.force_login(personas.office)
    get(client, BOARD)
    assert "控辍保学专项" not in get(client, BOARD)[0]
    SupervisionMatter.objects.create(county=personas.county, number=99, name="控辍保学专项")
    assert "控辍保学专项" in get(client, BOARD)[0]


def test_a_bar_is_kept_per_query(client, personas):
    client.force_login(personas.office)
    township = personas.school_a.township
    plain = bar_of(get(client, VISITS)[0])
    chosen = bar_of(get(client, VISITS, {"township": township.pk})[0])
    assert f'<option value="{township.pk}" selected>' in chosen
    assert f'<option value="{township.pk}" selected>' not in plain

    wrong = bar_of(get(client, VISITS, {"month": "2026-13"})[0])
    assert "请按“年-月”（如 2026-11）填写月份。" in wrong
    assert 'value="2026-13"' in wrong
    assert "填写月份" not in bar_of(get(client, VISITS)[0])


def test_a_bar_is_kept_per_reader(client, personas):
    """A region user reads several counties: a county select first, and no township until one
    is chosen; the office of the county has no county select. Neither is shown the other's."""
    client.force_login(personas.office)
    office_bar = bar_of(get(client, VISITS)[0])
    client.force_login(personas.region)
    region_bar = bar_of(get(client, VISITS)[0])
    assert 'name="county"' in region_bar and 'name="county"' not in office_bar
    assert "鲁沙尔镇" in office_bar and "鲁沙尔镇" not in region_bar

    client.force_login(personas.other_office)
    other_bar = bar_of(get(client, VISITS)[0])
    assert "鲁沙尔镇" not in other_bar


def test_a_region_bar_follows_each_county_of_the_region(client, personas):
    client.force_login(personas.region)
    params = {"county": personas.county.code}
    assert "鲁沙尔镇" in bar_of(get(client, VISITS, params)[0])
    factories.TownshipFactory(county=personas.county, name="多巴镇")
    assert "多巴镇" in bar_of(get(client, VISITS, params)[0])


def test_a_bar_is_read_each_time_without_a_cache(client, personas, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(personas.office)
    get(client, VISITS)
    assert reading("schools_township", get(client, VISITS)[1]) == 1


def test_the_plaque_bar_is_kept_per_county(client, personas):
    """A superuser reads each county's plaques in turn: each bar lists that county's
    townships."""
    factories.TownshipFactory(county=personas.other_county, name="朱林镇")
    client.force_login(personas.superuser)
    url = reverse("inspectors:plaque_list")
    first = get(client, url, {"county": personas.county.code})[0]
    other = get(client, url, {"county": personas.other_county.code})[0]
    assert "鲁沙尔镇" in first and "朱林镇" not in first
    assert "朱林镇" in other and "鲁沙尔镇" not in other


SCHOOLS = reverse("schools:school_list")
INSPECTORS = reverse("inspectors:inspector_list")


def test_the_school_rows_are_kept_until_the_registry_changes(client, personas):
    client.force_login(personas.office)
    first, first_queries = get(client, SCHOOLS)
    again, again_queries = get(client, SCHOOLS)
    assert again.split("</main>")[0].count("<tr>") == first.split("</main>")[0].count("<tr>")
    assert reading("schools_school", first_queries) >= 1
    assert reading("schools_school", again_queries) == 0
    assert "鲁沙尔镇第二小学" in again

    factories.SchoolFactory(county=personas.county, name="多巴镇中学")
    assert "多巴镇中学" in get(client, SCHOOLS)[0]
    # Each page of a query is kept on its own.
    assert "多巴镇中学" not in get(client, SCHOOLS, {"q": "鲁沙尔"})[0]


def test_the_inspector_rows_follow_assignments_at_once(client, personas):
    client.force_login(personas.office)
    row = f'href="{reverse("inspectors:inspector_detail", args=[personas.inspector.pk])}"'

    def load_of(page: str) -> str:
        cell = page[page.index(row) :]
        return cell[: cell.index("</tr>")]

    assert "1 / " in load_of(get(client, INSPECTORS)[0])
    get(client, INSPECTORS)
    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    assert "2 / " in load_of(get(client, INSPECTORS)[0])


def test_rows_kept_for_one_reader_are_not_shown_to_another(client, personas):
    """An inspector who may not see the county's other schools sees only their own, though the
    office read the whole list a moment before."""
    settings_ = personas.county.settings
    settings_.inspectors_see_county = False
    settings_.save()
    client.force_login(personas.office)
    assert "鲁沙尔镇中心学校" in get(client, SCHOOLS)[0]
    client.force_login(personas.inspector_user)
    own = get(client, SCHOOLS)[0]
    assert "鲁沙尔镇第二小学" in own and "鲁沙尔镇中心学校" not in own


def test_rows_are_read_each_time_without_a_cache(client, personas, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(personas.office)
    get(client, SCHOOLS)
    assert reading("schools_school", get(client, SCHOOLS)[1]) >= 1


def test_the_report_period_bar_follows_townships_and_the_date(client, personas, monkeypatch):
    """The dashboard's period bar lists the county's townships (registry) and the years up to
    today's: kept under the registry version and the date."""
    import datetime

    from django.utils import timezone

    url = reverse("reports:dashboard")
    client.force_login(personas.office)
    assert "鲁沙尔镇" in get(client, url)[0]
    assert reading("schools_township", get(client, url)[1]) == 0
    factories.TownshipFactory(county=personas.county, name="多巴镇")
    assert "多巴镇" in get(client, url)[0]

    next_year = timezone.localdate().replace(month=1, day=1) + datetime.timedelta(days=400)
    monkeypatch.setattr(timezone, "localdate", lambda: next_year)
    assert f'<option value="{next_year.year}">' in get(client, url)[0]
