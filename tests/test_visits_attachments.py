"""PDF files on a visit: recognised by their first bytes, within the county's upload limit and the
shared per-visit limit, stored under unguessable names, downloaded only by who may see the visit."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.factories_visits import (
    VisitFactory,
    add_pdf,
    add_photo,
    image_bytes,
    matrix_submitted_visit,
    pdf_bytes,
)
from visits.models import VisitPhoto

pytestmark = pytest.mark.django_db


def upload(client, visit, data: bytes, name: str, content_type: str = "application/pdf"):
    return client.post(
        reverse("visits:photo_upload", args=[visit.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        headers={"Accept": "application/json"},
    )


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_pdf_is_accepted_kept_as_uploaded_under_an_unguessable_name(inspector_client, draft):
    response = upload(inspector_client, draft, pdf_bytes(), "自查报告.pdf")
    assert response.status_code == 201
    attachment = draft.photos.get()
    assert attachment.kind == VisitPhoto.Kind.PDF
    assert attachment.original_name == "自查报告.pdf"
    assert attachment.size == len(pdf_bytes())
    assert not attachment.thumbnail and attachment.width is None
    stored = attachment.image.name
    assert stored.startswith("visits/files/") and stored.endswith(".pdf")
    assert len(stored.rsplit("/", 1)[-1].split(".")[0]) == 32  # a uuid4 in hex
    assert attachment.image.read() == pdf_bytes()
    answer = response.json()
    assert answer["kind"] == "pdf" and answer["thumbnail_url"] is None
    assert answer["url"] == reverse("visits:attachment_file", args=[attachment.pk])
    assert answer["name"] == "自查报告.pdf" and answer["size_display"]
    assert answer["delete_url"] == reverse("visits:photo_delete", args=[attachment.pk])


def test_a_pdf_is_recognised_by_its_bytes_whatever_the_name_or_type(inspector_client, draft):
    response = upload(inspector_client, draft, pdf_bytes(), "scan", "application/octet-stream")
    assert response.status_code == 201
    assert draft.photos.get().kind == VisitPhoto.Kind.PDF


@pytest.mark.parametrize(
    "data",
    [
        b"Just some text, renamed to look like a report.",
        b"<html><script>alert(1)</script></html>",
        b" %PDF-1.4 the magic is not at the start",
    ],
)
def test_a_renamed_file_that_is_not_a_pdf_is_refused(inspector_client, draft, data):
    response = upload(inspector_client, draft, data, "报告.pdf")
    assert response.status_code == 400
    assert "PDF" in response.json()["error"]
    assert not draft.photos.exists()


def test_a_pdf_over_the_county_upload_limit_is_refused(inspector_client, personas, draft):
    personas.county.settings.photo_max_megabytes = 1
    personas.county.settings.save()
    big = pdf_bytes() + b"%" + b"x" * (1024 * 1024)
    response = upload(inspector_client, draft, big, "big.pdf")
    assert response.status_code == 400
    assert response.json()["error"] == "文件超过上传上限 1 MB。"
    assert not draft.photos.exists()


def test_edit_page_gives_the_browser_the_limit_and_the_server_message(
    inspector_client, personas, draft
):
    personas.county.settings.photo_max_megabytes = 3
    personas.county.settings.save()
    html = inspector_client.get(reverse("visits:visit_edit", args=[draft.pk])).content.decode()
    assert f'data-max-bytes="{3 * 1024 * 1024}"' in html
    assert 'data-msg-too-big="文件超过上传上限 3 MB。"' in html
    assert 'accept="image/*,application/pdf"' in html


def test_photos_and_pdfs_share_the_per_visit_limit(inspector_client, personas, draft):
    personas.county.settings.photos_per_visit = 2
    personas.county.settings.save()
    assert upload(inspector_client, draft, image_bytes(), "a.jpg", "image/jpeg").status_code == 201
    assert upload(inspector_client, draft, pdf_bytes(), "b.pdf").status_code == 201
    response = upload(inspector_client, draft, pdf_bytes(), "c.pdf")
    assert response.status_code == 400 and "2" in response.json()["error"]
    assert draft.photos.count() == 2


def test_principal_of_the_school_downloads_the_pdf_as_an_attachment(client, personas):
    visit = matrix_submitted_visit(personas, with_pdf=True)
    attachment = visit.photos.get()
    client.force_login(personas.principal)
    response = client.get(reverse("visits:attachment_file", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E8%87%AA%E6%9F%A5%E6%8A%A5%E5%91%8A.pdf" in disposition
    assert downloaded(response) == pdf_bytes()
    # The detail page the principal reads lists it with its size.
    page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "自查报告.pdf" in page
    assert reverse("visits:attachment_file", args=[attachment.pk]) in page


def test_outsiders_get_404_for_the_pdf(client, personas):
    attachment = matrix_submitted_visit(personas, with_pdf=True).photos.get()
    strangers = [
        personas.other_office,
        factories.UserFactory(
            username="principal_b",
            county=personas.county,
            role=personas.principal.role,
            school=personas.school_b,
        ),
    ]
    for stranger in strangers:
        client.force_login(stranger)
        url = reverse("visits:attachment_file", args=[attachment.pk])
        assert client.get(url).status_code == 404


def test_a_pdf_is_never_served_inline_through_the_photo_url(client, personas):
    attachment = matrix_submitted_visit(personas, with_pdf=True).photos.get()
    client.force_login(personas.office)
    for variant in ("full", "thumb"):
        url = reverse("visits:photo_file", args=[attachment.pk, variant])
        assert client.get(url).status_code == 404


def test_a_principal_does_not_see_the_pdf_of_a_draft(client, personas):
    visit = VisitFactory(
        school=personas.school_a, inspector=personas.inspector, created_by=personas.office
    )
    attachment = add_pdf(visit, personas.office)
    client.force_login(personas.principal)
    assert client.get(reverse("visits:attachment_file", args=[attachment.pk])).status_code == 404


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("自查报告.pdf", "自查报告.pdf"),
        ('../../etc/pa"ss\r\n.pdf', "etc_pa_ss_.pdf"),
        ("报告", "报告.pdf"),
        ("", "visit-7-9.pdf"),
    ],
)
def test_download_names_are_safe(original, expected):
    attachment = VisitPhoto(original_name=original, kind=VisitPhoto.Kind.PDF, visit_id=7, pk=9)
    assert attachment.download_name == expected


def test_a_pdf_is_deleted_from_a_draft_with_its_file(
    inspector_client, draft, personas, django_capture_on_commit_callbacks
):
    attachment = add_pdf(draft, personas.inspector_user)
    stored = attachment.image.name
    with django_capture_on_commit_callbacks(execute=True):
        response = inspector_client.post(
            reverse("visits:photo_delete", args=[attachment.pk]),
            headers={"Accept": "application/json"},
        )
    assert response.json() == {"ok": True}
    assert not draft.photos.exists()
    assert not default_storage.exists(stored)


def test_a_pdf_of_a_submitted_visit_is_kept(inspector_client, personas):
    attachment = matrix_submitted_visit(personas, with_pdf=True).photos.get()
    response = inspector_client.post(
        reverse("visits:photo_delete", args=[attachment.pk]),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert VisitPhoto.objects.filter(pk=attachment.pk).exists()


def test_the_printed_record_lists_the_pdf_by_name_and_size(client, personas):
    visit = matrix_submitted_visit(personas, with_pdf=True)
    client.force_login(personas.office)
    html = client.get(reverse("visits:visit_print", args=[visit.pk])).content.decode()
    assert "自查报告.pdf" in html
    assert reverse("visits:attachment_file", args=[visit.photos.get().pk]) not in html


@pytest.mark.parametrize("name", ["visits:visit_detail", "visits:visit_print", "visits:visit_edit"])
def test_visit_pages_query_count_does_not_grow_with_photos_and_files(
    client, personas, django_assert_max_num_queries, name
):
    visit = VisitFactory(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.inspector_user
    )
    add_photo(visit, personas.inspector_user)
    client.force_login(personas.inspector_user)
    url = reverse(name, args=[visit.pk])
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    add_photo(visit, personas.inspector_user)
    for _index in range(3):
        add_pdf(visit, personas.inspector_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
