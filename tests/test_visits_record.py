"""The record: lenient drafts, strict submission, problems becoming rectification items in one
transaction, amendments instead of edits, check-in distance, photo uploads."""

import datetime
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dudao.photos import process_photo
from rectifications.models import RectificationItem, RectificationState, Severity, SourceKind
from tests.factories_visits import (
    add_photo,
    image_bytes,
    matrix_submitted_visit,
)
from visits.models import (
    CheckInStatus,
    Visit,
    VisitEvent,
    VisitKind,
    VisitMethod,
    VisitProblem,
    VisitStatus,
    client_moment,
    haversine_meters,
)

pytestmark = pytest.mark.django_db


def matters(personas):
    return list(personas.county.supervision_matters.order_by("number"))


def record_data(personas, visit, **overrides) -> dict:
    """The whole record form as the browser posts it: a complete record with one problem."""
    arrived = timezone.localtime(visit.arrived_at)
    data = {
        "kind": VisitKind.ROUTINE,
        "arrived_at": arrived.strftime("%Y-%m-%dT%H:%M"),
        "departed_at": "",
        "methods": [VisitMethod.CAMPUS_TOUR, VisitMethod.DOCUMENT_REVIEW],
        "highlights": "课后服务丰富",
        "suggestions": "加强安全检查",
        "feedback_to_school": "已现场反馈，请按期整改。",
        "matters-TOTAL_FORMS": "8",
        "matters-INITIAL_FORMS": "8",
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-0-matter": matters(personas)[5].pk,
        "problems-0-severity": Severity.SERIOUS,
        "problems-0-description": "消防通道堆放杂物",
        "problems-0-required_change": "立即清理",
        "problems-0-deadline": "",
    }
    for index, matter in enumerate(matters(personas)):
        data[f"matters-{index}-matter"] = matter.pk
    data["matters-5-judgement"] = "problem"
    data["matters-5-observation"] = "二楼通道堆放桌椅"
    data.update(overrides)
    return data


def post_edit(client, visit, data, action):
    return client.post(reverse("visits:visit_edit", args=[visit.pk]), {**data, "action": action})


# --- drafts -----------------------------------------------------------------------------------


def test_autosave_keeps_everything_typed_without_required_fields(inspector_client, personas, draft):
    data = record_data(personas, draft, methods=[], feedback_to_school="")
    data["problems-0-matter"] = ""  # an unfinished problem row is kept too
    data["problems-0-deadline"] = "not a date"
    response = inspector_client.post(reverse("visits:visit_autosave", args=[draft.pk]), data)

    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    draft.refresh_from_db()
    assert datetime.datetime.fromisoformat(answer["saved_at"]) == draft.updated_at
    assert draft.highlights == "课后服务丰富" and draft.suggestions == "加强安全检查"
    assert draft.is_draft
    note = draft.matter_notes.get()
    assert (note.matter.number, note.judgement, note.observation) == (
        6,
        "problem",
        "二楼通道堆放桌椅",
    )
    problem = draft.problems.get()
    assert problem.description == "消防通道堆放杂物" and problem.matter is None
    assert problem.deadline is None and problem.rectification_item is None
    assert not RectificationItem.objects.exists()


def test_autosave_never_blanks_required_fields_and_skips_invalid_ones(
    inspector_client, personas, draft
):
    arrived = draft.arrived_at
    inspector_client.post(
        reverse("visits:visit_autosave", args=[draft.pk]),
        {"arrived_at": "", "kind": "nonsense", "departed_at": "2000-01-01T08:00"},
    )
    draft.refresh_from_db()
    assert draft.arrived_at == arrived and draft.kind == VisitKind.ROUTINE
    assert draft.departed_at is None  # before the arrival: not taken


