"""On a phone: the office creates an inspector's login, the inspector logs in with the one-time
password and must choose their own."""

import pytest

from accounts.models import User
from tests import factories
from tests.e2e import login, switch_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_time_password_journey_on_a_phone(phone_page, live_server, personas):
    factories.InspectorFactory(county=personas.county, name="马督学", phone="138-0000-8642")
    page = phone_page
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/accounts/manage/")
    page.click("text=督学账号")
    page.select_option("select[name=inspector]", label="马督学 · 138-0000-8642")
    page.click("main form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "初始密码仅显示这一次" in page.content()
    password = page.locator("dd.font-monospace").nth(1).inner_text().strip()

    switch_user(page, live_server, "i13800008642", password)
    assert page.url.endswith("/accounts/password/")
    page.fill("input[name=old_password]", password)
    page.fill("input[name=new_password1]", "ma-own-Secret-77")
    page.fill("input[name=new_password2]", "ma-own-Secret-77")
    page.click("main form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert not User.objects.get(username="i13800008642").must_change_password
    assert page.csp_violations == []
