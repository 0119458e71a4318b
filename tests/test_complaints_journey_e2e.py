"""The public journey on a 375-px phone, with JavaScript on and off: scan the plaque (open its
URL), send a complaint with a photo, track it, the inspector answers and opens a rectification
item, and the tracking page shows the reply. The school page's first load is measured."""

import gzip

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from complaints.models import Submission, SubmissionState
from tests.e2e import login
from tests.factories_plaques import plaque_of, with_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_LOAD_BUDGET = 100 * 1024


def photo(tmp_path):
    path = tmp_path / "canteen.jpg"
    Image.new("RGB", (1600, 1200), (180, 140, 90)).save(path, "JPEG", quality=90)
    return path


def submit(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_scan_submit_track_answer_and_read_the_reply(
    browser, live_server, personas, tmp_path, javascript
):
    cache.clear()
    county = personas.county
    county.complaint_phone = "0971-2233445"
    county.save()
    with_photo(personas.inspector)
    plaque = plaque_of(personas.school_b)
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        locale="zh-CN",
        device_scale_factor=2,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    # Scan: the plaque's address opens the school's page; everything it loads is counted.
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request))
    page.goto(live_server.url + plaque.public_path)
    page.wait_for_load_state("networkidle")
    sizes = {request.url: len(request.response().body()) for request in loaded}
    compressed = sum(len(gzip.compress(request.response().body())) for request in loaded)
    assert sum(sizes.values()) <= FIRST_LOAD_BUDGET, sizes  # even uncompressed
    assert compressed <= FIRST_LOAD_BUDGET
    assert any("/inspectors/" in url for url in sizes), "the inspector's thumbnail"
    expect(page.get_by_role("heading", name=personas.school_b.name)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the public page scrolls sideways: {width}px"

    # Submit a complaint with a photo.
    page.get_by_label("举报").check()
    page.get_by_label("具体情况或建议").fill("学校小卖部向学生出售过期零食。")
    page.get_by_label("您的电话（可不填）").fill("139 0000 4444")
    page.get_by_label("照片（可不传）").set_input_files(photo(tmp_path))
    submit(page, "提交")
    code = page.locator("[data-code]").inner_text()
    stored = Submission.objects.get()
    assert code == stored.grouped_code and stored.photo and stored.phone == "13900004444"

    # Track it: received, waiting for the inspector.
    with page.expect_navigation():
        page.get_by_role("link", name="查询进度").click()
    page.get_by_label("查询码").fill(code.lower())
    submit(page, "查询")
    expect(page.locator("[data-state]")).to_have_text("已受理，等待督学核实")

    # The inspector verifies, answers and opens a rectification item.
    inspector = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", java_script_enabled=javascript
    )
    desk = inspector.new_page()
    login(desk, live_server, personas.inspector_user.username)
    desk.goto(live_server.url + reverse("complaints:detail", args=[stored.pk]))
    expect(desk.get_by_text("学校小卖部向学生出售过期零食。")).to_be_visible()
    desk.get_by_label("督导事项").select_option(label="7. 食堂、食品、饮用水及卫生")
    desk.get_by_label("核实确认的问题").fill("小卖部货架有3种零食超过保质期。")
    desk.get_by_label("整改要求").fill("立即下架并建立进货查验台账。")
    desk.locator("#id_rectify-reply").fill("经核实情况属实，已责令学校限期整改。")
    submit(desk, "开具整改事项")
    expect(desk.locator(".alert-success")).to_be_visible()
    stored.refresh_from_db()
    assert stored.state == SubmissionState.RECTIFYING and stored.rectification_item
    inspector.close()

    # Back on the phone: the reply and the rectification under way.
    page.goto(live_server.url + reverse("public:track", args=[county.code]))
    page.get_by_label("查询码").fill(code)
    submit(page, "查询")
    expect(page.locator("[data-reply]")).to_have_text("经核实情况属实，已责令学校限期整改。")
    expect(page.locator("[data-outcome]")).to_contain_text("学校待整改")
    assert "出售过期零食" not in page.content()  # the submitted text never comes back
    assert violations == []
    context.close()