def test_a_matter_with_a_judgement_counts_as_looked_at(inspector_client, personas, draft):
    data = record_data(personas, draft)
    del data["matters-5-observation"]
    inspector_client.post(reverse("visits:visit_autosave", args=[draft.pk]), data)
    note = draft.matter_notes.get()
    assert note.looked_at and note.judgement == "problem"


def test_autosave_of_a_submitted_visit_answers_409(inspector_client, personas):
    visit = matrix_submitted_visit(personas)
    response = inspector_client.post(
        reverse("visits:visit_autosave", args=[visit.pk]), {"highlights": "改"}
    )
    assert response.status_code == 409
    assert response.json()["ok"] is False
    visit.refresh_from_db()
    assert visit.highlights == ""


def test_save_draft_button_keeps_the_draft(inspector_client, personas, draft):
    response = post_edit(inspector_client, draft, record_data(personas, draft), "save")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_draft and draft.problems.count() == 1


def test_edit_page_follows_the_contract_with_the_offline_script(inspector_client, personas, draft):
    add_photo(draft, personas.inspector_user)
    html = inspector_client.get(reverse("visits:visit_edit", args=[draft.pk])).content.decode()
    for fragment in (
        'id="visit-form"',
        'enctype="multipart/form-data"',
        f'data-autosave-url="{reverse("visits:visit_autosave", args=[draft.pk])}"',
        f'data-photo-url="{reverse("visits:photo_upload", args=[draft.pk])}"',
        f'data-draft-key="visit-{draft.pk}"',
        "data-server-saved-at=",
        'id="visit-photos"',
        'id="photo-input"',
        'accept="image/*,application/pdf" multiple',  # camera, gallery or a PDF
        'data-max-bytes="10485760"',  # the county's upload limit, checked before sending
        'id="autosave-status"',
        'id="problems-empty-form"',
        "problems-__prefix__-description",
        'id="add-problem"',
        'id="check-in-button"',
        "js/visit_form.js",
        "js/check_in.js",
        'class="visit-photo"',
    ):
        assert fragment in html, fragment
    form_html = html[
        html.index('id="visit-form"') : html.index("</form>", html.index('id="visit-form"'))
    ]
    assert 'id="photo-input"' not in form_html  # the script uploads photos itself


# --- submitting -------------------------------------------------------------------------------


def test_submit_locks_the_record_and_opens_rectification_items(inspector_client, personas, draft):
    response = post_edit(inspector_client, draft, record_data(personas, draft), "submit")

    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == VisitStatus.SUBMITTED
    assert draft.submitted_by == personas.inspector_user and draft.submitted_at
    assert draft.departed_at is not None
    assert draft.check_in_status == CheckInStatus.NO_LOCATION  # never checked in
    item = RectificationItem.objects.get()
    assert (item.school, item.visit, item.source) == (personas.school_b, draft, SourceKind.VISIT)
    assert item.state == RectificationState.OPEN and item.severity == Severity.SERIOUS
    assert item.responsible_inspector == personas.inspector
    visit_day = timezone.localtime(draft.arrived_at).date()
    days = personas.county.settings.deadline_days_serious
    assert item.deadline == visit_day + datetime.timedelta(days=days)
    assert draft.problems.get().rectification_item == item
    assert list(draft.events.values_list("action", flat=True)) == [VisitEvent.Action.SUBMITTED]


def test_submitting_costs_the_same_few_queries_however_many_problems(
    inspector_client, personas, draft, django_assert_max_num_queries
):
    """Each matter and problem row chooses among the matters loaded once for the record
    (``LoadedModelChoiceField``), and a complete record is checked once, not twice."""
    data = record_data(personas, draft, **{"problems-TOTAL_FORMS": "3"})
    for index in (1, 2):
        data[f"problems-{index}-matter"] = matters(personas)[index].pk
        data[f"problems-{index}-severity"] = Severity.GENERAL
        data[f"problems-{index}-description"] = f"问题{index}"
    # Per problem: a savepoint and its release, the item, its opening event, its notice to
    # send and the problem's link to its item. Before: 20 more (a matter query per row, twice).
    with django_assert_max_num_queries(28 + 6 * 3):
        response = post_edit(inspector_client, draft, data, "submit")
    assert response.status_code == 302
    assert RectificationItem.objects.filter(visit=draft).count() == 3


