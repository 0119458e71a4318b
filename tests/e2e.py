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


# Every tap target of a phone page: links, buttons, fields, and check boxes or radio buttons
# together with their labels (a visually hidden one, styled as a button, counts as its label).
_SMALL_TAP_TARGETS = """(minimum) => {
  const rect = (element) => element.getBoundingClientRect();
  const tiny = (box) => box.width <= 1 || box.height <= 1;
  const shown = (element) => {
    const style = getComputedStyle(element);
    const clipped = style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)";
    return !tiny(rect(element)) && !clipped && style.visibility !== "hidden";
  };
  const union = (boxes) => {
    const left = Math.min(...boxes.map((box) => box.left));
    const top = Math.min(...boxes.map((box) => box.top));
    const right = Math.max(...boxes.map((box) => box.right));
    const bottom = Math.max(...boxes.map((box) => box.bottom));
    return { width: right - left, height: bottom - top };
  };
  const describe = (element) => {
    const label = element.labels && element.labels[0];
    const text = (element.innerText || (label && label.innerText) || element.value ||
      element.getAttribute("aria-label") || "")
      .trim().replace(/\\s+/g, " ").slice(0, 30);
    return `<${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}` +
      `${element.name ? " name=" + element.name : ""}> ${text}`;
  };
  const small = [];
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const element of document.querySelectorAll(selector)) {
    let boxes = [];
    if (element.matches("input[type=checkbox], input[type=radio], input[type=file]")) {
      const labels = Array.from(element.labels || []).filter(shown).map(rect);
      boxes = shown(element) ? [rect(element), ...labels] : labels;
    } else if (shown(element)) {
      boxes = [rect(element)];
    }
    if (!boxes.length) {
      continue;
    }
    const box = union(boxes);
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      small.push(`${describe(element)}: ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


def small_tap_targets(page, minimum: int = 44) -> list[str]:
    """What on the page is smaller than ``minimum`` CSS px either way, described."""
    return page.evaluate(_SMALL_TAP_TARGETS, minimum)
