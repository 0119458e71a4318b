"""A draft is its authors' working copy: the inspector it is for, whoever started it and its
co-inspectors read it; the office only sees in lists that it exists; the committee and
principals do not see it at all."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.factories_visits import (
    VisitFactory,
    add_photo,
    matrix_draft_visit,
    matrix_submitted_visit,
)
from visits.models import CheckInStatus, Visit

pytestmark = pytest.mark.django_db

SECRET = "食堂账目混乱，待核实"
READ_URLS = ("visits:visit_detail", "visits:visit_print", "visits:visit_edit")


@pytest.fixture
def draft(personas):
    visit = matrix_draft_visit(personas)
    visit.highlights = SECRET
    visit.save()
    return visit


def statuses(client, user, visit) -> dict:
    client.force_login(user)
    return {name: client.get(reverse(name, args=[visit.pk])).status_code for name in READ_URLS}


@pytest.mark.parametrize("role", ["office", "committee", "principal", "other_office"])
def test_nobody_but_its_authors_opens_a_draft(client, personas, draft, role):
    user = getattr(personas, role)
    assert set(statuses(client, user, draft).values()) == {404}
    photo = add_photo(draft, personas.inspector_user)
    assert client.get(reverse("visits:photo_file", args=[photo.pk, "full"])).status_code == 404
    response = client.post(reverse("visits:visit_autosave", args=[draft.pk]), {"highlights": "x"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.highlights == SECRET
    assert not Visit.objects.for_user(user).filter(pk=draft.pk).exists()


def test_its_inspector_and_co_inspectors_read_it(client, personas, draft):
    assert statuses(client, personas.inspector_user, draft) == dict.fromkeys(READ_URLS, 200)
    colleague = factories.InspectorFactory(county=personas.county)
    colleague_user = factories.UserFactory(
        username="colleague", county=personas.county, role="inspector", inspector=colleague
    )
    assert set(statuses(client, colleague_user, draft).values()) == {404}
    draft.co_inspectors.add(colleague)
    seen = statuses(client, colleague_user, draft)
    assert (
        seen["visits:visit_detail"] == 200
        and SECRET in client.get(reverse("visits:visit_detail", args=[draft.pk])).content.decode()
    )
    assert seen["visits:visit_edit"] == 403  # reading is not editing


def test_the_office_opens_the_drafts_it_started(client, personas):
    own = VisitFactory(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.office
    )
    assert statuses(client, personas.office, own) == dict.fromkeys(READ_URLS, 200)


def test_the_office_list_shows_only_that_a_draft_exists(client, personas, draft):
    submitted = matrix_submitted_visit(personas)
    client.force_login(personas.office)
    response = client.get(reverse("visits:visit_list"))
    page = response.content.decode()
    assert {visit.pk for visit in response.context["page"].object_list} == {
        draft.pk,
        submitted.pk,
    }
    assert response.context["readable"] == {submitted.pk}
    assert reverse("visits:visit_detail", args=[submitted.pk]) in page
    assert reverse("visits:visit_detail", args=[draft.pk]) not in page
    assert reverse("visits:visit_edit", args=[draft.pk]) not in page
    assert SECRET not in page
    # School, inspector and when it began are shown.
    assert draft.school.name in page and draft.inspector.name in page
    assert "仅作者可以打开草稿" in page


def test_content_filters_and_the_export_leave_out_unreadable_drafts(client, personas, draft):
    matter = personas.county.supervision_matters.get(number=6)
    draft.matter_notes.create(matter=matter, looked_at=True)
    draft.check_in_status = CheckInStatus.FAR
    draft.save()
    client.force_login(personas.office)
    url = reverse("visits:visit_list")
    assert draft in client.get(url, {"status": "draft"}).context["page"].object_list
    assert not client.get(url, {"matter": matter.pk}).context["page"].object_list
    assert not client.get(url, {"flagged": "on"}).context["page"].object_list
    export = client.get(reverse("visits:visit_export"))
    assert export.status_code == 200
    rows = list(
        load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 1  # the header only
    assert SECRET not in str(rows)


@pytest.mark.parametrize("role", ["committee", "principal"])
def test_committee_and_principals_do_not_see_drafts_in_lists(client, personas, draft, role):
    client.force_login(getattr(personas, role))
    name = "visits:school_visits" if role == "principal" else "visits:visit_list"
    if role == "principal":
        draft.school = personas.school_a
        draft.save()
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert draft not in response.context["page"].object_list
    assert SECRET not in response.content.decode()
