"""On a phone in a school without a connection: the visit record form keeps what is typed and
every photo on the phone, and sends it all once the connection returns.

The record's service worker (static/js/visit_sw.js) keeps the edit page and its assets, so a
reload while offline still shows the form; the tab may also be closed while offline and the record
opened again after reconnecting. Everything the server then has came from the phone's storage.
"""

import datetime
import re
import time
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.e2e import login
from tests.factories_visits import pdf_bytes
from visits.models import CheckInStatus, VisitStatus
from visits.services import start_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHOOL_POSITION = {"latitude": 36.4987, "longitude": 101.5706}


def png_photo() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (800, 600), (40, 140, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def photo_file(name: str = "操场.png", data: bytes | None = None) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": data or png_photo()}


def wait_until(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the page"
        time.sleep(0.1)


def go_offline(page) -> None:
    """Cut the network and wait until the page knows it: the form only tries the server while
    ``navigator.onLine``, and the browser may report the change a moment after the cut, letting
    a save through that the test then finds on the server."""
    page.context.set_offline(True)
    page.wait_for_function("navigator.onLine === false")


def kept_on_phone(page, text: str) -> bool:
    """Whether the form's copy in localStorage holds ``text``."""
    return text in (page.evaluate("JSON.stringify(Object.assign({}, localStorage))") or "")


def message(page, selector: str, name: str) -> str:
    """A text the template hands to the script, checked to be in Chinese."""
    text = page.get_attribute(selector, f"data-msg-{name}")
    assert any("\u4e00" <= char <= "\u9fff" for char in text), text
    return text


def timed_message(page, name: str) -> re.Pattern:
    """A form message with its {time} placeholder filled by any HH:MM."""
    pieces = message(page, "#visit-form", name).split("{time}")
    return re.compile(r"\d\d:\d\d".join(re.escape(piece) for piece in pieces))


@pytest.fixture
def draft(personas):
    return start_visit(school=personas.school_b, actor=personas.inspector_user)


def open_record(page, live_server, visit):
    page.goto(live_server.url + reverse("visits:visit_edit", args=[visit.pk]))
    expect(page.locator("#visit-form")).to_be_visible()


def test_typed_offline_closed_and_reopened_online_reaches_the_server(
    phone_page, live_server, draft
):
    page, context = phone_page, phone_page.context
    login(page, live_server, "inspector")
    open_record(page, live_server, draft)

    go_offline(page)
    page.fill("[name=highlights]", "课间操组织有序")
    page.fill("[name=feedback_to_school]", "已当场反馈：厕所需尽快维修")
    page.click("#add-problem")
    page.select_option("[name=problems-0-matter]", index=1)
    page.fill("[name=problems-0-description]", "教学楼厕所漏水")
    page.set_input_files("#photo-input", files=[photo_file()])
    photo_offline = message(page, "#visit-form", "photo-offline")
    expect(page.locator(".visit-photo.is-pending")).to_have_text(photo_offline)
    wait_until(lambda: kept_on_phone(page, "已当场反馈"))
    expect(page.locator("#autosave-status")).to_have_text(message(page, "#visit-form", "offline"))

    page.click("#submit-visit")
    offline_submit = message(page, "#visit-form", "offline-submit")
    expect(page.locator("#autosave-status")).to_have_text(offline_submit)
    expect(page.locator("#submit-refused")).to_have_text(offline_submit)  # by the button
    draft.refresh_from_db()
    assert draft.status == VisitStatus.DRAFT
    assert draft.feedback_to_school == "" and not draft.problems.exists()
    assert not draft.photos.exists()
    assert page.csp_violations == []
    page.close()  # the battery dies, or the inspector closes the tab

    reconnected_at = timezone.now()
    context.set_offline(False)
    page = context.new_page()
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg))
    open_record(page, live_server, draft)
    expect(page.locator("#draft-restored")).to_have_text(timed_message(page, "restored"))
    expect(page.locator("#visit-photos [data-photo-id]")).to_have_count(1)
    saved = timed_message(page, "saved")
    expect(page.locator("#autosave-status")).to_have_text(saved, timeout=10_000)
    expect(page.locator(".visit-photo.is-pending")).to_have_count(0)

    draft.refresh_from_db()
    assert draft.highlights == "课间操组织有序"
    assert draft.feedback_to_school == "已当场反馈：厕所需尽快维修"
    problem = draft.problems.get()
    assert problem.description == "教学楼厕所漏水" and problem.matter is not None
    photo = draft.photos.get()
    assert photo.original_name == "操场.png"
    assert photo.taken_at < reconnected_at < photo.uploaded_at  # stamped when it was chosen

    page.reload()  # now the server's copy is the newest: nothing to restore
    expect(page.locator("#visit-form")).to_be_visible()
    expect(page.locator("#draft-restored")).to_have_count(0)
    expect(page.locator("[name=problems-0-description]")).to_have_value("教学楼厕所漏水")
    expect(page.locator("[name=feedback_to_school]")).to_have_value("已当场反馈：厕所需尽快维修")
    assert violations == []


