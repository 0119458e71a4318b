"""The visit pages at province scale: a region user's list chooses a county first, lists are
counted only so far, the schools still due are worked out for one county and listed on demand,
and the pages' query counts do not grow with the county or the number of rows."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from dudao.pagination import paginate
from schools.models import School, SupervisionMatter
from tests import factories
from tests.factories_visits import VisitFactory, submitted_visit
from visits import views
from visits.models import VisitProblem

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = datetime.datetime(2026, 10, 9, 9, tzinfo=SHANGHAI)


@pytest.fixture
def neighbour(personas):
    """A second county of the region with a township, a school, its inspector and a visit."""
    county = factories.CountyFactory(code="630123", name="湟源县", region=personas.region.region)
    township = factories.TownshipFactory(county=county, name="城关镇")
    school = factories.SchoolFactory(county=county, township=township, name="湟源县城关小学")
    inspector = factories.InspectorFactory(county=county, name="马督学")
    factories.AssignmentFactory(inspector=inspector, school=school)
    visit = submitted_visit(
        school=school,
        inspector=inspector,
        created_by=factories.UserFactory(username="hy-office", county=county),
        arrived_at=OCTOBER,
    )
    return county, township, visit


def _visit(personas, *, school=None, at=OCTOBER):
    return submitted_visit(
        school=school or personas.school_b,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
        arrived_at=at,
    )


def _select(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_a_region_users_visit_list_asks_for_a_county_before_townships_and_matters(
    client, personas, neighbour
):
    county, township, theirs = neighbour
    ours = _visit(personas)
    client.force_login(personas.region)
    url = reverse("visits:visit_list")

    response = client.get(url)
    html = response.content.decode()
    assert _select(html, "county").count("<option") == 3  # "any county" and the region's two
    assert personas.other_county.name not in _select(html, "county")
    assert "请先选择县区" in _select(html, "township")
    assert _select(html, "township").count("<option") == 1
    assert _select(html, "matter").count("<option") == 1
    assert set(response.context["page"].object_list) == {ours, theirs}
    # The schools still due are worked out for one county only: until then, a hint.
    assert response.context["due_count"] is None
    assert "在筛选条件中选择县区后" in html

    response = client.get(url, {"county": county.code, "month": "2026-10"})
    html = response.content.decode()
    assert list(response.context["page"].object_list) == [theirs]
    townships = _select(html, "township")
    assert township.name in townships and personas.school_a.township.name not in townships
    matters = SupervisionMatter.objects.filter(county=county, is_active=True).count()
    assert _select(html, "matter").count("<option") == matters + 1
    assert response.context["due_count"] == 0  # its one school was visited in October

    # Another county's township goes with its county only: refused, it filters nothing away.
    response = client.get(url, {"county": county.code, "township": personas.school_a.township_id})
    assert response.context["form"].errors["township"]


def test_the_county_filter_narrows_the_export_too(client, personas, neighbour):
    county, _township, theirs = neighbour
    _visit(personas)
    client.force_login(personas.region)
    response = client.get(reverse("visits:visit_export"), {"county": county.code})
    assert response.status_code == 200
    # The export reads the same filters: one row under the header.
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and theirs.school.name in rows[1]


def test_a_county_user_has_no_county_select(client, personas):
    client.force_login(personas.office)
    html = client.get(reverse("visits:visit_list")).content.decode()
    assert 'name="county"' not in html
    assert personas.school_a.township.name in _select(html, "township")


def test_a_long_list_is_counted_only_so_far(rf: RequestFactory):
    county = factories.CountyFactory()
    factories.SchoolFactory.create_batch(7, county=county)
    schools = School.objects.filter(county=county).order_by("pk")

    first = paginate(rf.get("/"), schools, per_page=2, count_limit=4)
    assert first.paginator.more_than == 4 and first.has_next()
    html = render_to_string("_pagination.html", {"page": first}, request=rf.get("/"))
    assert "第 1–2 条，共超过 4 条" in html
    assert "末页" not in html and "下一页" in html  # no last page while it is not known

    # Counted from the requested page on: far enough to find the end, the count is exact.
    third = paginate(rf.get("/", {"page": "3"}), schools, per_page=2, count_limit=4)
    assert third.paginator.more_than is None and third.paginator.count == 7
    assert third.number == 3 and third.paginator.num_pages == 4
    html = render_to_string("_pagination.html", {"page": third}, request=rf.get("/"))
    assert "第 5–6 条，共 7 条" in html and "末页" in html

    # A page past the end gives the last one; a number too big for the database, the nearest.
    assert paginate(rf.get("/", {"page": "9"}), schools, per_page=2, count_limit=4).number == 4
    huge = rf.get("/", {"page": "9" * 30})
    assert paginate(huge, schools, per_page=2, count_limit=4).number == 4


def test_the_visit_list_counts_a_bounded_number_of_visits(client, personas):
    _visit(personas)
    client.force_login(personas.office)
    paginator = client.get(reverse("visits:visit_list")).context["page"].paginator
    assert paginator.counted_up_to == views.COUNTED_VISITS
    assert paginator.count == 1 and paginator.more_than is None


def test_the_schools_still_due_are_counted_and_listed_when_asked(client, personas):
    second = factories.InspectorFactory(county=personas.county, name="王督学")
    factories.AssignmentFactory(inspector=second, school=personas.school_b)
    client.force_login(personas.office)
    url = reverse("visits:visit_list")

    response = client.get(url, {"month": "2026-10"})
    assert response.context["due_count"] == 2
    assert "due_rows" not in response.context
    assert "?month=2026-10&amp;due=1" in response.content.decode()

    response = client.get(url, {"month": "2026-10", "due": "1"})
    rows = {row.school: row for row in response.context["due_rows"]}
    assert set(rows) == {personas.school_a, personas.school_b}
    html = response.content.decode()
    assert "无督学" in html  # school A has no inspector
    assert "李督学 等 2 名督学" in html or "王督学 等 2 名督学" in html
    assert "收起名单" in html


def test_visit_list_queries_do_not_grow_with_due_schools_or_counties(
    client, personas, neighbour, django_assert_max_num_queries
):
    county, _township, _theirs = neighbour
    _visit(personas)  # both counties have a visit: an empty list skips its rows' lookups
    cases = [
        (personas.office, {"due": "1"}),
        (personas.region, {}),
        (personas.region, {"county": county.code, "due": "1"}),
    ]
    counted = {}
    for user, params in cases:
        client.force_login(user)
        with django_assert_max_num_queries(20) as few:
            client.get(reverse("visits:visit_list"), params)
        counted[user.username, tuple(params)] = len(few.captured_queries)
    for _index in range(6):
        for target in (personas.county, county):
            school = factories.SchoolFactory(county=target)
            factories.AssignmentFactory(
                inspector=factories.InspectorFactory(county=target), school=school
            )
            submitted_visit(
                school=school,
                inspector=school.assignments.get().inspector,
                created_by=personas.office,
                arrived_at=OCTOBER,
            )
    for user, params in cases:
        client.force_login(user)
        with django_assert_max_num_queries(counted[user.username, tuple(params)]):
            response = client.get(reverse("visits:visit_list"), params)
        assert response.status_code == 200


def test_my_schools_lists_a_bounded_number_of_drafts(client, personas):
    client.force_login(personas.inspector_user)
    url = reverse("visits:my_schools")
    for day in range(views.MY_DRAFT_ROWS):
        VisitFactory(
            school=personas.school_b,
            inspector=personas.inspector,
            created_by=personas.inspector_user,
            arrived_at=OCTOBER + datetime.timedelta(days=day),
        )
    response = client.get(url)
    assert len(response.context["drafts"]) == views.MY_DRAFT_ROWS
    assert not response.context["more_drafts"]
    newest = VisitFactory(
        school=personas.school_b,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
        arrived_at=OCTOBER + datetime.timedelta(days=30),
    )
    response = client.get(url)
    assert len(response.context["drafts"]) == views.MY_DRAFT_ROWS
    assert response.context["drafts"][0] == newest
    html = response.content.decode()
    assert f"{reverse('visits:visit_list')}?status=draft" in html
    # The list it links to holds them all.
    listed = client.get(reverse("visits:visit_list"), {"status": "draft"}).context["page"]
    assert listed.paginator.count == views.MY_DRAFT_ROWS + 1


def test_a_visits_page_links_the_items_its_problems_became(client, personas):
    visit = VisitFactory(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.inspector_user
    )
    VisitProblem.objects.create(
        visit=visit,
        matter=personas.county.supervision_matters.first(),
        description="消防通道堵塞",
        required_change="清理通道",
    )
    visit.submit(personas.inspector_user)
    item = visit.problems.get().rectification_item
    client.force_login(personas.office)
    html = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert reverse("rectifications:item", args=[item.pk]) in html


def test_a_visit_keeps_its_schools_county(personas):
    """The county a county's lists read visits by follows the visit's school."""
    visit = VisitFactory(
        school=personas.school_a, inspector=personas.inspector, created_by=personas.office
    )
    assert visit.county == personas.school_a.county
    township = factories.TownshipFactory(county=personas.other_county)
    elsewhere = factories.SchoolFactory(county=personas.other_county, township=township)
    visit.school = elsewhere  # as the admin's raw id field changes it
    visit.save()
    visit.refresh_from_db()
    assert visit.county == personas.other_county
