"""Long lists never become long selects, and pages do not slow down as the county grows.

A county with more than 200 schools, inspectors and logins: no page of the URL-by-role table
sends more than 200 ``<option>`` elements to any role (a 5,000-school import once made the visit
list's school filter 2.2 MB); schools and people are found by a find box instead, answered by the
same page (dudao/pickers.py); and the main lists run as many queries as for a small county.
"""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from dudao.pickers import MAX_OPTIONS
from inspectors.models import Assignment, Inspector
from schools.models import School
from tests import factories
from tests.factories_rectifications import make_item
from tests.factories_visits import submitted_visit
from tests.test_url_matrix import CASES

pytestmark = pytest.mark.django_db

MANY = MAX_OPTIONS + 5
OPTION = re.compile(r"<option\b")
# Django's own permission pickers list its fixed catalogue of permissions (four per model), not
# county data; the project grants access by role, not by these.
PERMISSION_SELECT = re.compile(r'<select[^>]*name="(?:user_)?permissions".*?</select>', re.DOTALL)


def grow(personas, count: int = MANY, start: int = 0):
    """``count`` more central schools in school A's township (so even that township lists more
    than fit a select), inspectors covering them, their principals' logins, visits and items."""
    county, township = personas.county, personas.school_a.township
    schools = School.objects.bulk_create(
        School(
            county=county,
            township=township,
            code=f"{2163100000 + n:010d}",
            name=f"大县第{n}小学",
            kind="primary",
            is_central=True,
            students=100,
            teachers=10,
        )
        for n in range(start, start + count)
    )
    inspectors = Inspector.objects.bulk_create(
        Inspector(
            county=county,
            name=f"大县督学{n}",
            kind="part_time",
            phone=f"1390000{n:04d}",
            appointed_on=datetime.date(2024, 9, 1),
            term_ends_on=datetime.date(2027, 8, 31),
        )
        for n in range(start, start + count)
    )
    Assignment.objects.bulk_create(
        Assignment(inspector=inspector, school=school, started_on=datetime.date(2024, 9, 1))
        for school, inspector in zip(schools, inspectors, strict=True)
    )
    User.objects.bulk_create(
        User(username=f"big{n}", county=county, role=Role.COMMITTEE, display_name=f"委员{n}")
        for n in range(start, start + count)
    )
    for school, inspector in list(zip(schools, inspectors, strict=True))[:30]:
        submitted_visit(school=school, inspector=inspector, created_by=personas.office)
        make_item(personas, school=school, responsible_inspector=inspector)
    return schools


GET_CASES = sorted(
    name
    for name, case in CASES.items()
    if case is not None and case.method == "get" and case.ok_status == 200
)


@pytest.mark.parametrize("name", GET_CASES)
def test_no_page_sends_more_than_200_options(client, personas, name):
    grow(personas)
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(personas))
    too_long = {}
    for role, user in personas.by_role().items():
        if user is None or role not in case.allowed:
            continue
        client.force_login(user)
        response = client.get(url)
        if "text/html" in response.get("Content-Type", ""):
            options = len(OPTION.findall(response.content.decode()))
            if options > MAX_OPTIONS:
                too_long[role] = options
    assert not too_long, f"{name} sends more than {MAX_OPTIONS} options to: {too_long}"