KEPT_BY_THE_WORKER = """() => {
  const assets = document.querySelectorAll("script[src], link[href][rel~=stylesheet]");
  const urls = [location.href, ...Array.from(assets, (asset) => asset.src || asset.href)];
  return Promise.all(urls.map((url) => caches.match(url, { ignoreVary: true })))
    .then((answers) => answers.every(Boolean));
}"""


def test_reloaded_offline_the_form_comes_back_and_reaches_the_server(
    phone_page, live_server, draft
):
    page, context = phone_page, phone_page.context
    login(page, live_server, "inspector")
    open_record(page, live_server, draft)  # the first visit online installs the worker
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(KEPT_BY_THE_WORKER)

    go_offline(page)
    page.fill("[name=highlights]", "课间操组织有序")
    page.fill("[name=feedback_to_school]", "已当场反馈：厕所需尽快维修")
    page.click("#add-problem")
    page.select_option("[name=problems-0-matter]", index=1)
    page.fill("[name=problems-0-description]", "教学楼厕所漏水")
    wait_until(lambda: kept_on_phone(page, "教学楼厕所漏水"))

    page.reload()  # still offline

    expect(page.locator("#visit-form")).to_be_visible()
    expect(page.locator("#draft-restored")).to_have_text(timed_message(page, "restored"))
    expect(page.locator("[name=highlights]")).to_have_value("课间操组织有序")
    expect(page.locator("[name=feedback_to_school]")).to_have_value("已当场反馈：厕所需尽快维修")
    expect(page.locator("[name=problems-0-description]")).to_have_value("教学楼厕所漏水")
    expect(page.locator("#autosave-status")).to_have_text(message(page, "#visit-form", "offline"))
    draft.refresh_from_db()
    assert draft.feedback_to_school == "" and not draft.problems.exists()

    context.set_offline(False)
    expect(page.locator("#autosave-status")).to_have_text(
        timed_message(page, "saved"), timeout=10_000
    )
    draft.refresh_from_db()
    assert draft.highlights == "课间操组织有序"
    assert draft.feedback_to_school == "已当场反馈：厕所需尽快维修"
    problem = draft.problems.get()
    assert problem.description == "教学楼厕所漏水" and problem.matter is not None
    assert page.csp_violations == []


