"""In a browser: the coverage page is kept under the county's registry version, and what the
office changes through the site shows on it at once."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inspector_assigned_from_the_coverage_page_shows_there_at_once(
    personas, live_server, phone_page
):
    page = phone_page
    login(page, live_server, personas.office.username)
    coverage = f"{live_server.url}{reverse('schools:coverage')}"
    page.goto(coverage)
    uncovered = page.locator("#uncovered")
    expect(uncovered).to_contain_text(personas.school_a.name)
    page.goto(coverage)  # the kept page, shown again as it was
    expect(uncovered).to_contain_text(personas.school_a.name)

    uncovered.get_by_role("link", name="挂牌督学").click()
    page.select_option("select[name=inspector]", str(personas.inspector.pk))
    with page.expect_navigation():
        page.click("main form [type=submit]")
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()

    page.goto(coverage)
    expect(uncovered).not_to_contain_text(personas.school_a.name)
    expect(uncovered).to_contain_text("每所在办学校都有在岗督学。")
    assert page.csp_violations == []
