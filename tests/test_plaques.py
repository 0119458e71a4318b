"""Plaques (公示牌): numbers and public addresses issued once, the QR code, content that follows
the assignments, postings and their snapshot, the lead inspector, print pages and coverage."""

import re

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from inspectors.models import SLUG_ALPHABET, Assignment, Plaque, PlaquePosting
from inspectors.plaques import qr_code, status_of
from inspectors.services import issue_plaques
from schools.services import coverage_report
from tests import factories
from tests.factories_plaques import jpeg_upload, plaque_of, posted, with_photo

pytestmark = pytest.mark.django_db


def rasterise(qr, scale: int = 8) -> Image.Image:
    """Draw the SVG path the page prints (unit squares ``Mx,yH..V..H..z``) as a bitmap."""
    size = int(qr.view_box.split()[2])
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    squares = re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", qr.path)
    assert squares and len(squares) == qr.path.count("M")
    for x, y, right, bottom in squares:
        x, y, right, bottom = (int(v) for v in (x, y, right, bottom))
        draw.rectangle((x * scale, y * scale, right * scale - 1, bottom * scale - 1), fill=0)
    return image


def decoded(qr) -> str:
    """What a phone reads from the QR code (zxing-cpp, the decoder inside many scanner apps)."""
    (result,) = zxingcpp.read_barcodes(rasterise(qr))
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    return result.text


