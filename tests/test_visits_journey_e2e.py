"""On a 375-px phone: an inspector logs a routine visit with one problem and one photo, the
principal reads it and replies, the inspector sees it was read.

The inspector's part is a fixed journey (start, check-in, methods, eight matters with one
problem, one problem row, one photo, feedback, submit) and may take at most 20 actions, counting
each click, fill, select_option and set_input_files as one."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from rectifications.models import RectificationItem
from tests import factories
from tests.e2e import login, switch_user
from visits.models import CheckInStatus, Judgement, Visit, VisitMethod, VisitStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTION_BUDGET = 20
SCHOOL_POSITION = {"latitude": 36.5, "longitude": 101.57}


class Actions:
    """Does what the inspector does and counts it: a click, a fill, a select_option or a
    set_input_files is one action each."""

    def __init__(self):
        self.done = []

    def click(self, locator):
        self.done.append("click")
        locator.click()

    def fill(self, locator, text: str):
        self.done.append("fill")
        locator.fill(text)

    def select_option(self, locator, **choice):
        self.done.append("select_option")
        locator.select_option(**choice)

    def set_input_files(self, target, files):
        self.done.append("set_input_files")
        target.set_files(files) if hasattr(target, "set_files") else target.set_input_files(files)

    @property
    def count(self) -> int:
        return len(self.done)


def photo(tmp_path):
    path = tmp_path / "消防通道.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(path, "PNG")
    return path


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone: {width}px"


def test_visit_logged_on_a_phone_is_read_and_answered(personas, live_server, phone_page, tmp_path):
    page = phone_page
    # The principal's school is one of the inspector's, and has a known position.
    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    school = personas.school_a
    school.latitude, school.longitude = SCHOOL_POSITION["latitude"], SCHOOL_POSITION["longitude"]
    school.save()
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({**SCHOOL_POSITION, "accuracy": 20})

    login(page, live_server, personas.inspector_user.username)
    act = Actions()
    with page.expect_navigation():
        act.click(page.get_by_role("link", name="本月我的学校"))
    no_sideways_scroll(page)
    row = page.locator(".list-group-item", has_text=school.name)
    with page.expect_navigation():
        act.click(row.get_by_role("button", name="开始督导"))  # start
    assert "/edit/" in page.url
    no_sideways_scroll(page)

    act.click(page.locator("#check-in-button"))
    expect(page.locator("#check-in-status")).to_contain_text("距学校")

    methods = page.locator("#div_id_methods")
    act.click(methods.get_by_text("校园巡视", exact=True))
    act.click(methods.get_by_text("查阅资料", exact=True))

    # Eight matters: one tap judges matter 6, one more judges the other seven.
    rest_normal = page.get_by_role("button", name="其余均正常")
    expect(rest_normal).to_be_hidden()  # offered once a matter is judged
    safety = page.locator(".matter-note", has_text="6. 校园及周边安全")
    act.click(safety.get_by_text("存在问题", exact=True))
    act.fill(page.locator("#id_matters-5-observation"), "二楼消防通道堆放桌椅")
    act.click(rest_normal)
    expect(rest_normal).to_be_hidden()
    expect(page.locator(".judgement-buttons input[value='']:checked")).to_have_count(0)

    act.click(page.get_by_role("button", name="添加需整改的问题"))
    # The new row starts from the matter judged "problem" and what was seen there.
    expect(page.locator("#id_problems-0-matter option:checked")).to_have_text("6. 校园及周边安全")
    expect(page.locator("#id_problems-0-description")).to_have_value("二楼消防通道堆放桌椅")
    act.fill(page.locator("#id_problems-0-description"), "消防通道堆放杂物")

    with page.expect_file_chooser() as chooser:
        act.click(page.get_by_text("拍照或选择文件"))
    act.set_input_files(chooser.value, photo(tmp_path))  # picking it in the phone's chooser
    expect(page.locator("#visit-photos figure[data-photo-id]")).to_have_count(1, timeout=15000)

    act.fill(page.locator("#id_feedback_to_school"), "已现场反馈，请立即清理消防通道。")
    with page.expect_navigation():
        act.click(page.get_by_role("button", name="提交记录"))
    expect(page.locator(".alert-success")).to_contain_text("督导记录已提交")
    assert act.count <= ACTION_BUDGET, f"{act.count} actions: {act.done}"
    no_sideways_scroll(page)

    visit = Visit.objects.get()
    assert visit.status == VisitStatus.SUBMITTED and visit.school == school
    assert visit.check_in_status == CheckInStatus.NEAR
    assert set(visit.methods) == {VisitMethod.CAMPUS_TOUR, VisitMethod.DOCUMENT_REVIEW}
    judgements = dict(visit.matter_notes.values_list("matter__number", "judgement"))
    assert judgements == {n: Judgement.PROBLEM if n == 6 else Judgement.GOOD for n in range(1, 9)}
    assert visit.matter_notes.filter(looked_at=True).count() == 8
    assert visit.photos.count() == 1
    item = RectificationItem.objects.get()
    assert item.visit == visit and item.description == "消防通道堆放杂物"
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
