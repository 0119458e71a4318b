"""Account rules: one-time passwords, resets, deactivation, bulk logins, principal turnover."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Role, User
from schools.models import PrincipalTenure, School
from tests import factories

pytestmark = pytest.mark.django_db


def test_one_time_passwords_are_readable_and_random():
    passwords = {services.generate_one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == services.ONE_TIME_LENGTH
        assert not set(password) & set("0Oo1lI")


def test_one_time_password_uses_lighter_pbkdf2_and_is_rehashed_on_use(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    inspector = factories.InspectorFactory()
    user, password = services.create_inspector_login(inspector=inspector)
    assert user.password.startswith(f"pbkdf2_sha256${services.ONE_TIME_ITERATIONS}$")
    assert authenticate(username=user.username, password=password) == user
    user.refresh_from_db()
    assert not user.password.startswith(f"pbkdf2_sha256${services.ONE_TIME_ITERATIONS}$")


def test_inspector_login_is_named_after_the_phone():
    inspector = factories.InspectorFactory(phone="138-0000-4321", name="马督学")
    user, password = services.create_inspector_login(inspector=inspector)
    assert user.username == "i13800004321"
    assert (user.role, user.county, user.inspector) == (Role.INSPECTOR, inspector.county, inspector)
    assert user.display_name == "马督学"
    assert user.must_change_password
    assert authenticate(username="i13800004321", password=password) == user
    with pytest.raises(ValidationError):
        services.create_inspector_login(inspector=inspector)


def test_principal_login_is_named_after_the_school_code_and_joins_the_tenure():
    school = factories.SchoolFactory(code="6301220001", principal_name="赵校长")
    tenure = PrincipalTenure.objects.create(
        school=school, name="赵校长", started_on=datetime.date(2022, 9, 1)
    )
    user, _password = services.create_principal_login(school=school)
    assert user.username == "p6301220001"
    assert (user.role, user.school, user.display_name) == (Role.PRINCIPAL, school, "赵校长")
    tenure.refresh_from_db()
    assert tenure.user == user
    with pytest.raises(ValidationError):
        services.create_principal_login(school=school)


def test_staff_login_is_named_after_role_and_phone():
    county = factories.CountyFactory()
    user, _password = services.create_staff_login(
        county=county, role=Role.COMMITTEE, display_name="孙主任", phone="139 0000 1111"
    )
    assert user.username == "c13900001111"
    again, _password = services.create_staff_login(
        county=county, role=Role.COMMITTEE, display_name="孙主任", phone="139-0000-1111"
    )
    assert again.username == "c13900001111-2"


def test_create_logins_skips_those_that_have_one(personas):
    county = personas.county
    newcomer = factories.InspectorFactory(county=county)
    inspectors = [personas.inspector, newcomer]  # personas.inspector already has a login
    schools = [personas.school_a, personas.school_b]  # school_a has its principal
    created = services.create_logins(county=county, inspectors=inspectors, schools=schools)
    assert [user.inspector or user.school for user, _ in created] == [newcomer, personas.school_b]
    for user, password in created:
        assert authenticate(username=user.username, password=password) == user
    assert services.create_logins(county=county, inspectors=inspectors, schools=schools) == []


def test_create_logins_refuses_rows_of_another_county(personas):
    with pytest.raises(ValueError):
        services.create_logins(county=personas.county, schools=[personas.other_school])


def test_reset_password_issues_a_new_one_time_password(personas):
    user = personas.principal
    password = services.reset_password(user=user, actor=personas.office)
    user.refresh_from_db()
    assert user.must_change_password
    assert authenticate(username="principal", password=password) == user
    assert authenticate(username="principal", password=factories.PASSWORD) is None
    with pytest.raises(ValidationError):
        services.reset_password(user=personas.office, actor=personas.office)


def test_deactivated_account_cannot_log_in_and_its_session_ends(client, personas):
    user = personas.inspector_user
    client.force_login(user)
    services.set_active(user=user, active=False, actor=personas.office)
    assert authenticate(username="inspector", password=factories.PASSWORD) is None
    assert not client.login(username="inspector", password=factories.PASSWORD)
    assert client.get("/").status_code == 302  # the open session no longer authenticates
    services.set_active(user=user, active=True, actor=personas.office)
    assert client.login(username="inspector", password=factories.PASSWORD)
    with pytest.raises(ValidationError):
        services.set_active(user=personas.office, active=False, actor=personas.office)


def _turn_over(personas, **kwargs):
    school = personas.school_a
    PrincipalTenure.objects.create(
        school=school, name="王校长", user=personas.principal, started_on=datetime.date(2020, 9, 1)
    )
    defaults = {
        "school": school,
        "name": "陈校长",
        "phone": "138-0000-7777",
        "started_on": datetime.date(2025, 3, 1),
        "actor": personas.office,
    }
    return services.change_principal(**(defaults | kwargs))


def test_change_principal_ends_the_tenure_and_the_old_login(personas):
    tenure, password = _turn_over(personas, create_login=True)
    school = School.objects.get(pk=personas.school_a.pk)
    assert (school.principal_name, school.principal_phone) == ("陈校长", "138-0000-7777")
    old = User.objects.get(pk=personas.principal.pk)
    assert old.school is None and not old.is_active
    assert not School.objects.for_user(old).exists()
    history = list(school.principal_tenures.order_by("started_on"))
    assert [(t.name, t.ended_on) for t in history] == [
        ("王校长", datetime.date(2025, 3, 1)),
        ("陈校长", None),
    ]
    assert history[0].user == old  # the history keeps who was principal when
    assert tenure.user.school == school
    assert authenticate(username=tenure.user.username, password=password) == tenure.user


def test_the_next_principal_login_of_a_school_gets_a_suffix(personas):
    school = personas.school_b
    first, _password = services.create_principal_login(school=school)
    tenure, _password = services.change_principal(
        school=school,
        name="陈校长",
        create_login=True,
        started_on=datetime.date(2025, 3, 1),
        actor=personas.office,
    )
    assert (first.username, tenure.user.username) == (f"p{school.code}", f"p{school.code}-2")


def test_change_principal_without_login(personas):
    tenure, password = _turn_over(personas)
    assert tenure.user is None and password is None
    assert not User.objects.filter(school=personas.school_a).exists()


def test_change_principal_can_reuse_a_free_principal_login(personas):
    free = factories.UserFactory(county=personas.county, role=Role.PRINCIPAL, is_active=False)
    tenure, _password = _turn_over(personas, user=free)
    free.refresh_from_db()
    assert tenure.user == free
    assert free.is_active and free.school == personas.school_a and free.display_name == "陈校长"


def test_change_principal_refuses_a_login_of_another_county(personas):
    stranger = factories.UserFactory(county=personas.other_county, role=Role.PRINCIPAL)
    with pytest.raises(ValidationError):
        _turn_over(personas, user=stranger)


def test_change_principal_cannot_start_before_the_current_tenure(personas):
    with pytest.raises(ValidationError) as error:
        _turn_over(personas, started_on=datetime.date(2019, 1, 1))
    assert "started_on" in error.value.message_dict
    assert User.objects.get(pk=personas.principal.pk).school == personas.school_a
