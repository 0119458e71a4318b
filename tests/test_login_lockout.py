"""Login lockout per username + client IP, the office's unlock, and the password change that
must not keep a one-time password."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HERE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
LOCKED = "登录失败次数过多"
WRONG = "请输入一个正确的"  # Django's own "enter a correct username and password"


def attempt(client, username, password, ip=HERE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_until_locked(client, username, ip=HERE):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, username, "wrong-password", ip)
        assert response.status_code == 200
        assert WRONG in response.text and LOCKED not in response.text
    return attempt(client, username, "wrong-password", ip)


def test_five_failures_lock_the_pair_with_a_chinese_message(client, personas):
    assert settings.AXES_FAILURE_LIMIT == 5
    response = fail_until_locked(client, "principal")
    assert response.status_code == 429
    assert LOCKED in response.text
    assert "15 分钟后再试" in response.text
    assert 'name="username"' in response.text  # still the login page, not a bare text

    # The right password is refused while locked, and nobody is logged in.
    response = attempt(client, "principal", factories.PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.text
    assert "_auth_user_id" not in client.session


def test_another_ip_and_the_account_itself_stay_usable(client, personas):
    fail_until_locked(client, "principal")
    other = Client()
    response = attempt(other, "principal", factories.PASSWORD, ip=ELSEWHERE)
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(personas.principal.pk)
    personas.principal.refresh_from_db()
    assert personas.principal.is_active


def test_other_usernames_from_the_same_ip_are_not_locked(client, personas):
    fail_until_locked(client, "principal")
    response = attempt(client, "inspector", factories.PASSWORD)
    assert response.status_code == 302


def test_an_unknown_username_gets_exactly_the_same_answers(personas):
    """No user enumeration: the same status and the same words, before and after the lock."""

    def answers(username):
        client = Client()
        statuses = [
            attempt(client, username, "wrong-password").status_code
            for _ in range(settings.AXES_FAILURE_LIMIT)
        ]
        last = attempt(client, username, "wrong-password")
        form = last.context["form"]
        return statuses + [last.status_code], form.non_field_errors()

    assert not User.objects.filter(username="nobody").exists()
    known, unknown = answers("principal"), answers("nobody")
    assert known == unknown
    assert known[0] == [200, 200, 200, 200, 429, 429]
    assert LOCKED in known[1][0]


def test_cool_off_lifts_the_lock(client, personas):
    fail_until_locked(client, "principal")
    # Travel in time: the failures happened longer ago than the cool-off.
    past = datetime.timedelta(minutes=16)
    for row in AccessAttempt.objects.filter(username="principal"):
        row.attempt_time -= past
        row.save(update_fields=["attempt_time"])
    response = attempt(client, "principal", factories.PASSWORD)
    assert response.status_code == 302


def test_a_success_forgets_earlier_failures(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "principal", "wrong-password")
    assert attempt(client, "principal", factories.PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "principal", "wrong-password").status_code == 200


def test_office_sees_the_lock_and_lifts_it(client, personas, caplog):
    fail_until_locked(Client(), "principal")
    detail = reverse("accounts:user_detail", args=[personas.principal.pk])
    unlock = reverse("accounts:user_unlock", args=[personas.principal.pk])
    office = Client()
    office.force_login(personas.office)
    page = office.get(detail)
    assert page.context["locked_until"] is not None
    assert unlock in page.text

    assert office.get(unlock).status_code == 405
    with caplog.at_level("WARNING", logger="accounts.services"):
        response = office.post(unlock)
    assert response["Location"] == detail
    assert "login lockout of principal lifted by office" in caplog.text
    assert office.get(detail).context["locked_until"] is None
    assert unlock not in office.get(detail).text
    assert attempt(client, "principal", factories.PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["other_office", "committee", "inspector", "principal"])
def test_only_the_county_office_unlocks(personas, role):
    fail_until_locked(Client(), "principal")
    outsider = Client()
    outsider.force_login(
        getattr(personas, role) if role != "inspector" else personas.inspector_user
    )
    response = outsider.post(reverse("accounts:user_unlock", args=[personas.principal.pk]))
    assert response.status_code == (404 if role == "other_office" else 403)
    assert AccessAttempt.objects.filter(username="principal").exists()


def test_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_lock(client, personas, settings):
    settings.TRUSTED_PROXIES = []
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "principal", "password": "wrong-password"},
            REMOTE_ADDR=HERE,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{number}",
        )
    assert attempt(client, "principal", factories.PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_alone(client, personas, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]

    def via_proxy(password, client_ip):
        return client.post(
            LOGIN,
            {"username": "principal", "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        via_proxy("wrong-password", HERE)
    assert via_proxy(factories.PASSWORD, HERE).status_code == 429
    assert via_proxy(factories.PASSWORD, ELSEWHERE).status_code == 302


# The forced password change ------------------------------------------------------------------


def test_a_one_time_password_cannot_be_changed_to_itself(client, personas):
    user = personas.principal
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": factories.PASSWORD,
            "new_password2": factories.PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "新密码不能与当前密码相同" in response.text
    user.refresh_from_db()
    assert user.must_change_password
    assert client.get(reverse("home"))["Location"] == reverse("password_change")

    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "another-pass-5678",
            "new_password2": "another-pass-5678",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("another-pass-5678")
