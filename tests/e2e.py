"""Helpers for browser journeys."""

from tests.conftest import PASSWORD


def login(page, live_server, username: str, password: str = PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form [type=submit]")  # not the language buttons in the nav
    page.wait_for_load_state("networkidle")
