"""The registry pages: lists (search, filters, constant queries), forms and their errors."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from inspectors.models import Assignment, Inspector, InspectorKind, InspectorStatus
from meetings.models import CommitteeMember, CommitteeRole
from schools.models import School, SchoolKind
from tests import factories

pytestmark = pytest.mark.django_db


def png_upload(name="photo.png", size=(60, 80)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def names_on(response) -> list[str]:
    return [item.name for item in response.context["page"].object_list]


@pytest.fixture
def office_client(client, personas):
    client.force_login(personas.office)
    return client


# School list ---------------------------------------------------------------------------------


def test_school_list_searches_name_and_code(office_client, personas):
    url = reverse("schools:school_list")
    assert names_on(office_client.get(url, {"q": "第二"})) == ["鲁沙尔镇第二小学"]
    code = personas.school_a.code
    # full-width digits typed on a Chinese keyboard still find the school
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code[:6])
    assert names_on(office_client.get(url, {"q": full_width})) == [
        "鲁沙尔镇中心学校",
        "鲁沙尔镇第二小学",
    ]
    assert names_on(office_client.get(url, {"q": code})) == ["鲁沙尔镇中心学校"]
    # the other county's school never shows
    assert "河滨小学" not in names_on(office_client.get(url))


def test_school_list_filters_township_kind_and_coverage(office_client, personas):
    county = personas.county
    other_town = factories.TownshipFactory(county=county, name="多巴镇")
    kindergarten = factories.SchoolFactory(
        county=county, township=other_town, kind=SchoolKind.KINDERGARTEN, name="多巴镇幼儿园"
    )
    central = factories.SchoolFactory(
        county=county, township=other_town, is_central=True, name="多巴镇中心学校"
    )
    factories.AssignmentFactory(inspector=personas.inspector, school=central)
    url = reverse("schools:school_list")
    assert names_on(office_client.get(url, {"township": other_town.pk})) == [
        "多巴镇中心学校",
        "多巴镇幼儿园",
    ]
    assert names_on(office_client.get(url, {"kind": SchoolKind.KINDERGARTEN})) == [
        kindergarten.name
    ]
    assert names_on(office_client.get(url, {"coverage": "uncovered"})) == [
        "多巴镇幼儿园",
        "鲁沙尔镇中心学校",
    ]
    assert names_on(office_client.get(url, {"coverage": "covered"})) == [
        "多巴镇中心学校",
        "鲁沙尔镇第二小学",
    ]
    assert names_on(office_client.get(url, {"coverage": "under_minimum"})) == ["多巴镇中心学校"]


def test_school_list_empty_states(office_client, personas):
    response = office_client.get(reverse("schools:school_list"), {"q": "没有这所学校"})
    assert "没有符合筛选条件的学校" in response.content.decode()


def test_school_list_paginates(office_client, personas):
    factories.SchoolFactory.create_batch(30, county=personas.county)
    first = office_client.get(reverse("schools:school_list"))
    assert len(first.context["page"].object_list) == 25
    second = office_client.get(reverse("schools:school_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 7


def test_page_links_keep_the_filters(office_client, personas):
    township = factories.TownshipFactory(county=personas.county, name="多巴镇")
    factories.SchoolFactory.create_batch(30, county=personas.county, township=township)
    response = office_client.get(
        reverse("schools:school_list"), {"township": township.pk, "page": 2}
    )
    html = response.content.decode()
    assert f'href="?township={township.pk}&amp;page=1"' in html
    assert "第 26–30 条，共 30 条" in html
    assert len(response.context["page"].object_list) == 5


@pytest.mark.parametrize("role", ["office", "inspector"])
def test_school_list_queries_do_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, role
):
    county = personas.county
    client.force_login(getattr(personas, "inspector_user" if role == "inspector" else "office"))

    def add_schools(count):
        # central schools too: their badge compares with the county's minimum
        for school in factories.SchoolFactory.create_batch(count, county=county, is_central=True):
            factories.AssignmentFactory(
                inspector=factories.InspectorFactory(county=county), school=school
            )

    add_schools(3)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("schools:school_list"))
    add_schools(27)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("schools:school_list"), {"coverage": "covered"})


# School detail and edit ------------------------------------------------------------------------


def test_school_detail_shows_current_and_past_inspectors(office_client, personas):
    school = personas.school_b
    former = factories.InspectorFactory(county=personas.county, name="前任督学")
    factories.AssignmentFactory(inspector=former, school=school, ended_on=datetime.date(2025, 1, 1))
    factories.SchoolFactory(
        county=personas.county, township=school.township, name="下属村小", central_school=None
    )
    page = office_client.get(reverse("schools:school_detail", args=[school.pk])).content.decode()
    assert "李督学" in page and "前任督学" in page
    assert "2024年9月1日 – 2025年1月1日" in page
    assert reverse("schools:school_edit", args=[school.pk]) in page


def test_principal_sees_own_school_read_only(client, personas):
    client.force_login(personas.principal)
    response = client.get(reverse("schools:school_detail", args=[personas.school_a.pk]))
    assert response.status_code == 200
    assert reverse("schools:school_edit", args=[personas.school_a.pk]) not in (
        response.content.decode()
    )
    other = client.get(reverse("schools:school_detail", args=[personas.school_b.pk]))
    assert other.status_code == 404


def test_create_school_in_own_county(office_client, personas):
    township = personas.school_a.township
    response = office_client.post(
        reverse("schools:school_create"),
        {
            "code": "２１６３ ０９９９９９",
            "name": "鲁沙尔镇第三小学",
            "kind": SchoolKind.PRIMARY,
            "is_public": "on",
            "is_active": "on",
            "township": township.pk,
            "students": 120,
            "teachers": 11,
        },
    )
    school = School.objects.get(name="鲁沙尔镇第三小学")
    assert response.status_code == 302
    assert school.code == "2163099999"
    assert school.county == personas.county


def test_school_form_errors_are_chinese(office_client, personas):
    school = personas.school_b
    response = office_client.post(
        reverse("schools:school_edit", args=[school.pk]),
        {
            "code": personas.other_school.code,
            "name": personas.school_a.name,
            "kind": SchoolKind.PRIMARY,
            "township": school.township.pk,
            "central_school": personas.school_a.pk,
            "students": -1,
            "teachers": 3,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["code"] == ["已有学校使用此学校标识码。"]
    assert errors["name"] == ["本县已有名为鲁沙尔镇中心学校的学校。"]
    # school_a is not a central school; another county's central school is not even a choice
    assert "central_school" in errors
    assert "students" in errors


def test_school_edit_refuses_other_counties_townships(office_client, personas):
    foreign = factories.TownshipFactory(county=personas.other_county)
    response = office_client.post(
        reverse("schools:school_edit", args=[personas.school_b.pk]),
        {"code": personas.school_b.code, "name": "X", "kind": "primary", "township": foreign.pk},
    )
    assert "township" in response.context["form"].errors


# Inspectors ------------------------------------------------------------------------------------


def test_inspector_list_search_and_filters(office_client, personas):
    county = personas.county
    factories.InspectorFactory(
        county=county, name="马特聘", kind=InspectorKind.SPECIAL, certificate_no="QH-2024-017"
    )
    factories.InspectorFactory(
        county=county, name="韩离任", status=InspectorStatus.LEFT, phone="138-0000-7777"
    )
    url = reverse("inspectors:inspector_list")
    assert names_on(office_client.get(url, {"q": "QH-2024"})) == ["马特聘"]
    assert names_on(office_client.get(url, {"q": "7777"})) == ["韩离任"]
    assert names_on(office_client.get(url, {"kind": InspectorKind.SPECIAL})) == ["马特聘"]
    assert names_on(office_client.get(url, {"status": InspectorStatus.LEFT})) == ["韩离任"]
    assert "周督学" not in names_on(office_client.get(url))


def test_inspector_list_shows_load_against_the_county_limit(office_client, personas):
    for school in factories.SchoolFactory.create_batch(6, county=personas.county):
        factories.AssignmentFactory(inspector=personas.inspector, school=school)
    response = office_client.get(reverse("inspectors:inspector_list"))
    [row] = response.context["page"].object_list
    assert (row.load, row.load_limit) == (7, 5)
    assert "7 / 5" in response.content.decode()


def test_inspector_list_queries_do_not_grow_with_rows(
    office_client, personas, django_assert_max_num_queries
):
    def add_inspectors(count):
        for inspector in factories.InspectorFactory.create_batch(count, county=personas.county):
            factories.AssignmentFactory(inspector=inspector)

    add_inspectors(4)
    with django_assert_max_num_queries(10) as few:
        office_client.get(reverse("inspectors:inspector_list"))
    add_inspectors(26)
    with django_assert_max_num_queries(len(few)):
        office_client.get(reverse("inspectors:inspector_list"), {"q": "督学"})


def test_create_inspector_with_photo_and_see_it(office_client, personas):
    response = office_client.post(
        reverse("inspectors:inspector_create"), factories.inspector_form_data(photo=png_upload())
    )
    inspector = Inspector.objects.get(name="祁督学")
    assert response.status_code == 302
    assert inspector.county == personas.county and inspector.photo
    photo = office_client.get(reverse("inspectors:inspector_photo", args=[inspector.pk]))
    # Kept as a fresh JPEG of its pixels, like visit photos (tests/test_hostile_files.py).
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_inspector_photo_must_be_an_image(office_client, personas):
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    response = office_client.post(
        reverse("inspectors:inspector_create"), factories.inspector_form_data(photo=fake)
    )
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert "图片" in response.context["form"].errors["photo"][0]


def test_inspector_form_errors_are_chinese(office_client, personas):
    matter = personas.county.supervision_matters.first()
    # Stored as its digits, as the form, the import and the data migration store phones.
    Inspector.objects.filter(pk=personas.inspector.pk).update(
        phone=personas.inspector.phone.replace("-", "")
    )
    response = office_client.post(
        reverse("inspectors:inspector_create"),
        factories.inspector_form_data(
            phone=personas.inspector.phone,
            term_ends_on="2020-01-01",
            themes=[matter.pk],
        ),
    )
    errors = response.context["form"].errors
    assert errors["phone"] == ["本县已有督学使用此电话号码。"]
    assert errors["term_ends_on"] == ["任期结束日期不能早于聘任日期。"]
    assert errors["themes"] == ["只有特聘督学负责全县的专项主题。"]


def test_special_inspector_keeps_themes_and_cannot_keep_schools(office_client, personas):
    matter = personas.county.supervision_matters.get(number=6)
    response = office_client.post(
        reverse("inspectors:inspector_edit", args=[personas.inspector.pk]),
        factories.inspector_form_data(
            kind=InspectorKind.SPECIAL, themes=[matter.pk], phone="138-0000-5502"
        ),
    )
    assert "kind" in response.context["form"].errors  # still covers school_b
    response = office_client.post(
        reverse("inspectors:inspector_create"),
        factories.inspector_form_data(
            kind=InspectorKind.SPECIAL, themes=[matter.pk], name="公安特聘督学"
        ),
    )
    special = Inspector.objects.get(name="公安特聘督学")
    page = office_client.get(reverse("inspectors:inspector_detail", args=[special.pk]))
    assert "校园及周边安全" in page.content.decode()


def test_inspector_who_leaves_hands_back_schools(office_client, personas):
    inspector = personas.inspector
    response = office_client.post(
        reverse("inspectors:inspector_edit", args=[inspector.pk]),
        factories.inspector_form_data(
            name=inspector.name, phone=inspector.phone, status=InspectorStatus.LEFT
        ),
    )
    assert response.status_code == 302
    [assignment] = inspector.assignments.all()
    assert assignment.ended_on == timezone.localdate()


# Assignments -----------------------------------------------------------------------------------


def test_assignment_form_is_prefilled_from_the_school(office_client, personas):
    url = reverse("inspectors:assignment_create")
    response = office_client.get(url, {"school": personas.school_a.pk})
    assert response.context["form"]["school"].value() == str(personas.school_a.pk)


def test_assign_and_end_keeps_history(office_client, personas):
    url = f"{reverse('inspectors:assignment_create')}?school={personas.school_a.pk}"
    response = office_client.post(
        url,
        {
            "school": personas.school_a.pk,
            "inspector": personas.inspector.pk,
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:school_detail", args=[personas.school_a.pk])
    assignment = Assignment.objects.get(school=personas.school_a)

    end_url = reverse("inspectors:assignment_end", args=[assignment.pk])
    too_early = office_client.post(end_url, {"ended_on": "2025-12-31"})
    assert too_early.context["form"].errors["ended_on"] == ["结束日期不能早于开始日期。"]
    future = timezone.localdate() + datetime.timedelta(days=3)
    assert "ended_on" in office_client.post(end_url, {"ended_on": future}).context["form"].errors
    done = office_client.post(end_url, {"ended_on": "2026-02-01", "note": "定期交流"})
    assert done.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == datetime.date(2026, 2, 1) and assignment.note == "定期交流"
    # ended assignments are history: they cannot be ended again
    assert office_client.get(end_url).status_code == 404


def test_assignment_rules_show_as_form_errors(office_client, personas):
    url = reverse("inspectors:assignment_create")
    duplicate = office_client.post(
        url,
        {
            "school": personas.school_b.pk,
            "inspector": personas.inspector.pk,
            "started_on": "2026-01-05",
        },
    )
    assert "已经负责" in duplicate.context["form"].errors["inspector"][0]
    teacher = factories.InspectorFactory(county=personas.county, employer_school=personas.school_a)
    recusal = office_client.post(
        url, {"school": personas.school_a.pk, "inspector": teacher.pk, "started_on": "2026-01-05"}
    )
    assert "回避" in recusal.context["form"].errors["school"][0]
    special = factories.InspectorFactory(county=personas.county, kind=InspectorKind.SPECIAL)
    not_listed = office_client.post(
        url, {"school": personas.school_a.pk, "inspector": special.pk, "started_on": "2026-01-05"}
    )
    assert "inspector" in not_listed.context["form"].errors
    foreign = office_client.post(
        url,
        {
            "school": personas.other_school.pk,
            "inspector": personas.inspector.pk,
            "started_on": "2026-01-05",
        },
    )
    assert "school" in foreign.context["form"].errors


def test_rotation_ends_then_asks_for_the_successor(office_client, personas):
    assignment = personas.inspector.assignments.get()
    url = f"{reverse('inspectors:assignment_end', args=[assignment.pk])}?rotate=1"
    response = office_client.post(url, {"ended_on": timezone.localdate()})
    assert response["Location"] == (
        f"{reverse('inspectors:assignment_create')}?school={personas.school_b.pk}"
    )


# County settings and committee --------------------------------------------------------------


def test_office_edits_county_settings(office_client, personas):
    settings = personas.county.settings
    url = reverse("schools:county_settings")
    response = office_client.post(
        url,
        factories.county_settings_form_data(
            settings, school_load_per_inspector=6, holiday_months=[1, 2, 7, 8]
        ),
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.school_load_per_inspector == 6
    assert settings.holiday_months == [1, 2, 7, 8]


def test_county_settings_errors_are_chinese(office_client, personas):
    response = office_client.post(
        reverse("schools:county_settings"),
        factories.county_settings_form_data(
            personas.county.settings, school_load_per_inspector=0, holiday_months=range(1, 13)
        ),
    )
    errors = response.context["form"].errors
    assert errors["holiday_months"] == ["一年中至少要有一个月有课。"]
    assert errors["school_load_per_inspector"] == ["确保该值大于或等于1。"]


def test_committee_reads_settings_but_cannot_change_them(client, personas):
    client.force_login(personas.committee)
    url = reverse("schools:county_settings")
    response = client.get(url)
    assert response.status_code == 200
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert (
        client.post(url, factories.county_settings_form_data(personas.county.settings)).status_code
        == 403
    )


def test_committee_page_groups_members_and_ends_terms(office_client, personas):
    county = personas.county
    chair = factories.CommitteeMemberFactory(county=county, role=CommitteeRole.CHAIR, name="副县长")
    factories.CommitteeMemberFactory(
        county=county, role=CommitteeRole.VICE_CHAIR, name="教育局局长"
    )
    factories.CommitteeMemberFactory(
        county=county, name="前委员", term_ends_on=datetime.date(2025, 1, 1)
    )
    response = office_client.get(reverse("meetings:committee"))
    labels = [str(label) for label, _members in response.context["groups"]]
    assert labels == ["主任", "副主任"]
    assert [m.name for m in response.context["former"]] == ["前委员"]

    end_url = reverse("meetings:member_end", args=[chair.pk])
    early = office_client.post(end_url, {"term_ends_on": "2023-12-31"})
    assert early.context["form"].errors["term_ends_on"] == ["任期结束日期不能早于开始日期。"]
    assert office_client.post(end_url, {"term_ends_on": "2026-01-31"}).status_code == 302
    chair.refresh_from_db()
    assert chair.term_ends_on == datetime.date(2026, 1, 31)


def test_office_adds_a_committee_member(office_client, personas):
    response = office_client.post(
        reverse("meetings:member_create"),
        {
            "name": "王委员",
            "role": CommitteeRole.MEMBER,
            "organisation": "县公安局",
            "term_starts_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assert CommitteeMember.objects.get(name="王委员").county == personas.county


def test_another_countys_office_gets_404_for_this_countys_records(client, personas):
    member = factories.CommitteeMemberFactory(county=personas.county)
    assignment = personas.inspector.assignments.get()
    client.force_login(personas.other_office)
    urls = [
        reverse("schools:school_detail", args=[personas.school_a.pk]),
        reverse("schools:school_edit", args=[personas.school_a.pk]),
        reverse("inspectors:inspector_detail", args=[personas.inspector.pk]),
        reverse("inspectors:inspector_edit", args=[personas.inspector.pk]),
        reverse("inspectors:inspector_photo", args=[personas.inspector.pk]),
        reverse("inspectors:assignment_end", args=[assignment.pk]),
        reverse("meetings:member_edit", args=[member.pk]),
        reverse("meetings:member_end", args=[member.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # nor can it assign this county's inspector to its own school
    response = client.post(
        reverse("inspectors:assignment_create"),
        {
            "school": personas.other_school.pk,
            "inspector": personas.inspector.pk,
            "started_on": "2026-01-05",
        },
    )
    assert "inspector" in response.context["form"].errors
