"""Tampered or mistyped input on the visit pages gets a clear answer, never a server error, and
a second tap does not record a visit twice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from tests.factories_visits import VisitFactory
from visits.models import SHANGHAI, CheckInStatus, Visit, VisitKind
from visits.services import start_visit
from visits.tasks import send_draft_reminder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1999-12", "2026-13", "abcd"])
def test_an_impossible_month_is_a_form_error(client, personas, month):
    client.force_login(personas.office)
    response = client.get(reverse("visits:visit_list"), {"month": month})
    assert response.status_code == 200
    assert "请按“年-月”（如 2026-11）填写月份。" in response.content.decode()


def test_export_with_a_bad_filter_exports_nothing(client, personas):
    client.force_login(personas.office)
    response = client.get(
        reverse("visits:visit_export"), {"month": "0000-01", "kind": VisitKind.ROUTINE}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('visits:visit_list')}?month=0000-01&kind={VisitKind.ROUTINE}"
    )
    page = client.get(response["Location"]).content.decode()
    assert "请先更正筛选条件，未导出任何记录。" in page


def test_a_valid_filter_still_applies_next_to_a_bad_one(client, personas):
    made = {"inspector": personas.inspector, "created_by": personas.inspector_user}
    ours = VisitFactory(school=personas.school_a, **made)
    VisitFactory(school=personas.school_b, **made)
    client.force_login(personas.office)
    response = client.get(
        reverse("visits:visit_list"), {"school": personas.school_a.code, "month": "nonsense"}
    )
    assert [visit.pk for visit in response.context["page"].object_list] == [ours.pk]


def test_due_schools_follow_the_place_filters(client, personas):
    client.force_login(personas.office)
    url = reverse("visits:visit_list")
    response = client.get(url, {"school": personas.school_b.code, "due": "1"})
    assert [row.school for row in response.context["due_rows"]] == [personas.school_b]
    response = client.get(url, {"inspector": personas.inspector.name, "due": "1"})
    assert [row.school for row in response.context["due_rows"]] == [personas.school_b]


@pytest.mark.parametrize("tampered", ["abc", "²", "-1"])
def test_office_start_with_a_tampered_inspector_is_not_a_server_error(client, personas, tampered):
    client.force_login(personas.office)
    response = client.post(
        reverse("visits:visit_start", args=[personas.school_b.pk]), {"inspector": tampered}
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.inspector == personas.inspector  # the school's own inspector


def test_a_second_tap_on_start_opens_the_same_draft(inspector_client, personas):
    url = reverse("visits:visit_start", args=[personas.school_b.pk])
    first = inspector_client.post(url, {"kind": VisitKind.ROUTINE})
    second = inspector_client.post(url, {"kind": VisitKind.ROUTINE})
    assert first["Location"] == second["Location"]
    assert Visit.objects.count() == 1


def test_last_nights_draft_is_not_reused_for_this_mornings_visit(personas, draft):
    evening = datetime.datetime(2026, 3, 9, 20, 0, tzinfo=SHANGHAI)
    Visit.objects.filter(pk=draft.pk).update(arrived_at=evening)
    morning = datetime.datetime(2026, 3, 10, 7, 0, tzinfo=SHANGHAI)
    visit = start_visit(school=personas.school_b, actor=personas.inspector_user, now=morning)
    assert visit.pk != draft.pk and visit.arrived_at == morning
    later = start_visit(
        school=personas.school_b,
        actor=personas.inspector_user,
        now=morning + datetime.timedelta(hours=3),
    )
    assert later.pk == visit.pk  # the same day: the morning's draft again


@pytest.mark.parametrize("accuracy", ["inf", "-inf", "nan", "1e30", "-5"])
def test_an_impossible_accuracy_is_ignored(inspector_client, draft, accuracy):
    response = inspector_client.post(
        reverse("visits:check_in", args=[draft.pk]),
        {"lat": "36.5", "lon": "101.5", "accuracy": accuracy},
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.check_in_accuracy is None
    assert draft.check_in_status != CheckInStatus.NO_LOCATION


def test_autosave_skips_an_impossible_accuracy(inspector_client, draft):
    response = inspector_client.post(
        reverse("visits:visit_autosave", args=[draft.pk]),
        {
            "location_consent": "on",
            "check_in_latitude": "36.5",
            "check_in_longitude": "101.5",
            "check_in_accuracy": "1e30",
            "highlights": "留下",
        },
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.highlights == "留下" and draft.check_in_accuracy is None


@pytest.mark.parametrize(
    ("arrived", "kept"),
    [("0001-01-01T00:00", False), ("2030-01-01T08:00", False), ("today", True)],
)
def test_the_arrival_must_be_a_real_past_time(inspector_client, draft, arrived, kept):
    if arrived == "today":
        moment = timezone.localtime(timezone.now(), SHANGHAI) - datetime.timedelta(hours=1)
        arrived = moment.strftime("%Y-%m-%dT%H:%M")
    before = draft.arrived_at
    response = inspector_client.post(
        reverse("visits:visit_autosave", args=[draft.pk]), {"arrived_at": arrived}
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.arrived_at != before) is kept


def test_a_repeated_matter_in_a_tampered_form_is_saved_once(inspector_client, personas, draft):
    matter = personas.county.supervision_matters.get(number=1)
    data = {"matters-TOTAL_FORMS": "2", "matters-INITIAL_FORMS": "2"}
    for index in range(2):
        data[f"matters-{index}-matter"] = matter.pk
        data[f"matters-{index}-observation"] = f"第{index}次"
    response = inspector_client.post(reverse("visits:visit_autosave", args=[draft.pk]), data)
    assert response.status_code == 200
    assert draft.matter_notes.get().observation == "第0次"


def test_a_draft_reminder_reaches_an_inspector_without_email(personas, draft):
    assert personas.inspector_user.email == ""
    assert send_draft_reminder(draft.pk) is True
    notification = Notification.objects.get(user=personas.inspector_user)
    assert personas.school_b.name in notification.title
    assert notification.url == reverse("visits:visit_edit", args=[draft.pk])
    assert send_draft_reminder(draft.pk) is False
    assert Notification.objects.count() == 1
