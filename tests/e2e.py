"""Helpers for browser journeys."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def login(page, live_server, username: str, password: str = PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form [type=submit]")  # not the language buttons in the nav
    page.wait_for_load_state("networkidle")
    expect(page.locator("main form input[name=password]")).to_have_count(0)


def switch_user(page, live_server, username: str, password: str = PASSWORD):
    """Log out by dropping the cookies and log in as someone else.

    Leaving the old page first matters: a request it still has in flight (a lazy thumbnail) would
    come back without a session, follow the redirect to the login page and overwrite the new
    CSRF cookie, so the login form would be refused.
    """
    page.goto("about:blank")
    page.context.clear_cookies()
    login(page, live_server, username, password)