def test_photo_the_server_refuses_is_explained_next_to_the_input(phone_page, live_server, draft):
    login(phone_page, live_server, "inspector")
    open_record(phone_page, live_server, draft)

    disguised = photo_file("x.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    report = {"name": "自查报告.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    phone_page.set_input_files("#photo-input", files=[disguised, photo_file(), report])

    expect(phone_page.locator("#photo-errors")).to_contain_text("x.png：该文件既不是照片也不是 PDF")
    expect(phone_page.locator("#visit-photos [data-photo-id]")).to_have_count(2)
    expect(phone_page.locator(".visit-photo.is-pending")).to_have_count(0)
    # The PDF shows as a file chip with its name, not as a thumbnail.
    expect(phone_page.locator(".visit-file[data-photo-id] figcaption")).to_have_text("自查报告.pdf")
    chip = phone_page.locator(".visit-file .file-chip")
    expect(chip).to_have_attribute("href", re.compile("/visits/files/"))
    assert sorted(draft.photos.values_list("kind", flat=True)) == ["pdf", "photo"]


def test_a_file_over_the_upload_limit_is_refused_before_sending(
    phone_page, live_server, personas, draft
):
    personas.county.settings.photo_max_megabytes = 1
    personas.county.settings.save()
    login(phone_page, live_server, "inspector")
    open_record(phone_page, live_server, draft)
    uploads = []
    phone_page.on("request", lambda request: "/photos/" in request.url and uploads.append(request))
    too_big = pdf_bytes() + b"%" + b"x" * (1024 * 1024)

    phone_page.set_input_files(
        "#photo-input", files=[{"name": "大.pdf", "mimeType": "application/pdf", "buffer": too_big}]
    )

    refusal = phone_page.get_attribute("#photo-input", "data-msg-too-big")
    assert refusal == "文件超过上传上限 1 MB。"  # what the server says too
    expect(phone_page.locator("#photo-errors")).to_have_text(f"大.pdf：{refusal}")
    expect(phone_page.locator("#visit-photos figure")).to_have_count(0)
    assert uploads == [] and not draft.photos.exists()


def test_a_photo_just_uploaded_is_deleted_on_the_page(phone_page, live_server, draft):
    login(phone_page, live_server, "inspector")
    open_record(phone_page, live_server, draft)
    phone_page.evaluate("window.stillThisPage = true")
    phone_page.set_input_files("#photo-input", files=[photo_file()])
    uploaded = phone_page.locator("#visit-photos [data-photo-id]")
    expect(uploaded).to_have_count(1)
    delete_button = uploaded.get_by_role(
        "button", name=message(phone_page, "#visit-form", "photo-delete")
    )
    confirm = message(phone_page, "#visit-form", "photo-delete-confirm")

    phone_page.once("dialog", lambda dialog: dialog.dismiss())
    delete_button.click()
    expect(uploaded).to_have_count(1)
    assert draft.photos.count() == 1

    questions = []
    phone_page.once("dialog", lambda dialog: questions.append(dialog.message) or dialog.accept())
    delete_button.click()
    expect(uploaded).to_have_count(0)
    assert questions == [confirm]
    assert not draft.photos.exists()
    assert phone_page.evaluate("window.stillThisPage")  # no reload: nothing typed is lost
    assert phone_page.csp_violations == []


def test_check_in_near_the_school_shows_the_distance(phone_page, live_server, personas, draft):
    school = personas.school_b
    school.latitude, school.longitude = SCHOOL_POSITION["latitude"], SCHOOL_POSITION["longitude"]
    school.save()
    context = phone_page.context
    context.grant_permissions(["geolocation"], origin=live_server.url)
    # About 110 m north of the school.
    context.set_geolocation(
        {"latitude": SCHOOL_POSITION["latitude"] + 0.001, "longitude": 101.5706, "accuracy": 15}
    )
    login(phone_page, live_server, "inspector")
    open_record(phone_page, live_server, draft)

    phone_page.click("#check-in-button")

    distance = message(phone_page, "#check-in-button", "distance").replace("{distance}", "111")
    expect(phone_page.locator("#check-in-status")).to_have_text(distance)
    draft.refresh_from_db()
    assert draft.check_in_status == CheckInStatus.NEAR
    assert draft.check_in_distance == 111
    assert draft.check_in_accuracy == 15
    assert phone_page.csp_violations == []


def test_check_in_taken_offline_keeps_the_time_it_was_taken(
    phone_page, live_server, personas, draft
):
    school = personas.school_b
    school.latitude, school.longitude = SCHOOL_POSITION["latitude"], SCHOOL_POSITION["longitude"]
    school.save()
    context = phone_page.context
    context.grant_permissions(["geolocation"], origin=live_server.url)
    located_at = timezone.now()  # the emulated position carries the time it was set
    context.set_geolocation({**SCHOOL_POSITION, "accuracy": 20})
    login(phone_page, live_server, "inspector")
    open_record(phone_page, live_server, draft)
    # Only the check-in request may bring the time: the form's autosave (which carries the
    # position too) does not get through.
    phone_page.route("**/autosave/", lambda route: route.abort())

    go_offline(phone_page)
    phone_page.click("#check-in-button")
    offline = message(phone_page, "#check-in-button", "offline")
    expect(phone_page.locator("#check-in-status")).to_have_text(offline)
    in_form = phone_page.input_value("[name=check_in_taken_at]")
    time.sleep(1.5)
    reconnected_at = timezone.now()
    context.set_offline(False)

    at_school = message(phone_page, "#check-in-button", "distance").replace("{distance}", "0")
    expect(phone_page.locator("#check-in-status")).to_have_text(at_school)
    draft.refresh_from_db()
    assert draft.check_in_status == CheckInStatus.NEAR
    assert located_at - datetime.timedelta(seconds=1) <= draft.check_in_at < reconnected_at
    assert datetime.datetime.fromisoformat(in_form) == draft.check_in_at  # for the autosave


def test_check_in_without_permission_leaves_no_location(phone_page, live_server, draft):
    login(phone_page, live_server, "inspector")
    open_record(phone_page, live_server, draft)

    phone_page.click("#check-in-button")

    no_location = message(phone_page, "#check-in-button", "no-location")
    expect(phone_page.locator("#check-in-status")).to_have_text(no_location)
    draft.refresh_from_db()
    assert draft.check_in_status == CheckInStatus.PENDING
