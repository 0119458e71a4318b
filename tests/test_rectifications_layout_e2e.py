"""The board and the printed notice fit a 375-px phone in Chinese and in English."""

import pytest
from django.urls import reverse

from rectifications import services
from tests.e2e import login
from tests.factories_rectifications import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_board_and_notice_do_not_scroll_sideways(personas, live_server, phone_page, language):
    items = [make_item(personas, responsible_inspector=personas.inspector) for _n in range(2)]
    notice = services.issue_notice(
        school=personas.school_a, items=items, inspector=personas.inspector, actor=personas.office
    )
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    login(page, live_server, personas.office.username)
    for path in (
        reverse("rectifications:board"),
        reverse("rectifications:notice", kwargs={"pk": notice.pk}),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.lang") == language
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (path, language, widths)
    spacing = page.locator(".notice-title").evaluate("e => getComputedStyle(e).letterSpacing")
    assert (spacing != "normal") == (language == "zh-hans")
    assert page.csp_violations == []