def _pick(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_long_school_list_is_searched_by_the_page_itself(client, personas):
    schools = grow(personas)
    client.force_login(personas.office)
    url = reverse("inspectors:assignment_create")
    page = client.get(url).content.decode()
    assert 'name="school_find"' in page and 'name="inspector_find"' in page
    assert len(OPTION.findall(page)) <= 4  # the empty choices and the chosen ones only

    found = _pick(client, url, pick="school", term=schools[7].code)
    assert [row["id"] for row in found["results"]] == [str(schools[7].pk)]
    assert schools[7].name in found["results"][0]["text"]
    by_name = _pick(client, url, pick="school", term="大县第")
    assert len(by_name["results"]) == 50 and by_name["more"]
    # Only what the form accepts: another county's school is never found.
    assert _pick(client, url, pick="school", term=personas.other_school.code)["results"] == []
    people = _pick(
        client, url, pick="inspector", term="１３９００００００１２"
    )  # full-width digits
    assert [row["id"] for row in people["results"]] == [
        str(Inspector.objects.get(phone="13900000012").pk)
    ]
    assert client.get(url, {"pick": "note", "term": "x"}).status_code == 404


def test_without_javascript_find_lists_matches_and_never_saves(client, personas):
    schools = grow(personas)
    inspector = Inspector.objects.get(name="大县督学3")
    client.force_login(personas.office)
    url = reverse("inspectors:assignment_create")
    data = {
        "school": schools[0].pk,  # chosen before: a new search must not save it
        "school_find": schools[9].code,
        "inspector": inspector.pk,
        "started_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "请在现已列出的结果中选择一项" in page
    assert f'<option value="{schools[9].pk}">' in page
    assert not schools[9].assignments.filter(inspector=inspector).exists()

    data.update(school=schools[9].pk, school_found=schools[9].code)
    response = client.post(url, data)
    assert response.status_code == 302
    assert schools[9].assignments.filter(inspector=inspector).exists()


def test_a_township_narrows_a_school_picker(client, personas):
    grow(personas)
    other_township = factories.TownshipFactory(county=personas.county, name="多巴镇")
    in_other = factories.SchoolFactory(
        county=personas.county, township=other_township, name="多巴镇大县第1小学", is_central=True
    )
    client.force_login(personas.office)
    url = reverse("schools:school_create")
    found = _pick(
        client, url, pick="central_school", term="大县第1小学", township=other_township.pk
    )
    # The school form's own township does not narrow its central school.
    assert str(in_other.pk) in [row["id"] for row in found["results"]]
    assert len(found["results"]) > 1


def test_filters_find_schools_and_inspectors_by_text(client, personas):
    schools = grow(personas)
    client.force_login(personas.office)
    visits = client.get(reverse("visits:visit_list"), {"school": schools[3].code})
    assert {visit.school_id for visit in visits.context["page"].object_list} == {schools[3].pk}
    board = client.get(reverse("rectifications:board"), {"inspector": "大县督学4"})
    names = {item.responsible_inspector.name for item in board.context["page"].object_list}
    assert names == {"大县督学4"} | ({"大县督学40"} & names)


MAIN_LISTS = [
    ("home", "office"),
    ("home", "inspector_user"),
    ("home", "principal"),
    ("schools:school_list", "office"),
    ("schools:coverage", "office"),
    ("inspectors:inspector_list", "office"),
    ("visits:visit_list", "office"),
    ("visits:visit_list", "inspector_user"),
    ("visits:visit_new", "office"),
    ("rectifications:board", "office"),
    ("rectifications:my_items", "inspector_user"),
    ("rectifications:our_items", "principal"),
    ("rectifications:notice_list", "office"),
    ("accounts:user_list", "office"),
    ("accounts:create_principal_login", "office"),
    ("inspectors:assignment_create", "office"),
    ("rectifications:create", "office"),
    ("meetings:committee", "office"),
]


@pytest.mark.parametrize(("name", "role"), MAIN_LISTS, ids=[f"{n}-{r}" for n, r in MAIN_LISTS])
def test_query_counts_do_not_grow_with_the_county(
    client, personas, django_assert_max_num_queries, name, role
):
    client.force_login(getattr(personas, role))
    url = reverse(name)
    # Already more than a page or a coverage list holds, so both sizes show full pages.
    grow(personas, count=60)
    with django_assert_max_num_queries(60) as small:
        assert client.get(url).status_code == 200
    grow(personas, count=MANY, start=1000)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_find_box_fills_the_select_as_one_types(browser, live_server, personas):
    from playwright.sync_api import expect

    from tests.e2e import login

    schools = grow(personas)
    inspector = Inspector.objects.get(name="大县督学5")
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, "office")
    page.goto(live_server.url + reverse("inspectors:assignment_create"))
    page.fill("input[name=school_find]", schools[11].code)
    expect(page.locator(f"#id_school option[value='{schools[11].pk}']")).to_have_count(1)
    page.select_option("#id_school", str(schools[11].pk))
    page.fill("input[name=inspector_find]", "大县督学5")
    expect(page.locator(f"#id_inspector option[value='{inspector.pk}']")).to_have_count(1)
    page.select_option("#id_inspector", str(inspector.pk))
    with page.expect_navigation():
        page.click("form [type=submit][name=save]")
    assert schools[11].assignments.filter(inspector=inspector).exists()
    context.close()


def test_no_admin_page_sends_more_than_200_options(client, personas):
    from django.contrib import admin

    grow(personas)
    client.force_login(personas.superuser)
    too_long = {}
    for model in admin.site._registry:
        names = [
            f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
            for view in ("add", "changelist")
        ]
        urls = [reverse(name) for name in names]
        first = model.objects.order_by("pk").first()
        if first is not None:
            meta = model._meta
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
        for url in urls:
            page = PERMISSION_SELECT.sub("", client.get(url).content.decode())
            options = len(OPTION.findall(page))
            if options > MAX_OPTIONS:
                too_long[url] = options
    assert not too_long, f"admin pages sending more than {MAX_OPTIONS} options: {too_long}"
