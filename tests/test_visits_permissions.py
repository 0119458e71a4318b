"""Who may log which visit, and who may read, change or see what of it."""

import pytest
from django.urls import reverse

from accounts.models import Role
from inspectors.models import InspectorKind
from tests import factories
from tests.factories_visits import (
    VisitFactory,
    add_photo,
    matrix_draft_visit,
    matrix_submitted_visit,
    submitted_visit,
)
from visits.models import Visit, VisitKind, VisitPhoto, VisitStatus
from visits.services import may_log_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def special(personas):
    """A special-appointed inspector of the county (campus safety), with a login."""
    inspector = factories.InspectorFactory(
        county=personas.county, name="公安特聘督学", kind=InspectorKind.SPECIAL
    )
    inspector.themes.set(personas.county.supervision_matters.filter(number=6))
    user = factories.UserFactory(
        username="special", county=personas.county, role=Role.INSPECTOR, inspector=inspector
    )
    return user


def start(client, user, school, kind=""):
    client.force_login(user)
    return client.post(reverse("visits:visit_start", args=[school.pk]), {"kind": kind})


def test_assigned_inspector_may_log_any_kind_at_their_school(client, personas):
    for kind in VisitKind.values:
        assert may_log_visit(personas.inspector_user, personas.school_b, kind)
    response = start(client, personas.inspector_user, personas.school_b)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit_edit", args=[visit.pk])
    assert visit.is_draft and visit.inspector == personas.inspector
    assert visit.created_by == personas.inspector_user
    assert visit.kind == VisitKind.ROUTINE


def test_unassigned_inspector_may_not_log_a_visit(client, personas):
    assert not may_log_visit(personas.inspector_user, personas.school_a, VisitKind.ROUTINE)
    assert start(client, personas.inspector_user, personas.school_a).status_code == 403
    assert not Visit.objects.exists()


def test_ended_assignment_no_longer_allows_logging(client, personas):
    personas.inspector.assignments.update(ended_on="2026-01-31")
    assert start(client, personas.inspector_user, personas.school_b).status_code == 403


def test_special_appointed_inspector_logs_only_special_visits_anywhere_in_the_county(
    client, personas, special
):
    assert may_log_visit(special, personas.school_a, VisitKind.SPECIAL)
    assert not may_log_visit(special, personas.school_a, VisitKind.ROUTINE)
    assert not may_log_visit(special, personas.other_school, VisitKind.SPECIAL)

    start(client, special, personas.school_a, kind=VisitKind.ROUTINE)
    visit = Visit.objects.get()
    assert visit.kind == VisitKind.SPECIAL  # whatever was asked, the only kind allowed

    # The record covers their themes, and its kind cannot be switched to routine.
    response = client.get(reverse("visits:visit_edit", args=[visit.pk]))
    assert [form.matter_object.number for form in response.context["notes_formset"]] == [6]
    client.post(reverse("visits:visit_autosave", args=[visit.pk]), {"kind": VisitKind.ROUTINE})
    visit.refresh_from_db()
    assert visit.kind == VisitKind.SPECIAL


def test_special_inspector_logs_even_where_the_county_hides_other_schools(
    client, personas, special
):
    settings = personas.county.settings
    settings.inspectors_see_county = False
    settings.save()
    assert start(client, special, personas.school_a).status_code == 302
    assert Visit.objects.get().kind == VisitKind.SPECIAL


def test_office_may_log_a_visit_for_the_schools_inspector(client, personas):
    response = start(client, personas.office, personas.school_b)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.inspector == personas.inspector and visit.created_by == personas.office


def test_office_must_choose_an_inspector_for_a_school_without_one(client, personas):
    response = start(client, personas.office, personas.school_a)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("visits:visit_new"))
    assert not Visit.objects.exists()
    client.post(
        reverse("visits:visit_start", args=[personas.school_a.pk]),
        {"inspector": personas.inspector.pk},
    )
    assert Visit.objects.get().inspector == personas.inspector


@pytest.mark.parametrize("role", ["principal", "committee"])
def test_principal_and_committee_may_not_log_visits(client, personas, role):
    user = getattr(personas, role)
    assert not may_log_visit(user, personas.school_a, VisitKind.ROUTINE)
    assert start(client, user, personas.school_a).status_code == 403
    assert client.get(reverse("visits:visit_new")).status_code == 403
    assert not Visit.objects.exists()


def test_other_county_office_cannot_see_the_school(client, personas):
    assert start(client, personas.other_office, personas.school_b).status_code == 404


