"""The office's busiest pages and a printed notice on a 375-px phone, in Chinese and in English:
one-row navigation bar, no sideways scrolling, no CSP violation."""

import pytest
from django.urls import reverse

from tests import factories_rectifications, factories_visits
from tests.e2e import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "home",
    "schools:school_list",
    "schools:coverage",
    "inspectors:inspector_list",
    "visits:visit_list",
    "rectifications:board",
    "rectifications:summary",
    "rectifications:notice_list",
    "notifications:list",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_office_pages_fit_a_phone(personas, live_server, phone_page, language):
    factories_visits.matrix_submitted_visit(personas)
    notice = factories_rectifications.matrix_notice(personas)  # an item and its notice
    factories_rectifications.matrix_notification(personas)
    factories_rectifications.matrix_evidence(personas)  # an item awaiting verification
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    login(page, live_server, personas.office.username)
    paths = [reverse(name) for name in PAGES]
    paths.append(reverse("rectifications:notice", kwargs={"pk": notice.pk}))
    for path in paths:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.lang") == language
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone in {language}: {width}px"
        brand = page.locator(".navbar-brand").bounding_box()
        toggler = page.locator(".navbar-toggler").bounding_box()
        assert abs(brand["y"] + brand["height"] / 2 - toggler["y"] - toggler["height"] / 2) < 8, (
            f"{path}: the navigation bar takes two rows in {language}"
        )
    # The notice title is spaced out like a printed Chinese document, not in English.
    spacing = page.locator(".notice-title").evaluate("e => getComputedStyle(e).letterSpacing")
    assert (spacing != "normal") == (language == "zh-hans")
    assert page.csp_violations == []
