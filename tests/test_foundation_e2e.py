"""Browser journey for the foundation: log in in Chinese and find a school, on a phone."""

import pytest

from tests.e2e import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_logs_in_in_chinese_and_searches_the_school_list(personas, live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录督导系统"

    login(page, live_server, personas.office.username)
    assert page.locator("h1").inner_text().startswith("欢迎")

    # The navigation is collapsed on a phone: open it, then go to the school list.
    page.click(".navbar-toggler")
    with page.expect_navigation():
        page.get_by_role("link", name="学校", exact=True).click()
    assert personas.school_a.name in page.content()
    assert personas.other_school.name not in page.content()

    page.fill("input[name=q]", "第二")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("table tbody tr, .list-group-item").all_inner_texts()
    assert any(personas.school_b.name in row for row in rows)
    assert not any(personas.school_a.name in row for row in rows)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone: {width}px"
    assert page.csp_violations == []
