"""Login slips for principals: the page that shows new one-time passwords prints a slip per
login (username, one-time password, the site's address and its QR code), and the office can
reissue passwords for the principal logins nobody has used, to print their slips."""

import base64

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from dudao.qr import qr_svg
from tests import factories
from tests.e2e import login

pytestmark = pytest.mark.django_db

REISSUE = reverse("accounts:reissue_unused_passwords")
ONE_TIME = reverse("accounts:one_time_passwords")
SITE = "https://dudao.example.cn"


@pytest.fixture
def never_used(personas):
    """Principal A never logged in; principal B did; an inspector never did either."""
    used = factories.UserFactory(
        username="p_used",
        county=personas.county,
        role=Role.PRINCIPAL,
        school=personas.school_b,
        last_login=timezone.now(),
    )
    return personas.principal, used


def test_office_reissues_only_unused_principal_logins_and_gets_their_slips(
    client, personas, never_used, settings
):
    settings.SITE_URL = SITE
    unused, used = never_used
    foreign = factories.UserFactory(
        username="p_foreign",
        county=personas.other_county,
        role=Role.PRINCIPAL,
        school=personas.other_school,
    )
    before = {user.pk: user.password for user in User.objects.all()}
    client.force_login(personas.office)
    assert "1 位校长从未登录" in client.get(reverse("accounts:user_list")).content.decode()

    response = client.post(REISSUE)
    assert response.status_code == 302 and response["Location"] == ONE_TIME
    changed = {user.pk for user in User.objects.all() if user.password != before[user.pk]}
    assert changed == {unused.pk}  # not the used login, the inspector, or another county's
    unused.refresh_from_db()
    assert unused.must_change_password

    page = client.get(ONE_TIME)
    (slip,) = page.context["logins"]
    assert unused.check_password(slip["password"])
    assert slip["school"] == personas.school_a.name
    html = page.content.decode()
    assert html.count('class="login-slip"') == 1
    assert f'<dd class="login-slip-value">{SITE}</dd>' in html
    encoded = page.context["site_qr"].removeprefix("data:image/svg+xml;base64,")
    assert base64.b64decode(encoded) == qr_svg(SITE)
    assert f'src="{page.context["site_qr"]}"' in html
    assert "style=" not in html and "<script>" not in html  # CSP: nothing inline
    assert client.get(ONE_TIME).context["logins"] == []  # shown once
    assert foreign.password == User.objects.get(pk=foreign.pk).password


def test_nothing_to_reissue_says_so(client, personas, never_used):
    unused, _used = never_used
    unused.last_login = timezone.now()
    unused.save()
    client.force_login(personas.office)
    response = client.post(REISSUE, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:user_list")
    assert "所有校长都已登录过" in response.content.decode()


def test_a_password_reset_prints_a_slip_too(client, personas, settings):
    settings.SITE_URL = SITE
    client.force_login(personas.office)
    client.post(reverse("accounts:user_reset_password", args=[personas.principal.pk]))
    html = client.get(ONE_TIME).content.decode()
    assert html.count('class="login-slip"') == 1 and "打印登录条" in html


@pytest.mark.parametrize("role", ["principal", "inspector", "committee"])
def test_only_the_office_reissues(client, personas, never_used, role):
    client.force_login(personas.by_role()[role])
    before = personas.principal.password
    assert client.post(REISSUE).status_code in (302, 403)
    personas.principal.refresh_from_db()
    assert personas.principal.password == before


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_slips_print_alone_on_paper(personas, live_server, phone_page, settings):
    settings.SITE_URL = SITE
    factories.UserFactory(
        username="p_second", county=personas.county, role=Role.PRINCIPAL, school=personas.school_b
    )
    page = phone_page
    login(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("accounts:user_list"))
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="重新生成密码并打印登录条").click()
    slips = page.locator(".login-slip")
    assert slips.count() == 2
    assert not slips.first.is_visible()  # on screen: the list, and a print button
    page.emulate_media(media="print")
    assert slips.first.is_visible() and not page.locator(".one-time-screen").is_visible()
    assert page.locator("main nav, .navbar").first.is_hidden()
    qr = page.locator(".login-slip-qr").first.bounding_box()
    assert qr["width"] > 80 and qr["height"] > 80  # ~28 mm, big enough to scan
    assert page.csp_violations == []