def test_the_qr_code_on_the_print_decodes_to_the_public_address(client, personas):
    county = personas.county
    county.public_base_url = "https://dudao.huangzhong.example.gov.cn"
    county.save()
    plaque = plaque_of(personas.school_b)
    client.force_login(personas.office)
    page = client.get(reverse("inspectors:plaque_print", args=[personas.school_b.pk, "a4"]))
    view_box = re.search(r'<svg viewBox="([^"]+)" role="img"', page.content.decode()).group(1)
    path = re.search(r'<path d="([^"]+)"/>', page.content.decode()).group(1)
    printed = qr_code(plaque.public_url)
    assert (view_box, path) == (printed.view_box, printed.path)
    assert decoded(printed) == f"https://dudao.huangzhong.example.gov.cn/p/{plaque.slug}"
    # Without its own address, a county's plaques point at the site's.
    county.public_base_url = ""
    county.save()
    plaque.school.county.refresh_from_db()
    assert decoded(qr_code(plaque.public_url)).startswith("http://testserver.example/p/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example/"


def test_number_and_address_are_issued_once_per_school(personas):
    today = timezone.localdate()
    first, second = issue_plaques(schools=[personas.school_a, personas.school_b], today=today)
    assert first.number == f"湟督牌〔{today.year}〕001号"
    assert second.number == f"湟督牌〔{today.year}〕002号"
    assert len(first.slug) == 10 and set(first.slug) <= set(SLUG_ALPHABET)
    assert first.slug != second.slug
    # Issuing again changes nothing; another county numbers its own.
    assert issue_plaques(schools=[personas.school_a], today=today) == []
    (other,) = issue_plaques(schools=[personas.other_school], today=today)
    assert other.number == f"金督牌〔{today.year}〕001号"
    first.refresh_from_db()
    assert first.number.endswith("001号") and first.slug == Plaque.objects.get(pk=first.pk).slug
    with pytest.raises(IntegrityError), transaction.atomic():
        Plaque.objects.filter(pk=second.pk).update(slug=first.slug)


def test_a_posted_plaque_is_outdated_when_what_it_printed_changes(personas):
    school, office = personas.school_b, personas.office
    posted(school, office)
    assert status_of(school).is_current

    inspector = personas.inspector
    inspector.phone = "13800009999"
    inspector.save()
    status = status_of(school)
    assert status.is_outdated and status.changes == [f"{inspector.name}的电话已变更。"]

    posted(school, office)  # a new plaque goes up
    assert status_of(school).is_current

    newcomer = factories.InspectorFactory(county=school.county, name="马督学")
    factories.AssignmentFactory(inspector=newcomer, school=school)
    assert status_of(school).changes == ["马督学新负责该校。"]
    posted(school, office)

    Assignment.objects.filter(inspector=newcomer).update(ended_on=timezone.localdate())
    assert status_of(school).changes == ["马督学已不再负责该校。"]
    posted(school, office)

    county = school.county
    county.complaint_phone = "0971-2233445"
    county.save()
    assert status_of(school).changes == ["投诉电话已变更。"]
    # The posting keeps what it printed.
    latest = PlaquePosting.objects.filter(plaque__school=school).first()
    assert latest.snapshot["complaint_phone"] == ""
    assert [row["name"] for row in latest.snapshot["inspectors"]] == [inspector.name]


def test_the_lead_is_listed_first_and_one_per_school(client, personas):
    school = personas.school_b
    first = personas.inspector.assignments.get()
    second_inspector = factories.InspectorFactory(county=school.county, name="韩督学")
    client.force_login(personas.office)
    client.post(
        reverse("inspectors:assignment_create"),
        {"school": school.pk, "inspector": second_inspector.pk, "started_on": "2025-09-01"},
    )
    second = Assignment.objects.get(inspector=second_inspector)
    # The school had an inspector: the newcomer is not its lead unless the office says so.
    first.refresh_from_db()
    assert not second.is_lead
    names = [row["name"] for row in status_of(school).content["inspectors"]]
    assert names[0] == personas.inspector.name

    response = client.post(reverse("inspectors:assignment_make_lead", args=[second.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_lead, second.is_lead) == (False, True)
    content = status_of(school).content
    assert [(row["name"], row["lead"]) for row in content["inspectors"]] == [
        ("韩督学", True),
        (personas.inspector.name, False),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=first.pk).update(is_lead=True)


def test_ticking_lead_on_the_assignment_form_takes_the_lead_over(client, personas):
    school = personas.school_b
    newcomer = factories.InspectorFactory(county=school.county)
    client.force_login(personas.office)
    client.post(
        reverse("inspectors:assignment_create"),
        {"school": school.pk, "inspector": newcomer.pk, "started_on": "2025-09-01", "lead": "on"},
    )
    leads = Assignment.objects.current().filter(school=school, is_lead=True)
    assert list(leads.values_list("inspector_id", flat=True)) == [newcomer.pk]
    # A school's first inspector becomes its lead.
    client.post(
        reverse("inspectors:assignment_create"),
        {"school": personas.school_a.pk, "inspector": newcomer.pk, "started_on": "2025-09-01"},
    )
    assert Assignment.objects.get(school=personas.school_a).is_lead


def test_print_pages_a4_a3_and_a_townships_batch(client, personas, django_assert_max_num_queries):
    with_photo(personas.inspector)
    county = personas.county
    county.complaint_phone = "0971-2233445"
    county.save()
    plaque_of(personas.school_a)
    plaque_of(personas.school_b)
    client.force_login(personas.committee)
    a3 = client.get(reverse("inspectors:plaque_print", args=[personas.school_b.pk, "a3"]))
    page = a3.content.decode()
    assert "inspectors/plaque-a3.css" in page and "责任督学挂牌督导公示牌" in page
    assert personas.school_b.name in page and "138 0000" in page and "0971-2233445" in page
    assert reverse("inspectors:inspector_photo", args=[personas.inspector.pk]) in page
    assert "校园及周边安全" in page and "受理、核实举报和投诉" in page
    assert 'style="' not in page and "<script>" not in page
    township = personas.school_b.township
    url = reverse("inspectors:plaque_print_township", args=[township.pk, "a4"])
    with django_assert_max_num_queries(12):
        batch = client.get(url).content.decode()
    assert batch.count('class="plaque"') == 2 and "inspectors/plaque-a4.css" in batch
    assert client.get(url.replace("a4", "a5")).status_code == 404


def test_posting_records_a_reencoded_photo_and_what_was_printed(client, personas):
    plaque = plaque_of(personas.school_b)
    client.force_login(personas.office)
    url = reverse("inspectors:posting_create", args=[personas.school_b.pk])
    photo = jpeg_upload(size=(800, 600))
    response = client.post(url, {"posted_on": timezone.localdate().isoformat(), "photo": photo})
    assert response.status_code == 302
    posting = plaque.postings.get()
    with Image.open(posting.photo) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert posting.snapshot["number"] == plaque.number
    assert posting.snapshot["url"].endswith(f"/p/{plaque.slug}")
    # Not a photo: a clear message, the form kept, nothing recorded.
    fake = SimpleUploadedFile("gate.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = client.post(url, {"posted_on": timezone.localdate().isoformat(), "photo": fake})
    assert response.status_code == 200
    assert "不是照片" in response.content.decode()
    assert plaque.postings.count() == 1
    photo_url = reverse("inspectors:posting_photo", args=[posting.pk, "full"])
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"


def test_coverage_counts_plaques_and_full_coverage_needs_a_current_one(client, personas):
    office = personas.office
    county = personas.county
    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    report = coverage_report(user=office, county=county, today=timezone.localdate())
    assert report.plaques.unposted.total == 2 and not report.is_full

    posted(personas.school_a, office)
    posted(personas.school_b, office, photo=False)
    report = coverage_report(user=office, county=county, today=timezone.localdate())
    assert report.plaques.unposted.total == 0
    assert [s.school for s in report.plaques.without_photo.rows] == [personas.school_b]
    assert report.plaques.fully_covered == 2 and report.is_full

    personas.inspector.post = "兼职督学（退休教师）"
    personas.inspector.save()
    report = coverage_report(user=office, county=county, today=timezone.localdate())
    assert report.plaques.outdated.total == 2 and not report.is_full
    client.force_login(office)
    page = client.get(reverse("schools:coverage")).content.decode()
    assert "尚未实现全覆盖" in page and "过时的公示牌" in page
    assert reverse("inspectors:plaque", args=[personas.school_a.pk]) in page
