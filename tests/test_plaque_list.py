"""The plaque list a page at a time: its search, township and state filters, the township's batch
actions, and a number of queries that does not grow with the county."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspectors.plaques import flags, statuses
from schools.models import School
from tests import factories
from tests.factories_plaques import plaque_of, posted

pytestmark = pytest.mark.django_db

URL = reverse("inspectors:plaque_list")


def names(response) -> list[str]:
    return [school.name for school, _plaque in response.context["rows"]]


@pytest.fixture
def states(personas):
    """One school of each state in 鲁沙尔镇, besides the personas' school A (not issued) and B
    (issued below, not posted)."""
    county, township = personas.county, personas.school_a.township
    office = personas.office
    make = factories.SchoolFactory
    current = make(county=county, township=township, name="当前小学")
    no_photo = make(county=county, township=township, name="无照片小学")
    outdated = make(county=county, township=township, name="过时小学")
    for school in (current, no_photo, outdated):
        factories.AssignmentFactory(
            inspector=factories.InspectorFactory(county=county), school=school
        )
    plaque_of(personas.school_b)
    posted(current, office)
    posted(no_photo, office, photo=False)
    posted(outdated, office)
    inspector = outdated.assignments.get().inspector
    inspector.phone = "13900009999"
    inspector.save()
    return {"current": current, "no_photo": no_photo, "outdated": outdated}


def test_each_state_filter_lists_the_schools_in_that_state(client, personas, states):
    client.force_login(personas.office)
    expected = {
        "": ["当前小学", "无照片小学", "过时小学", "鲁沙尔镇中心学校", "鲁沙尔镇第二小学"],
        "unissued": ["鲁沙尔镇中心学校"],
        "unposted": ["鲁沙尔镇中心学校", "鲁沙尔镇第二小学"],
        "outdated": ["过时小学"],
        "no_photo": ["无照片小学"],
        "current": ["当前小学", "无照片小学"],
    }
    for state, shown in expected.items():
        assert sorted(names(client.get(URL, {"state": state}))) == sorted(shown), state
    page = client.get(URL).content.decode()
    for label in ("未制发", "未张贴", "已过时", "最新", "无照片", "无督学"):
        assert label in page, label


def test_the_rows_say_what_the_full_statuses_say(client, personas, states):
    """The list's rows come from ``flags`` (plain values); the plaque's own page from
    ``statuses``: both tell the same state, and what changed on an outdated one."""
    schools = School.objects.filter(county=personas.county).active()
    full = {status.school.pk: status for status in statuses(schools, county=personas.county)}
    for quick in flags(schools, counties=(personas.county,)):
        status = full[quick.school_id]
        assert (quick.is_issued, quick.is_posted, quick.is_outdated, quick.is_current) == (
            status.is_issued,
            status.is_posted,
            status.is_outdated,
            status.is_current,
        )
        assert (quick.lacks_photo, quick.has_inspector) == (
            status.lacks_photo,
            status.has_inspector,
        )
        assert quick.changes == status.changes
        assert quick.number == (status.plaque.number if status.plaque else None)
        assert quick.posted_on == (status.posting.posted_on if status.posting else None)
    assert any(status.changes for status in full.values())


def test_search_and_township_narrow_the_list_and_the_batch_follows_the_township(
    client, personas, states
):
    elsewhere = factories.SchoolFactory(county=personas.county, name="多巴镇小学")
    client.force_login(personas.office)
    assert names(client.get(URL, {"q": "过时"})) == ["过时小学"]
    assert names(client.get(URL, {"q": elsewhere.code[:8] + " " + elsewhere.code[8:]})) == [
        "多巴镇小学"
    ]
    both = client.get(URL, {"township": elsewhere.township_id, "q": "小学"})
    assert names(both) == ["多巴镇小学"]
    page = both.content.decode()
    assert reverse("inspectors:plaque_print_township", args=[elsewhere.township_id, "a4"]) in page
    assert reverse("inspectors:plaque_issue_township", args=[elsewhere.township_id]) in page


def test_the_list_pages_and_keeps_its_queries_as_the_county_grows(
    client, personas, django_assert_max_num_queries
):
    county, township = personas.county, personas.school_a.township
    for school in factories.SchoolFactory.create_batch(28, county=county, township=township):
        factories.AssignmentFactory(
            inspector=factories.InspectorFactory(county=county), school=school
        )
        posted(school, personas.office)
    client.force_login(personas.office)
    client.get(URL)
    with django_assert_max_num_queries(20) as few:
        first = client.get(URL, {"township": township.pk})
    budget = len(few)  # read before the next request clears the query log
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.count == 30
    page = first.content.decode()
    assert f"?township={township.pk}&amp;page=2" in page
    second = client.get(URL, {"township": township.pk, "page": 2})
    assert len(second.context["rows"]) == 5
    assert not set(names(first)) & set(names(second))

    for school in factories.SchoolFactory.create_batch(30, county=county, township=township):
        posted(school, personas.office, photo=False)
    with django_assert_max_num_queries(budget):
        client.get(URL, {"township": township.pk})
    # Outdated and current weigh the posted schools first: ``flags``' four queries.
    for state, more in (("unposted", 0), ("no_photo", 0), ("outdated", 4), ("current", 4)):
        with django_assert_max_num_queries(budget + more):
            assert client.get(URL, {"state": state}).status_code == 200


def test_a_bad_page_number_gives_the_nearest_page(client, personas):
    client.force_login(personas.committee)
    response = client.get(URL, {"page": "99"})
    assert response.status_code == 200
    assert names(response) == ["鲁沙尔镇中心学校", "鲁沙尔镇第二小学"]


@pytest.fixture
def counted(monkeypatch):
    """How many times the plaque list worked its rows out."""
    import inspectors.plaque_views

    calls = []
    original = inspectors.plaque_views.flags
    monkeypatch.setattr(
        inspectors.plaque_views, "flags", lambda *a, **kw: calls.append(1) or original(*a, **kw)
    )
    return calls


def rows_of(page: str) -> str:
    return page[page.index("<table") : page.index("</main>")]


def test_the_rows_are_kept_until_the_registry_changes(client, personas, counted):
    """Worked out from the registry alone: kept under the county's registry version, so a
    posting or a new phone shows at once, and reading the list again works nothing out."""
    client.force_login(personas.office)
    first = client.get(URL).content.decode()
    again = client.get(URL).content.decode()
    assert len(counted) == 1
    assert rows_of(again) == rows_of(first)
    assert "未张贴" not in rows_of(first)

    plaque_of(personas.school_b)  # issued, not posted yet
    assert "未张贴" in rows_of(client.get(URL).content.decode())
    assert len(counted) == 2

    posted(personas.school_b, personas.office)
    inspector = personas.inspector
    inspector.phone = "13900001111"
    inspector.save()
    assert "已过时" in rows_of(client.get(URL).content.decode())
    assert len(counted) == 3


def test_the_rows_are_kept_per_query_and_per_day(client, personas, counted, monkeypatch):
    import inspectors.plaque_views

    client.force_login(personas.office)
    client.get(URL)
    assert names(client.get(URL, {"q": "第二"})) == ["鲁沙尔镇第二小学"]
    assert len(counted) == 2
    client.get(URL, {"q": "第二"})
    assert len(counted) == 2

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(inspectors.plaque_views.timezone, "localdate", lambda: tomorrow)
    client.get(URL)
    assert len(counted) == 3


def test_the_rows_are_worked_out_each_time_without_a_cache(client, personas, counted, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(personas.office)
    client.get(URL)
    client.get(URL)
    assert len(counted) == 2
