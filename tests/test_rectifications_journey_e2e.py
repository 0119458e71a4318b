"""The closed loop in a browser on a phone: an inspector records a problem in a visit, the
principal reports it fixed with a photo, the inspector returns it, the principal reports again,
the inspector closes it, and the office board shows it closed."""

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from rectifications.models import RectificationItem, RectificationState
from tests import factories
from tests.e2e import login, switch_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo(tmp_path, name):
    path = tmp_path / name
    Image.new("RGB", (640, 480), (40, 160, 90)).save(path, "JPEG")
    return path


def open_item(page, live_server, list_path, problem):
    page.goto(f"{live_server.url}{list_path}")
    with page.expect_navigation():
        page.get_by_role("link", name=problem).first.click()


def submit(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_problem_from_a_visit_is_fixed_returned_fixed_again_and_closed(
    personas, live_server, phone_page, tmp_path
):
    page = phone_page
    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    school = personas.school_a
    problem = "消防通道堆放杂物"

    # The inspector records the problem in a visit.
    login(page, live_server, personas.inspector_user.username)
    page.goto(live_server.url + reverse("visits:my_schools"))
    row = page.locator(".list-group-item", has_text=school.name)
    with page.expect_navigation():
        row.get_by_role("button", name="开始督导").click()
    page.locator("#div_id_methods").get_by_text("校园巡视", exact=True).click()
    page.locator(".matter-note", has_text="6. 校园及周边安全").get_by_text("存在问题").click()
    page.locator("#id_matters-5-observation").fill("二楼消防通道堆放桌椅")
    page.locator("#id_feedback_to_school").fill("已现场反馈，请立即清理消防通道。")
    page.locator("#add-problem").click()
    page.locator("#id_problems-0-matter").select_option(label="6. 校园及周边安全")
    page.locator("#id_problems-0-description").fill(problem)
    submit(page, "提交记录")
    item = RectificationItem.objects.get()
    assert item.visit and item.state == RectificationState.OPEN

    # The principal gives a plan, then reports it done with a photo.
    switch_user(page, live_server, personas.principal.username)
    open_item(page, live_server, reverse("rectifications:our_items"), problem)
    expect(page.locator(".alert-info")).to_contain_text("请提交整改方案")
    page.get_by_label("整改方案：采取哪些措施、何时完成").fill("今天由总务处清理。")
    submit(page, "提交整改方案")
    expect(page.locator(".alert-success")).to_contain_text("已完成")
    page.get_by_label("整改完成情况").fill("通道已清理干净。")
    page.locator("input[name=done_reported-photos]").set_input_files(photo(tmp_path, "a.jpg"))
    submit(page, "报告整改完成")
    expect(page.locator(".rect-thumb")).to_have_count(1)

    # The inspector finds it first on the list, and returns it.
    switch_user(page, live_server, personas.inspector_user.username)
    open_item(page, live_server, reverse("rectifications:my_items"), problem)
    page.get_by_label("整改不到位的原因").fill("照片看不到三楼通道。")
    submit(page, "退回学校重新整改")
    expect(page.locator(".badge", has_text="已退回")).to_be_visible()

    # The principal reports again with a new photo.
    switch_user(page, live_server, personas.principal.username)
    open_item(page, live_server, reverse("rectifications:our_items"), problem)
    expect(page.locator("body")).to_contain_text("照片看不到三楼通道。")
    page.get_by_label("整改完成情况").fill("三楼通道也已清理。")
    page.locator("input[name=done_reported-photos]").set_input_files(photo(tmp_path, "b.jpg"))
    submit(page, "报告整改完成")

    # The inspector verifies and closes it.
    switch_user(page, live_server, personas.inspector_user.username)
    open_item(page, live_server, reverse("rectifications:my_items"), problem)
    expect(page.locator(".rect-thumb")).to_have_count(2)
    page.get_by_label("复查意见").fill("现场复查合格。")
    submit(page, "复查合格，予以销号")
    expect(page.locator(".badge", has_text="已销号")).to_be_visible()

    # The office board shows it closed.
    switch_user(page, live_server, personas.office.username)
    page.goto(live_server.url + reverse("rectifications:board") + "?state=closed")
    row = page.locator("tr", has_text=problem)
    expect(row.locator(".badge", has_text="已销号")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the board scrolls sideways on a phone: {width}px"

    item.refresh_from_db()
    assert item.state == RectificationState.CLOSED
    assert list(item.events.values_list("action", flat=True)) == [
        "opened",
        "plan_submitted",
        "done_reported",
        "returned",
        "done_reported",
        "verified",
    ]
    assert page.csp_violations == []
