"""On a 375-px phone: an inspector logs a routine visit with one problem and one photo, the
principal reads it and replies, the inspector sees it was read. The inspector's part, from the
home page, takes at most 25 taps."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from rectifications.models import RectificationItem
from tests import factories
from tests.e2e import login, switch_user
from visits.models import Visit, VisitStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP_BUDGET = 25


class Taps:
    """Counts what the user does: a tap, or a tap and typing into a field."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator):
        self.count += 1
        locator.click()

    def type(self, locator, text: str):
        self.count += 1
        locator.fill(text)

    def choose(self, locator, label: str):
        self.count += 2  # open the list, pick the option
        locator.select_option(label=label)


def photo(tmp_path):
    path = tmp_path / "消防通道.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(path, "PNG")
    return path


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone: {width}px"


def test_visit_logged_on_a_phone_is_read_and_answered(personas, live_server, phone_page, tmp_path):
    page = phone_page
    # The principal's school is one of the inspector's.
    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    school = personas.school_a

    login(page, live_server, personas.inspector_user.username)
    taps = Taps(page)
    with page.expect_navigation():
        taps.tap(page.get_by_role("link", name="本月我的学校"))
    no_sideways_scroll(page)
    row = page.locator(".list-group-item", has_text=school.name)
    with page.expect_navigation():
        taps.tap(row.get_by_role("button", name="开始督导"))
    assert "/edit/" in page.url
    no_sideways_scroll(page)

    taps.tap(page.get_by_label("校园巡视"))
    taps.tap(page.get_by_label("查阅资料"))
    taps.tap(page.get_by_label("6. 校园及周边安全"))
    taps.choose(page.locator("#id_matters-5-judgement"), "存在问题")
    taps.type(page.locator("#id_matters-5-observation"), "二楼消防通道堆放桌椅")
    taps.type(page.locator("#id_feedback_to_school"), "已现场反馈，请立即清理消防通道。")

    taps.tap(page.locator("#add-problem"))
    # The new row starts from the matter judged "problem" and what was seen there.
    matter = page.locator("#id_problems-0-matter option:checked")
    expect(matter).to_have_text("6. 校园及周边安全")
    expect(page.locator("#id_problems-0-description")).to_have_value("二楼消防通道堆放桌椅")
    taps.type(page.locator("#id_problems-0-description"), "消防通道堆放杂物")

    with page.expect_file_chooser() as chooser:
        taps.tap(page.get_by_text("拍照或选择文件"))
    taps.count += 1  # picking the photo in the phone's chooser
    chooser.value.set_files(photo(tmp_path))
    expect(page.locator("#visit-photos figure[data-photo-id]")).to_have_count(1, timeout=15000)

    with page.expect_navigation():
        taps.tap(page.get_by_role("button", name="提交记录"))
    assert taps.count <= TAP_BUDGET, f"{taps.count} taps"
    expect(page.locator(".alert-success")).to_contain_text("督导记录已提交")
    no_sideways_scroll(page)

    visit = Visit.objects.get()
    assert visit.status == VisitStatus.SUBMITTED and visit.school == school
    assert visit.photos.count() == 1
    assert RectificationItem.objects.get().visit == visit
    detail_url = page.url

    # The principal reads the feedback and replies.
    switch_user(page, live_server, personas.principal.username)
    with page.expect_navigation():
        page.get_by_role("link", name="查看反馈").click()
    with page.expect_navigation():
        page.locator(".list-group-item", has_text="经常性督导").click()
    expect(page.locator("body")).to_contain_text("已现场反馈，请立即清理消防通道。")
    expect(page.locator("#visit-photos img")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("button", name="标记已阅").click()
    page.get_by_label("您的回复").fill("已安排总务处今天清理完毕。")
    with page.expect_navigation():
        page.get_by_role("button", name="发送回复").click()
    expect(page.locator(".alert-success")).to_contain_text("您的回复已发送给督学")
    no_sideways_scroll(page)

    # The inspector sees that the school has read it, and the reply.
    switch_user(page, live_server, personas.inspector_user.username)
    page.goto(detail_url)
    expect(page.locator(".badge", has_text="已阅")).to_be_visible()
    expect(page.locator("body")).to_contain_text("已安排总务处今天清理完毕。")
    assert page.csp_violations == []
