"""Site-wide script behaviour in a real browser: a second tap on a form sends nothing, and a form
whose submit a page script takes over (fetch) stays usable."""

import pytest

from tests.e2e import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNT_SUBMITS = """(selector) => {
  const form = document.querySelector(selector);
  let sent = 0;
  window.addEventListener("submit", (event) => { if (!event.defaultPrevented) sent += 1; });
  form.requestSubmit();
  form.requestSubmit();  // the second tap, before the page has gone
  return sent;
}"""

TAKEN_OVER = """(selector) => {
  const form = document.querySelector(selector);
  form.addEventListener("submit", (event) => event.preventDefault());  // as fetch-based forms do
  form.requestSubmit();
  form.requestSubmit();
  return form.hasAttribute("data-submitting");
}"""


def test_a_second_tap_sends_nothing(personas, live_server, phone_page):
    login(phone_page, live_server, personas.office.username)
    assert phone_page.evaluate(COUNT_SUBMITS, "form[action='/accounts/logout/']") == 1


def test_a_form_taken_over_by_a_script_is_never_locked(personas, live_server, phone_page):
    login(phone_page, live_server, personas.office.username)
    assert phone_page.evaluate(TAKEN_OVER, "form[action='/accounts/logout/']") is False
