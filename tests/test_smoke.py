import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_sends_strict_csp(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_home_for_each_role(client, personas):
    for role, user in personas.by_role().items():
        if user is None:
            continue
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200, role
