"""The office's account pages: list, one-time passwords shown once, reset, deactivate, bulk
creation as a sheet, principal turnover; and the first-login password change."""

import datetime
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role, User
from schools.models import PrincipalTenure
from tests import factories
from tests.test_url_matrix import CASES

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:user_list")
ONE_TIME = reverse("accounts:one_time_passwords")


def _one_time_password(client, username: str) -> str:
    """Read the password off the result page, which forgets it afterwards."""
    response = client.get(ONE_TIME)
    logins = response.context["logins"]
    assert [login["username"] for login in logins] == [username]
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.get(ONE_TIME).context["logins"] == []
    return logins[0]["password"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_user_list_shows_own_county_without_superusers(client, personas):
    client.force_login(personas.office)
    response = client.get(LIST)
    shown = {user.username for user in response.context["page"]}
    assert shown == {"principal", "inspector", "office", "committee"}


def test_user_list_search_and_filters(client, personas):
    personas.committee.display_name = "孙主任"
    personas.committee.save()
    personas.inspector_user.is_active = False
    personas.inspector_user.save()
    personas.principal.must_change_password = True
    personas.principal.save()
    client.force_login(personas.office)

    def shown(**params):
        return {user.username for user in client.get(LIST, params).context["page"]}

    assert shown(q="孙") == {"committee"}
    assert shown(q="PRINC") == {"principal"}
    assert shown(role=Role.OFFICE) == {"office"}
    assert shown(status="inactive") == {"inspector"}
    assert shown(status="pending") == {"principal"}
    assert "inspector" not in shown(status="active")


def test_user_list_queries_stay_constant(client, personas, django_assert_max_num_queries):
    client.force_login(personas.office)
    client.get(LIST)  # warm the session and the content types

    def add_users(count):
        for _ in range(count):
            factories.UserFactory(
                county=personas.county,
                role=Role.INSPECTOR,
                inspector=factories.InspectorFactory(county=personas.county),
            )
            factories.UserFactory(
                county=personas.county,
                role=Role.PRINCIPAL,
                school=factories.SchoolFactory(county=personas.county),
            )

    add_users(2)
    with django_assert_max_num_queries(9) as few:
        assert client.get(LIST).status_code == 200
    add_users(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_create_inspector_login_shows_the_password_once(client, personas):
    inspector = factories.InspectorFactory(county=personas.county, phone="138-0000-5555")
    client.force_login(personas.office)
    url = reverse("accounts:create_inspector_login")
    form = client.get(url).context["form"]
    assert set(form.fields["inspector"].queryset) == {inspector}  # not the one with a login

    response = client.post(url, {"inspector": inspector.pk})
    assert response["Location"] == ONE_TIME
    password = _one_time_password(client, "i13800005555")

    client.logout()
    assert client.login(username="i13800005555", password=password)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_inspector_of_another_county_cannot_be_picked(client, personas):
    stranger = factories.InspectorFactory(county=personas.other_county)
    client.force_login(personas.office)
    response = client.post(reverse("accounts:create_inspector_login"), {"inspector": stranger.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["inspector"]
    assert not User.objects.filter(inspector=stranger).exists()


def test_create_principal_login(client, personas):
    client.force_login(personas.office)
    url = reverse("accounts:create_principal_login")
    assert set(client.get(url).context["form"].fields["school"].queryset) == {personas.school_b}
    response = client.post(url, {"school": personas.school_b.pk})
    assert response["Location"] == ONE_TIME
    _one_time_password(client, f"p{personas.school_b.code}")
    assert User.objects.get(school=personas.school_b).must_change_password


def test_office_creates_staff_of_its_own_county(client, personas):
    client.force_login(personas.office)
    response = client.post(
        reverse("accounts:create_staff_login"),
        {"role": Role.OFFICE, "display_name": "周老师", "phone": "138-0000-2468"},
    )
    assert response["Location"] == ONE_TIME
    user = User.objects.get(username="o13800002468")
    assert (user.county, user.role) == (personas.county, Role.OFFICE)


def test_superuser_picks_the_county_of_new_staff(client, personas):
    client.force_login(personas.superuser)
    data = {"role": Role.COMMITTEE, "display_name": "钱委员", "phone": "138-0000-1357"}
    response = client.post(reverse("accounts:create_staff_login"), data)
    assert response.context["form"].errors["county"]
    client.post(reverse("accounts:create_staff_login"), data | {"county": personas.other_county.pk})
    assert User.objects.get(username="c13800001357").county == personas.other_county


def test_reset_password(client, personas):
    client.force_login(personas.office)
    response = client.post(reverse("accounts:user_reset_password", args=[personas.principal.pk]))
    assert response["Location"] == ONE_TIME
    password = _one_time_password(client, "principal")
    client.logout()
    assert client.login(username="principal", password=password)


def test_reset_and_deactivate_need_post(client, personas):
    client.force_login(personas.office)
    for name in ("user_reset_password", "user_deactivate", "user_reactivate"):
        url = reverse(f"accounts:{name}", args=[personas.principal.pk])
        assert client.get(url).status_code == 405


def test_deactivate_and_reactivate(client, personas):
    client.force_login(personas.office)
    pk = personas.inspector_user.pk
    response = client.post(reverse("accounts:user_deactivate", args=[pk]))
    assert response["Location"] == reverse("accounts:user_detail", args=[pk])
    assert not client.login(username="inspector", password=factories.PASSWORD)

    client.force_login(personas.office)
    client.post(reverse("accounts:user_reactivate", args=[pk]))
    assert client.login(username="inspector", password=factories.PASSWORD)


def test_office_cannot_deactivate_itself(client, personas):
    client.force_login(personas.office)
    response = client.post(
        reverse("accounts:user_deactivate", args=[personas.office.pk]), follow=True
    )
    assert User.objects.get(pk=personas.office.pk).is_active
    assert [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    "name", ["user_detail", "user_reset_password", "user_deactivate", "user_reactivate"]
)
def test_office_cannot_manage_other_counties_or_superusers(client, personas, name):
    stranger = factories.UserFactory(county=personas.other_county, role=Role.INSPECTOR)
    method = "get" if name == "user_detail" else "post"
    for actor, target in [
        (personas.office, stranger),
        (personas.office, personas.superuser),
        (personas.superuser, personas.superuser),  # superusers are managed in the admin
    ]:
        client.force_login(actor)
        response = getattr(client, method)(reverse(f"accounts:{name}", args=[target.pk]))
        assert response.status_code == 404, (actor, target)
    assert User.objects.get(pk=stranger.pk).is_active


def test_bulk_creation_downloads_a_sheet_once(client, personas):
    factories.InspectorFactory(county=personas.county, name="=HYPERLINK(1)", phone="13800009999")
    factories.InspectorFactory(county=personas.other_county)  # not this office's
    client.force_login(personas.office)
    url = reverse("accounts:create_missing_logins")
    page = client.get(url)
    assert [i.name for i in page.context["inspectors"]] == ["=HYPERLINK(1)"]
    assert list(page.context["schools"]) == [personas.school_b]

    response = client.post(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 3
    by_username = {row[3]: row for row in rows[1:]}
    inspector_row = by_username["i13800009999"]
    assert inspector_row[0] == "=HYPERLINK(1)"  # as typed, in a quote-prefixed text cell
    name_cell = next(row[0] for row in sheet.iter_rows() if row[3].value == "i13800009999")
    assert name_cell.data_type == "s" and name_cell.quotePrefix
    assert client.login(username="i13800009999", password=inspector_row[4])
    assert f"p{personas.school_b.code}" in by_username

    client.force_login(personas.office)
    again = client.post(url)
    assert again["Location"] == LIST


def test_change_principal_page(client, personas):
    school = personas.school_a
    PrincipalTenure.objects.create(
        school=school, name="王校长", user=personas.principal, started_on=datetime.date(2020, 9, 1)
    )
    client.force_login(personas.principal)
    assert client.get(reverse("home")).context["my_school"] == school

    office = client_for(personas.office)
    url = reverse("accounts:change_principal", args=[school.pk])
    page = office.get(url)
    assert [t.name for t in page.context["tenures"]] == ["王校长"]
    response = office.post(
        url,
        {
            "name": "陈校长",
            "phone": "138-0000-3333",
            "started_on": "2025-03-01",
            "create_login": "on",
        },
    )
    assert response["Location"] == ONE_TIME
    new_username = f"p{school.code}"
    _one_time_password(office, new_username)
    assert [t.name for t in office.get(url).context["tenures"]] == ["陈校长", "王校长"]

    # The old principal's open session has lost the school at once ...
    school_page = reverse("schools:school_detail", args=[school.pk])
    assert client.get(school_page)["Location"].startswith(reverse("login"))
    old = User.objects.get(pk=personas.principal.pk)
    assert old.school is None and not old.is_active
    # ... and were the login switched on again by hand, the school would still be out of reach.
    User.objects.filter(pk=old.pk).update(is_active=True)
    client.force_login(old)
    assert client.get(school_page).status_code == 404


def test_change_principal_shows_errors_on_the_form(client, personas):
    PrincipalTenure.objects.create(
        school=personas.school_a, name="王校长", started_on=datetime.date(2024, 9, 1)
    )
    client.force_login(personas.office)
    url = reverse("accounts:change_principal", args=[personas.school_a.pk])
    response = client.post(url, {"name": "陈校长", "started_on": "2024-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["started_on"]


def test_change_principal_checks_the_phone_and_returns_to_the_school(client, personas):
    client.force_login(personas.office)
    url = reverse("accounts:change_principal", args=[personas.school_a.pk])
    refused = client.post(url, {"name": "陈校长", "phone": "abc", "started_on": "2025-03-01"})
    assert "不是电话号码" in refused.content.decode()
    assert refused.context["form"]["name"].value() == "陈校长"  # nothing typed is lost
    done = client.post(
        url, {"name": "陈校长", "phone": "１３８ 0000 3333", "started_on": "2025-03-01"}
    )
    assert done["Location"] == reverse("schools:school_detail", args=[personas.school_a.pk])
    personas.school_a.refresh_from_db()
    assert personas.school_a.principal_phone == "13800003333"


def test_first_login_must_change_password_everywhere(client, personas):
    """Every page but the password change (and logout) sends a one-time password holder there."""
    office = personas.office
    office.must_change_password = True
    office.save()
    client.force_login(office)
    free = {"password_change", "logout", "set_language", "healthz"}
    for name, case in CASES.items():
        if case is None or name in free:
            continue
        url = reverse(name, kwargs=case.kwargs(personas))
        response = getattr(client, case.method)(url)
        assert response.status_code == 302, name
        assert response["Location"] == reverse("password_change"), name
    assert client.get(reverse("admin:index"))["Location"] == reverse("password_change")

    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "my-own-Secret-42",
            "new_password2": "my-own-Secret-42",
        },
    )
    assert response["Location"] == reverse("home")
    office.refresh_from_db()
    assert not office.must_change_password
    assert client.get(reverse("home")).status_code == 200  # still logged in after the change
    assert client.get(LIST).status_code == 200


def test_home_cards_by_role(client, personas):
    client.force_login(personas.office)
    context = client.get(reverse("home")).context
    assert "accounts/home/logins.html" in context["cards"]
    assert context["schools_without_login"] == 1  # school_b
    client.force_login(personas.principal)
    cards = client.get(reverse("home")).context["cards"]
    assert "accounts/home/my_school.html" in cards
    assert "accounts/home/logins.html" not in cards


def test_user_admin_lists_searches_and_edits(client, personas):
    client.force_login(personas.superuser)
    changelist = reverse("admin:accounts_user_changelist")
    response = client.get(changelist, {"q": "principal", "role": Role.PRINCIPAL, "is_active": "1"})
    assert [user.username for user in response.context["cl"].result_list] == ["principal"]
    change = client.get(reverse("admin:accounts_user_change", args=[personas.principal.pk]))
    assert b'name="school"' in change.content
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200


def test_logout_wipes_what_the_browser_kept_for_offline_work(client, personas):
    client.force_login(personas.inspector_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_the_language_switch_is_kept_on_the_account(client, personas):
    client.force_login(personas.inspector_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    personas.inspector_user.refresh_from_db()
    assert personas.inspector_user.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    personas.inspector_user.refresh_from_db()
    assert personas.inspector_user.language == "en"  # an unknown language changes nothing


def test_a_logged_in_user_gets_their_language_on_a_new_browser(client, personas):
    personas.office.language = "en"
    personas.office.save()
    client.force_login(personas.office)
    assert "Welcome" in client.get(reverse("home")).content.decode()
    client.cookies["django_language"] = "zh-hans"  # this browser was switched back
    assert "欢迎" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("typed", ["１３８　0000 3333", "１３８　0000\u200b\t3333"])
def test_change_principal_cleans_the_phone_like_the_import(client, personas, typed):
    client.force_login(personas.office)
    url = reverse("accounts:change_principal", args=[personas.school_a.pk])
    response = client.post(url, {"name": "陈校长", "phone": typed, "started_on": "2025-03-01"})
    assert response.status_code == 302
    personas.school_a.refresh_from_db()
    assert personas.school_a.principal_phone == "13800003333"
