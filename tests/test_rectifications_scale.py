"""The rectification pages at province scale: a region user's board chooses a county first, and
the pages' query counts do not grow with the county or the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectifications.models import RectificationItem, RectificationState
from schools.models import CountySettings, SupervisionMatter, Township
from tests import factories
from tests.factories_rectifications import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(personas):
    """A second county of the region, with its own township, school and item."""
    county = factories.CountyFactory(code="630123", name="湟源县", region=personas.region.region)
    township = factories.TownshipFactory(county=county, name="城关镇")
    school = factories.SchoolFactory(county=county, township=township, name="湟源县城关小学")
    return county, township, school


def _select(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_a_region_users_board_asks_for_a_county_before_townships_and_matters(
    client, personas, neighbour
):
    county, township, school = neighbour
    ours = make_item(personas, deadline=timezone.localdate() - datetime.timedelta(days=1))
    theirs = make_item(personas, school=school, deadline=ours.deadline)
    client.force_login(personas.region)
    board = reverse("rectifications:board")

    response = client.get(board)
    html = response.content.decode()
    # The region's counties only; no township or matter before a county is chosen.
    assert _select(html, "county").count("<option") == 3  # "any county" and the two counties
    assert personas.other_county.name not in _select(html, "county")
    assert "请先选择县区" in _select(html, "township")
    assert _select(html, "township").count("<option") == 1
    assert _select(html, "matter").count("<option") == 1
    assert set(response.context["page"]) == {ours, theirs}

    response = client.get(board, {"county": county.code})
    html = response.content.decode()
    assert set(response.context["page"]) == {theirs}
    assert response.context["counts"]["awaiting_office"] == 1
    townships = _select(html, "township")
    assert township.name in townships and personas.school_a.township.name not in townships
    matters = SupervisionMatter.objects.filter(county=county).count()
    assert _select(html, "matter").count("<option") == matters + 1

    # A township goes with its county; another county's township is refused, filtering nothing.
    chosen = client.get(board, {"county": county.code, "township": township.pk, "show": "all"})
    assert set(chosen.context["page"]) == {theirs}
    mixed = {"county": county.code, "township": personas.school_a.township_id, "show": "all"}
    refused = client.get(board, mixed)
    assert "township" in refused.context["form"].errors
    # A county outside the region is refused too.
    outside = client.get(board, {"county": personas.other_county.code})
    assert "county" in outside.context["form"].errors


def test_a_region_users_summary_asks_for_a_county_first(client, personas, neighbour):
    county, township, school = neighbour
    make_item(personas)
    make_item(personas, school=school)
    client.force_login(personas.region)
    summary = reverse("rectifications:summary")
    response = client.get(summary)
    html = response.content.decode()
    assert "请选择县区" in html and "townships" not in response.context
    assert _select(html, "county").count("<option") == 3

    response = client.get(summary, {"county": county.code})
    assert [row.name for row in response.context["townships"]] == [township.name]
    assert [row.name for row in response.context["page"]] == [school.name]
    # Its links open the board on the same county.
    html = response.content.decode()
    assert f"?county={county.code}&amp;township={township.pk}" in html
    board = client.get(reverse("rectifications:board"), {"county": county.code, "show": "all"})
    assert {item.school_id for item in board.context["page"]} == {school.pk}


def test_a_county_user_has_no_county_select(client, personas):
    client.force_login(personas.office)
    html = client.get(reverse("rectifications:board")).content.decode()
    assert 'name="county"' not in html
    assert personas.school_a.township.name in _select(html, "township")


def test_a_province_board_sends_at_most_200_options(client, personas):
    """A hundred counties of ten townships and the eight national matters each."""
    region = personas.region.region
    for n in range(100):
        county = factories.CountyFactory(code=f"64{n:04d}", name=f"县{n}", region=region)
        Township.objects.bulk_create(
            Township(county=county, name=f"乡镇{n}-{t}") for t in range(10)
        )
    assert Township.objects.for_user(personas.region).count() > 1000
    assert SupervisionMatter.objects.for_user(personas.region).count() > 800
    client.force_login(personas.region)
    html = client.get(reverse("rectifications:board")).content.decode()
    assert html.count("<option") <= 200
    chosen = client.get(reverse("rectifications:board"), {"county": "640007"})
    assert chosen.content.decode().count("<option") <= 200
    assert "乡镇7-3" in _select(chosen.content.decode(), "township")
    assert not RectificationItem.objects.exists()


def test_verification_is_overdue_from_the_day_after_each_countys_limit(personas):
    """Worked out by the database against each county's own limit, to the local midnight."""
    CountySettings.objects.filter(county=personas.county).update(verification_days=10)
    CountySettings.objects.filter(county=personas.other_county).update(verification_days=3)
    today = timezone.localdate()

    def reported(school, days_ago: int, at: datetime.time):
        actor = personas.office if school != personas.other_school else personas.other_office
        item = make_item(personas, school=school, actor=actor)
        moment = datetime.datetime.combine(today - datetime.timedelta(days=days_ago), at)
        RectificationItem.objects.filter(pk=item.pk).update(
            state=RectificationState.AWAITING_VERIFICATION,
            reported_done_at=timezone.make_aware(moment),
        )
        return item.pk

    last_second = datetime.time(23, 59, 59)
    late = {
        reported(personas.school_a, 11, last_second),
        reported(personas.other_school, 4, last_second),
        reported(personas.other_school, 10, datetime.time.min),  # in time in the first county
    }
    in_time = {
        reported(personas.school_b, 10, datetime.time.min),
        reported(personas.other_school, 3, datetime.time.min),
    }
    overdue = set(
        RectificationItem.objects.verification_overdue(today).values_list("pk", flat=True)
    )
    assert overdue == late
    rows = RectificationItem.objects.with_listing(today).in_bulk()
    assert {pk for pk, item in rows.items() if item.is_verification_overdue} == late
    # The item page's date agrees: the last day in time is the limit's day.
    for pk in in_time:
        item = RectificationItem.objects.select_related("county__settings").get(pk=pk)
        assert item.verification_due_on(item.county.settings) >= today