def test_principal_reads_only_submitted_visits_of_their_own_school(client, personas):
    own = matrix_submitted_visit(personas)
    draft = VisitFactory(
        school=personas.school_a, inspector=personas.inspector, created_by=personas.office
    )
    elsewhere = submitted_visit(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.office
    )
    client.force_login(personas.principal)
    assert client.get(reverse("visits:visit_detail", args=[own.pk])).status_code == 200
    for hidden in (draft, elsewhere):
        for name in ("visits:visit_detail", "visits:visit_print"):
            assert client.get(reverse(name, args=[hidden.pk])).status_code == 404
    listed = client.get(reverse("visits:school_visits")).context["page"].object_list
    assert [visit.pk for visit in listed] == [own.pk]


def test_principal_sees_photos_only_of_their_own_submitted_visits(client, personas):
    visit = VisitFactory(
        school=personas.school_a, inspector=personas.inspector, created_by=personas.office
    )
    photo = add_photo(visit, personas.office)
    url = reverse("visits:photo_file", args=[photo.pk, "full"])
    client.force_login(personas.principal)
    assert client.get(url).status_code == 404  # still a draft
    visit.submit(personas.office)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photos_are_stored_under_unguessable_names_outside_public_urls(personas):
    photo = add_photo(matrix_draft_visit(personas), personas.inspector_user)
    photo.refresh_from_db()
    for stored in (photo.image.name, photo.thumbnail.name):
        assert "photo" not in stored.rsplit("/", 1)[-1]
        assert len(stored.rsplit("/", 1)[-1].split(".")[0]) == 32  # a uuid4 in hex
    assert photo.original_name == "photo.jpg"


def test_inspector_sees_submitted_visits_of_their_schools_but_not_others_drafts(client, personas):
    other = factories.InspectorFactory(county=personas.county)
    other_user = factories.UserFactory(
        username="colleague", county=personas.county, role=Role.INSPECTOR, inspector=other
    )
    factories.AssignmentFactory(inspector=other, school=personas.school_b)
    theirs_submitted = submitted_visit(
        school=personas.school_b, inspector=other, created_by=other_user
    )
    theirs_draft = VisitFactory(school=personas.school_b, inspector=other, created_by=other_user)
    client.force_login(personas.inspector_user)
    assert client.get(reverse("visits:visit_detail", args=[theirs_submitted.pk])).status_code == 200
    assert client.get(reverse("visits:visit_detail", args=[theirs_draft.pk])).status_code == 404
    # Seeing a colleague's record is not changing it.
    assert client.get(reverse("visits:visit_edit", args=[theirs_draft.pk])).status_code == 404
    response = client.post(
        reverse("visits:visit_amend", args=[theirs_submitted.pk]), {"text": "补充"}
    )
    assert response.status_code == 403


def test_co_inspector_reads_but_does_not_edit(client, personas):
    lead = factories.InspectorFactory(county=personas.county)
    factories.AssignmentFactory(inspector=lead, school=personas.school_a)
    visit = VisitFactory(school=personas.school_a, inspector=lead, created_by=personas.office)
    visit.co_inspectors.add(personas.inspector)
    client.force_login(personas.inspector_user)
    assert client.get(reverse("visits:visit_detail", args=[visit.pk])).status_code == 200
    assert client.get(reverse("visits:visit_edit", args=[visit.pk])).status_code == 403


def test_office_may_discard_a_draft_it_started_and_delete_its_photos(client, personas):
    visit = VisitFactory(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.office
    )
    photo = add_photo(visit, personas.office)
    client.force_login(personas.office)
    client.post(reverse("visits:photo_delete", args=[photo.pk]))
    assert not VisitPhoto.objects.exists()
    client.post(reverse("visits:visit_discard", args=[visit.pk]))
    assert not Visit.objects.exists()


def test_office_cannot_discard_an_inspectors_draft_nor_delete_its_photos(client, personas):
    visit = matrix_draft_visit(personas)
    photo = add_photo(visit, personas.inspector_user)
    client.force_login(personas.office)
    assert client.post(reverse("visits:photo_delete", args=[photo.pk])).status_code == 404
    assert client.post(reverse("visits:visit_discard", args=[visit.pk])).status_code == 404
    assert Visit.objects.filter(pk=visit.pk).exists() and VisitPhoto.objects.exists()


def test_a_submitted_visit_cannot_be_discarded_nor_its_photos_deleted(client, personas):
    visit = matrix_submitted_visit(personas, with_photo=True)
    client.force_login(personas.office)
    client.post(reverse("visits:photo_delete", args=[visit.photos.get().pk]))
    client.post(reverse("visits:visit_discard", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED and visit.photos.count() == 1


def test_principal_cannot_mark_read_or_reply_for_another_school(client, personas):
    visit = submitted_visit(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.office
    )
    client.force_login(personas.principal)
    assert client.post(reverse("visits:visit_read", args=[visit.pk])).status_code == 404
    response = client.post(reverse("visits:visit_reply", args=[visit.pk]), {"text": "好"})
    assert response.status_code == 404
    visit.refresh_from_db()
    assert visit.read_at is None and visit.principal_reply == ""
