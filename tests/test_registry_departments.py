"""The county's departments (县直部门) on their own page: the office adds, edits, stops using and
deletes them (only when no record names them, after asking); the committee reads the list;
other counties' departments do not exist for the office."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import DecisionOwner
from meetings.services import DecisionOwnerChoice, add_decision
from schools.models import Department
from schools.services import delete_unused_department, department_uses
from tests.factories_meetings import department, past

pytestmark = pytest.mark.django_db

LIST = reverse("schools:department_list")


@pytest.fixture
def office(client, personas):
    client.force_login(personas.office)
    return client


def _decision_for(personas, owner: Department):
    meeting = past(personas)
    return add_decision(
        meeting=meeting,
        actor=personas.office,
        text="落实校园周边交通安全整治",
        owner=DecisionOwnerChoice(kind=DecisionOwner.DEPARTMENT, department=owner),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )


def test_the_office_adds_and_edits_a_department(office, personas):
    page = office.get(LIST).content.decode()
    assert "尚未登记县直部门" in page and "添加部门" in page
    response = office.post(
        reverse("schools:department_create"),
        {
            "name": " 县公安局 ",
            "contact_name": "赵警官",
            "contact_phone": "０９７１－２２２０１１０",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == LIST
    police = Department.objects.get()
    assert (police.county, police.name, police.contact_phone) == (
        personas.county,
        "县公安局",
        "0971-2220110",  # full-width digits as typed on a Chinese keyboard, stored plainly
    )
    listed = office.get(LIST).content.decode()
    assert "县公安局" in listed and "赵警官 · 0971-2220110" in listed

    edit = reverse("schools:department_edit", args=[police.pk])
    assert "编辑：县公安局" in office.get(edit).content.decode()
    office.post(edit, {"name": "县公安局交警大队", "contact_name": "", "contact_phone": ""})
    police.refresh_from_db()
    assert police.name == "县公安局交警大队" and not police.is_active  # the box left unticked


def test_bad_input_is_explained_and_nothing_is_saved(office, personas):
    department(personas, "县财政局")
    Department.objects.create(county=personas.other_county, name="县教育局")
    url = reverse("schools:department_create")
    duplicate = office.post(url, {"name": "县财政局", "is_active": "on"})
    assert "本县已有名为县财政局的部门" in duplicate.content.decode()
    bad_phone = office.post(url, {"name": "县卫健局", "contact_phone": "无", "is_active": "on"})
    assert bad_phone.context["form"].errors["contact_phone"]
    assert bad_phone.context["form"]["name"].value() == "县卫健局"  # what was typed stays
    # Another county's department of the same name is no clash.
    office.post(url, {"name": "县教育局", "is_active": "on"})
    assert Department.objects.filter(name="县教育局").count() == 2
    assert Department.objects.filter(county=personas.county).count() == 2


def test_stopping_and_resuming_use_changes_what_decisions_can_choose(office, personas):
    finance = department(personas, "县财政局")
    office.post(reverse("schools:department_set_active", args=[finance.pk]), {"active": "0"})
    finance.refresh_from_db()
    assert not finance.is_active
    listed = office.get(LIST)
    assert "已停用" in listed.content.decode()
    meeting = past(personas)
    page = office.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    choices = page.context["decision_form"].fields["department"].queryset
    assert finance not in choices
    office.post(reverse("schools:department_set_active", args=[finance.pk]), {"active": "1"})
    finance.refresh_from_db()
    assert finance.is_active
    assert (
        office.get(reverse("schools:department_set_active", args=[finance.pk])).status_code == 405
    )


def test_an_unused_department_is_deleted_after_asking(office, personas):
    finance = department(personas, "县财政局")
    url = reverse("schools:department_delete", args=[finance.pk])
    asked = office.get(url).content.decode()
    assert "删除：县财政局" in asked and "删除后无法恢复" in asked
    assert Department.objects.filter(pk=finance.pk).exists()  # asking deletes nothing
    response = office.post(url)
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Department.objects.filter(pk=finance.pk).exists()


def test_a_department_a_decision_names_is_kept_and_can_be_set_aside(office, personas):
    finance = department(personas, "县财政局")
    _decision_for(personas, finance)
    assert department_uses(finance) == 1
    url = reverse("schools:department_delete", args=[finance.pk])
    page = office.get(url).content.decode()
    assert "已被 1 条记录" in page and "不能删除" in page and "停用" in page
    refused = office.post(url)
    assert refused.status_code == 409
    assert Department.objects.filter(pk=finance.pk).exists()
    # The service refuses too, whatever the page showed (the foreign key protects it).
    assert delete_unused_department(department=finance) is False
    assert Department.objects.filter(pk=finance.pk).exists()


def test_the_committee_reads_the_list_and_changes_nothing(client, personas):
    finance = department(personas, "县财政局")
    client.force_login(personas.committee)
    page = client.get(LIST).content.decode()
    assert "县财政局" in page and "添加部门" not in page and "停用" not in page
    for name in ("department_edit", "department_delete"):
        assert client.get(reverse(f"schools:{name}", args=[finance.pk])).status_code == 403
    set_active = reverse("schools:department_set_active", args=[finance.pk])
    assert client.post(set_active, {"active": "0"}).status_code == 403
    finance.refresh_from_db()
    assert finance.is_active


def test_another_countys_department_does_not_exist_for_the_office(client, personas):
    theirs = Department.objects.create(county=personas.other_county, name="区财政局")
    client.force_login(personas.office)
    assert "区财政局" not in client.get(LIST).content.decode()
    for name in ("department_edit", "department_delete"):
        assert client.get(reverse(f"schools:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("schools:department_delete", args=[theirs.pk]))
    assert response.status_code == 404 and Department.objects.filter(pk=theirs.pk).exists()


def test_the_list_costs_the_same_for_many_departments(
    office, personas, django_assert_max_num_queries
):
    for number in range(30):
        Department.objects.create(county=personas.county, name=f"部门{number:02d}")
    with django_assert_max_num_queries(12):
        response = office.get(LIST)
    assert response.context["page"].paginator.count == 30
    assert "部门24" in response.content.decode()  # the first page holds 25


def test_the_office_finds_it_in_the_management_menu(office, personas):
    page = office.get(reverse("home")).content.decode()
    assert f'href="{LIST}"' in page and "县直部门" in page