def test_the_board_lists_overdue_then_the_schools_moves_then_checks_then_closed(client, personas):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    late = make_item(personas, deadline=today - 2 * day)
    later = make_item(personas, deadline=today - day)
    due_today = make_item(personas, deadline=today)
    awaiting = make_item(personas, deadline=today - 3 * day)
    closed = make_item(personas, deadline=today - 4 * day)
    RectificationItem.objects.filter(pk=awaiting.pk).update(
        state=RectificationState.AWAITING_VERIFICATION, reported_done_at=timezone.now()
    )
    RectificationItem.objects.filter(pk=closed.pk).update(
        state=RectificationState.CLOSED, closed_at=timezone.now()
    )
    client.force_login(personas.office)
    listed = client.get(reverse("rectifications:board"), {"show": "all"}).context["page"]
    assert list(listed) == [late, later, due_today, awaiting, closed]


def _queries(client, path, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return len(captured)


def _grow(personas, office, n: int):
    """``n`` more schools in ``office``'s county, each with an overdue item, one escalated."""
    today = timezone.localdate()
    for i in range(n):
        school = factories.SchoolFactory(county=office.county)
        item = make_item(
            personas, school=school, actor=office, deadline=today - datetime.timedelta(1)
        )
        if i == 0:
            item.escalate(office, "bureau", "需要教育局协调")


def test_a_region_users_board_counts_are_kept_and_counted_again_on_request(
    client, personas, neighbour
):
    """A region user acts on no item: the counts above the province's board are figures, kept
    for the counties' minutes with the time counted; the list itself stays live."""
    county, township, school = neighbour
    overdue = timezone.localdate() - datetime.timedelta(days=1)
    make_item(personas, deadline=overdue)
    client.force_login(personas.region)
    board = reverse("rectifications:board")
    first = client.get(board)
    assert first.context["counts"]["awaiting_office"] == 1
    assert "每 10 分钟重新统计" in first.content.decode()

    later = make_item(personas, school=school, deadline=overdue)
    kept = client.get(board)
    assert kept.context["counts"]["awaiting_office"] == 1
    assert later in kept.context["page"]  # the list is read live
    assert client.get(board, {"fresh": "1"}).context["counts"]["awaiting_office"] == 2
    assert client.get(board).context["counts"]["awaiting_office"] == 2
    # Other filters have their own counts.
    assert client.get(board, {"county": county.code}).context["counts"]["awaiting_office"] == 1


def test_the_offices_board_counts_are_live(client, personas):
    client.force_login(personas.office)
    board = reverse("rectifications:board")
    overdue = timezone.localdate() - datetime.timedelta(days=1)
    make_item(personas, deadline=overdue)
    assert client.get(board).context["counts"]["awaiting_office"] == 1
    make_item(personas, deadline=overdue)
    response = client.get(board)
    assert response.context["counts"]["awaiting_office"] == 2
    assert "统计于" not in response.content.decode()


@pytest.mark.parametrize(
    ("user", "path", "params"),
    [
        ("office", "rectifications:board", {}),
        ("office", "rectifications:board", {"show": "all", "page": "2"}),
        # The summary's figures are kept for minutes (dudao.snapshots): counted afresh here.
        ("office", "rectifications:summary", {"fresh": "1"}),
        # A region user's counts are kept for minutes (dudao.snapshots): counted afresh here.
        ("region", "rectifications:board", {"fresh": "1"}),
        ("region", "rectifications:board", {"county": "630122", "show": "all", "fresh": "1"}),
        ("region", "rectifications:summary", {}),
        ("region", "rectifications:summary", {"county": "630122", "fresh": "1"}),
    ],
)
def test_board_and_summary_queries_do_not_grow_with_the_counties_or_items(
    client, personas, neighbour, user, path, params
):
    client.force_login(getattr(personas, user))
    _grow(personas, personas.office, 1)  # an empty list would skip reading its rows
    few = _queries(client, reverse(path), **params)
    _grow(personas, personas.office, 60)  # more than a page of the board
    neighbours_office = factories.UserFactory(
        username="office2", county=neighbour[0], role="office"
    )
    _grow(personas, neighbours_office, 5)
    assert _queries(client, reverse(path), **params) == few <= 20


def test_an_inspectors_list_keeps_its_queries_and_its_scope_with_more_schools(client, personas):
    inspector = personas.inspector
    theirs = make_item(personas, school=personas.school_b)
    responsible = make_item(personas, responsible_inspector=inspector)  # school A: not assigned
    make_item(personas)  # neither assigned nor responsible
    client.force_login(personas.inspector_user)
    mine = reverse("rectifications:my_items")
    few = _queries(client, mine)
    assert set(client.get(mine).context["page"]) == {theirs, responsible}
    for i in range(12):
        school = factories.SchoolFactory(county=personas.county, name=f"分配学校{i}")
        factories.AssignmentFactory(inspector=inspector, school=school)
        make_item(personas, school=school)
    assert _queries(client, mine) == few
    assert len(client.get(mine).context["page"]) == 14