def test_a_matter_of_another_county_is_refused_without_losing_the_draft(
    inspector_client, personas, draft
):
    other = personas.other_county.supervision_matters.first()
    data = record_data(personas, draft, **{"problems-0-matter": other.pk})
    response = post_edit(inspector_client, draft, data, "submit")
    assert response.status_code == 200
    assert "matter" in response.context["problems_formset"].forms[0].errors
    draft.refresh_from_db()
    assert draft.is_draft and draft.highlights == "课后服务丰富"
    assert not RectificationItem.objects.exists()


def test_no_edit_after_submission(inspector_client, personas, draft):
    post_edit(inspector_client, draft, record_data(personas, draft), "submit")
    response = inspector_client.get(reverse("visits:visit_edit", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit_detail", args=[draft.pk])
    post_edit(inspector_client, draft, record_data(personas, draft, highlights="偷偷修改"), "save")
    draft.refresh_from_db()
    assert draft.highlights == "课后服务丰富"
    with pytest.raises(ValidationError):
        draft.submit(personas.inspector_user)
    assert RectificationItem.objects.count() == 1


def test_validation_errors_keep_typed_data_and_uploaded_photos(inspector_client, personas, draft):
    add_photo(draft, personas.inspector_user)
    data = record_data(personas, draft, methods=[], feedback_to_school="")
    data["problems-0-matter"] = ""
    response = post_edit(inspector_client, draft, data, "submit")

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"methods", "feedback_to_school"}
    assert "matter" in response.context["problems_formset"].forms[0].errors
    html = response.content.decode()
    assert "课后服务丰富" in html and "消防通道堆放杂物" in html and "二楼通道堆放桌椅" in html
    assert len(response.context["photos"]) == 1
    draft.refresh_from_db()
    assert draft.is_draft and draft.highlights == "课后服务丰富"  # also saved as draft
    assert draft.photos.count() == 1
    assert not RectificationItem.objects.exists()


def test_submission_needs_a_judgement_and_at_least_one_matter(inspector_client, personas, draft):
    data = record_data(personas, draft)
    data["matters-5-judgement"] = ""
    response = post_edit(inspector_client, draft, data, "submit")
    assert response.context["notes_formset"].forms[5].errors["judgement"]

    for key in ("matters-5-judgement", "matters-5-observation"):
        data.pop(key, None)
    response = post_edit(inspector_client, draft, data, "submit")
    assert response.context["notes_formset"].non_form_errors()
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_departure_on_another_day_is_refused(inspector_client, personas, draft):
    # Arrived at 20:00, "departed" at 07:00 the next morning: within a day, but not that day.
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    evening = yesterday.replace(hour=20, minute=0, second=0, microsecond=0)
    Visit.objects.filter(pk=draft.pk).update(arrived_at=evening)
    draft.refresh_from_db()
    late = (evening + datetime.timedelta(hours=11)).strftime("%Y-%m-%dT%H:%M")
    data = record_data(personas, draft, departed_at=late)
    response = post_edit(inspector_client, draft, data, "submit")
    assert "离校时间应与到校时间在同一天" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft and draft.departed_at is None


def test_problem_deadline_before_the_visit_is_refused(inspector_client, personas, draft):
    data = record_data(personas, draft, **{"problems-0-deadline": "2000-01-01"})
    response = post_edit(inspector_client, draft, data, "submit")
    assert response.context["problems_formset"].forms[0].errors["deadline"]
    assert not RectificationItem.objects.exists()


def test_problems_become_items_atomically_with_the_submission(personas, draft):
    for position, number in enumerate((6, 7)):
        VisitProblem.objects.create(
            visit=draft,
            position=position,
            matter=personas.county.supervision_matters.get(number=number),
            description=f"问题{number}",
        )
    from rectifications import services

    real_open_item = services.open_item
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_open_item(**kwargs)

    with (
        mock.patch("rectifications.services.open_item", side_effect=second_fails),
        pytest.raises(RuntimeError),
    ):
        draft.submit(personas.inspector_user)

    assert len(calls) == 2
    assert not RectificationItem.objects.exists()
    draft.refresh_from_db()
    assert draft.is_draft and draft.submitted_at is None
    assert not draft.problems.filter(rectification_item__isnull=False).exists()
    assert not draft.events.filter(action=VisitEvent.Action.SUBMITTED).exists()


def test_incomplete_problem_rows_stop_the_submission_in_the_model(personas, draft):
    VisitProblem.objects.create(visit=draft, description="没有选事项")
    with pytest.raises(ValidationError):
        draft.submit(personas.inspector_user)
    draft.refresh_from_db()
    assert draft.is_draft


def test_only_someone_who_may_edit_submits(personas, draft):
    # The office did not start this draft: it is the inspector's to submit.
    for user in (personas.principal, personas.committee, personas.other_office, personas.office):
        with pytest.raises(PermissionDenied):
            draft.submit(user)
    draft.submit(personas.inspector_user)
    assert draft.status == VisitStatus.SUBMITTED


# --- after submission: amendments, reading, replying -------------------------------------------


def test_corrections_are_appended_with_who_and_when(inspector_client, personas):
    visit = matrix_submitted_visit(personas)
    before = timezone.now()
    response = inspector_client.post(
        reverse("visits:visit_amend", args=[visit.pk]), {"text": "离校时间应为16:30"}
    )
    assert response.status_code == 302
    amendment = visit.amendments.get()
    assert amendment.author == personas.inspector_user and amendment.at >= before
    assert amendment.text == "离校时间应为16:30"
    assert visit.events.filter(action=VisitEvent.Action.AMENDED, actor=personas.inspector_user)
    page = inspector_client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "离校时间应为16:30" in page


def test_a_draft_is_not_amended_and_nobody_else_amends(personas, draft):
    with pytest.raises(ValidationError):
        draft.amend(personas.inspector_user, "更正")
    visit = matrix_submitted_visit(personas)
    for user in (personas.principal, personas.committee):
        with pytest.raises(PermissionDenied):
            visit.amend(user, "更正")
    assert not visit.amendments.exists()


def test_principal_marks_read_and_replies_once_and_the_inspector_sees_it(client, personas):
    visit = matrix_submitted_visit(personas)
    client.force_login(personas.principal)
    client.post(reverse("visits:visit_read", args=[visit.pk]))
    visit.refresh_from_db()
    first_read = visit.read_at
    assert first_read and visit.read_by == personas.principal
    client.post(reverse("visits:visit_read", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.read_at == first_read  # the first reading counts

    client.post(reverse("visits:visit_reply", args=[visit.pk]), {"text": "已安排整改"})
    response = client.post(reverse("visits:visit_reply", args=[visit.pk]), {"text": "再说一次"})
    visit.refresh_from_db()
    assert visit.principal_reply == "已安排整改" and visit.replied_by == personas.principal
    assert response.status_code == 302

    client.force_login(personas.inspector_user)
    page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "已安排整改" in page and "已阅" in page
    actions = list(visit.events.values_list("action", flat=True))
    assert actions == ["submitted", "read", "replied"]


def test_only_the_schools_principal_marks_read(personas):
    visit = matrix_submitted_visit(personas)
    for user in (personas.inspector_user, personas.office):
        with pytest.raises(PermissionDenied):
            visit.mark_read(user)


# --- check-in ---------------------------------------------------------------------------------


def test_haversine_distance():
    # Two points 0.01° of latitude apart: about 1112 m.
    assert round(haversine_meters(36.5, 101.5, 36.51, 101.5)) == 1112


@pytest.mark.parametrize(
    ("latitude", "status", "flagged"),
    [("36.5020", CheckInStatus.NEAR, False), ("36.5300", CheckInStatus.FAR, True)],
)
def test_check_in_measures_the_distance_to_the_school(
    inspector_client, personas, draft, latitude, status, flagged
):
    personas.school_b.latitude, personas.school_b.longitude = Decimal("36.5"), Decimal("101.5")
    personas.school_b.save()
    response = inspector_client.post(
        reverse("visits:check_in", args=[draft.pk]),
        {"lat": latitude, "lon": "101.5", "accuracy": "12.6"},
    )
    answer = response.json()
    assert answer["status"] == status and answer["flagged"] is flagged
    draft.refresh_from_db()
    assert draft.check_in_status == status and draft.location_consent
    assert draft.check_in_accuracy == 13
    assert abs(draft.check_in_distance - (222 if status == CheckInStatus.NEAR else 3336)) <= 2
    assert answer["distance_m"] == draft.check_in_distance


def test_check_in_without_position_is_allowed_and_marked(inspector_client, draft):
    answer = inspector_client.post(reverse("visits:check_in", args=[draft.pk]), {}).json()
    assert answer["status"] == CheckInStatus.NO_LOCATION and answer["flagged"] is True
    draft.refresh_from_db()
    assert draft.check_in_latitude is None and not draft.location_consent


def test_check_in_through_the_form_fields_needs_consent(inspector_client, personas, draft):
    url = reverse("visits:visit_autosave", args=[draft.pk])
    position = {"check_in_latitude": "36.5", "check_in_longitude": "101.5"}
    inspector_client.post(url, position)
    draft.refresh_from_db()
    assert draft.check_in_status == CheckInStatus.PENDING
    inspector_client.post(url, {**position, "location_consent": "True"})
    draft.refresh_from_db()
    assert draft.check_in_status == CheckInStatus.UNKNOWN_DISTANCE  # school has no coordinates
    assert draft.check_in_latitude == Decimal("36.500000")


def test_an_offline_check_in_records_when_the_position_was_taken(inspector_client, draft):
    # Taken offline at the gate, sent an hour later when the connection returned.
    taken = draft.arrived_at + datetime.timedelta(minutes=2)
    inspector_client.post(
        reverse("visits:check_in", args=[draft.pk]),
        {"lat": "36.5", "lon": "101.5", "taken_at": taken.isoformat().replace("+00:00", "Z")},
    )
    draft.refresh_from_db()
    assert draft.check_in_at == taken


def test_an_offline_check_in_through_the_form_records_when_it_was_taken(inspector_client, draft):
    taken = draft.arrived_at + datetime.timedelta(minutes=3)
    position = {"location_consent": "True", "check_in_latitude": "36.5"}
    inspector_client.post(
        reverse("visits:visit_autosave", args=[draft.pk]),
        {**position, "check_in_longitude": "101.5", "check_in_taken_at": taken.isoformat()},
    )
    draft.refresh_from_db()
    assert draft.check_in_at == taken and draft.check_in_latitude == Decimal("36.500000")


@pytest.mark.parametrize(
    "taken_at", ["future", "long_before_arrival", "1970-01-01T00:00:00Z", "garbage", ""]
)
def test_an_unbelievable_check_in_time_falls_back_to_now(inspector_client, draft, taken_at):
    claimed = {
        "future": timezone.now() + datetime.timedelta(hours=2),
        "long_before_arrival": draft.arrived_at - datetime.timedelta(days=1),
    }
    if taken_at in claimed:
        taken_at = claimed[taken_at].isoformat()
    before = timezone.now()
    inspector_client.post(
        reverse("visits:check_in", args=[draft.pk]),
        {"lat": "36.5", "lon": "101.5", "taken_at": taken_at},
    )
    draft.refresh_from_db()
    assert before <= draft.check_in_at <= timezone.now()


def test_a_failed_check_in_tap_counts_as_no_location(personas, draft):
    # The phone gave no position, so nothing reached the server: the draft is still pending.
    assert draft.check_in_status == CheckInStatus.PENDING
    assert draft.is_flagged
    draft.submit(personas.inspector_user)
    assert draft.check_in_status == CheckInStatus.NO_LOCATION and draft.is_flagged


def test_a_later_autosave_does_not_wipe_the_check_in(inspector_client, personas, draft):
    inspector_client.post(reverse("visits:check_in", args=[draft.pk]), {"lat": 36.5, "lon": 101})
    inspector_client.post(reverse("visits:visit_autosave", args=[draft.pk]), {"highlights": "x"})
    draft.refresh_from_db()
    assert draft.check_in_latitude == Decimal("36.500000")


# --- photos -----------------------------------------------------------------------------------


def upload(client, visit, data: bytes, name="photo.jpg", content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("visits:photo_upload", args=[visit.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        headers={"Accept": "application/json"},
    )


def test_photo_upload_answers_with_the_new_photo(inspector_client, draft):
    response = upload(inspector_client, draft, image_bytes("PNG"), name="教室.png")
    assert response.status_code == 201
    answer = response.json()
    photo = draft.photos.get()
    assert photo.size > 0 and "KB" in answer["size_display"]
    assert answer == {
        "id": photo.pk,
        "kind": "photo",
        "size": photo.size,
        "size_display": answer["size_display"],  # e.g. "1.0 KB", in the user's language
        "thumbnail_url": reverse("visits:photo_file", args=[photo.pk, "thumb"]),
        "url": reverse("visits:photo_file", args=[photo.pk, "full"]),
        "name": "教室.png",
        "delete_url": reverse("visits:photo_delete", args=[photo.pk]),
    }
    assert inspector_client.get(answer["thumbnail_url"]).status_code == 200


def test_photo_delete_answers_json_when_asked_and_redirects_otherwise(inspector_client, draft):
    first = upload(inspector_client, draft, image_bytes()).json()
    second = upload(inspector_client, draft, image_bytes()).json()

    response = inspector_client.post(first["delete_url"], headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json() == {"ok": True}
    response = inspector_client.post(second["delete_url"])
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit_edit", args=[draft.pk])
    assert not draft.photos.exists()


def test_photo_delete_of_a_submitted_visit_answers_409_in_json(inspector_client, personas):
    visit = matrix_submitted_visit(personas, with_photo=True)
    url = reverse("visits:photo_delete", args=[visit.photos.get().pk])
    response = inspector_client.post(url, headers={"Accept": "application/json"})
    assert response.status_code == 409 and visit.photos.count() == 1


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Plain text renamed to a PDF", "report.pdf"),
        (b"<?php echo 'disguised'; ?>", "photo.jpg"),  # a script dressed as a photo
        (image_bytes("GIF"), "animation.gif"),
    ],
)
def test_upload_rejects_what_is_not_a_photo(inspector_client, draft, data, name):
    response = upload(inspector_client, draft, data, name=name)
    assert response.status_code == 400
    assert "照片" in response.json()["error"] or "图片" in response.json()["error"]
    assert not draft.photos.exists()


def test_upload_rejects_a_photo_over_the_county_limit(inspector_client, personas, draft):
    personas.county.settings.photo_max_megabytes = 1
    personas.county.settings.save()
    big = image_bytes("BMP", size=(700, 600))  # about 1.2 MB
    response = upload(inspector_client, draft, big, name="big.jpg")
    assert response.status_code == 400
    assert "1 MB" in response.json()["error"]


def test_upload_stops_at_the_photos_per_visit_limit(inspector_client, personas, draft):
    personas.county.settings.photos_per_visit = 1
    personas.county.settings.save()
    assert upload(inspector_client, draft, image_bytes()).status_code == 201
    response = upload(inspector_client, draft, image_bytes())
    assert response.status_code == 400 and "1" in response.json()["error"]


def test_upload_to_a_submitted_visit_answers_409(inspector_client, personas):
    visit = matrix_submitted_visit(personas)
    assert upload(inspector_client, visit, image_bytes()).status_code == 409


def test_uploaded_photo_has_no_exif(inspector_client, draft):
    from io import BytesIO

    from PIL import Image

    source = Image.new("RGB", (80, 60), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buffer = BytesIO()
    source.save(buffer, "JPEG", exif=exif.tobytes())
    upload(inspector_client, draft, buffer.getvalue())
    stored = draft.photos.get().image.read()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored


def upload_taken_at(client, visit, taken_at: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("visits:photo_upload", args=[visit.pk]),
        {
            "file": SimpleUploadedFile("photo.jpg", image_bytes(), content_type="image/jpeg"),
            "taken_at": taken_at,
        },
        headers={"Accept": "application/json"},
    )


def test_photo_is_stamped_and_stored_with_the_time_it_was_taken(inspector_client, draft):
    # Chosen offline ten minutes after arriving, uploaded when the connection returned.
    taken = draft.arrived_at + datetime.timedelta(minutes=10)
    with mock.patch("visits.services.process_photo", wraps=process_photo) as processing:
        response = upload_taken_at(inspector_client, draft, taken.isoformat())
    assert response.status_code == 201
    photo = draft.photos.get()
    assert photo.taken_at == taken
    assert photo.uploaded_at - taken >= datetime.timedelta(minutes=50)
    stamp = processing.call_args.kwargs["stamp_text"]
    assert stamp == f"{draft.school.name} {timezone.localtime(taken):%Y-%m-%d %H:%M}"


@pytest.mark.parametrize(
    "taken_at",
    [
        "in_an_hour",  # a phone clock far ahead
        "13_hours_before_arrival",  # another day's photo, or a phone clock far behind
        "yesterday",  # not a time at all
        "2026-02-30T10:00:00Z",  # a malformed one
        "",
    ],
)
def test_an_unbelievable_photo_time_falls_back_to_the_upload_time(
    inspector_client, draft, taken_at
):
    claimed = {
        "in_an_hour": timezone.now() + datetime.timedelta(hours=1),
        "13_hours_before_arrival": draft.arrived_at - datetime.timedelta(hours=13),
    }
    if taken_at in claimed:
        taken_at = claimed[taken_at].isoformat()
    before = timezone.now()
    assert upload_taken_at(inspector_client, draft, taken_at).status_code == 201
    photo = draft.photos.get()
    assert before <= photo.taken_at <= timezone.now()


@pytest.mark.parametrize(
    ("offset", "believed"),
    [
        (datetime.timedelta(minutes=4), "now"),  # clock skew: never later than now
        (datetime.timedelta(minutes=6), "now"),  # beyond the skew
        (-datetime.timedelta(hours=1), "claimed"),  # before the arrival, within the margin
        (-datetime.timedelta(hours=11, minutes=59), "claimed"),
        (-datetime.timedelta(hours=12, minutes=1), "now"),
    ],
)
def test_client_moment_bounds(offset, believed):
    now = timezone.now()
    arrived_at = now - datetime.timedelta(minutes=30)
    claimed = (now if offset > datetime.timedelta(0) else arrived_at) + offset
    moment = client_moment(claimed, arrived_at=arrived_at, now=now)
    assert moment == (claimed if believed == "claimed" else now)
    assert client_moment(None, arrived_at=arrived_at, now=now) == now


def test_json_answers_are_json(inspector_client, draft):
    response = inspector_client.post(reverse("visits:check_in", args=[draft.pk]), {})
    assert response["Content-Type"] == "application/json"
    json.loads(response.content)
