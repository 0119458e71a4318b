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

from inspectors.models import SLUG_ALPHABET, Assignment, Plaque, PlaquePosting, PlaquePrint
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
    other = plaque_of(personas.school_a)
    assert decoded(qr_code(other.public_url)) == f"http://testserver.example/p/{other.slug}"


def test_the_printed_address_never_changes_when_the_county_changes_its_own(client, personas):
    county, school = personas.county, personas.school_b
    county.public_base_url = "https://old.example.gov.cn"
    county.save()
    posted(school, personas.office)
    plaque = Plaque.objects.get(school=school)
    printed_url = f"https://old.example.gov.cn/p/{plaque.slug}"
    assert plaque.public_url == printed_url

    county.public_base_url = "https://new.example.gov.cn"
    county.save()
    plaque = Plaque.objects.select_related("school__county").get(school=school)
    assert plaque.public_url == printed_url
    status = status_of(school)
    assert status.content["url"] == printed_url and status.is_current  # not made outdated
    client.force_login(personas.office)
    page = client.get(reverse("inspectors:plaque_print", args=[school.pk, "a3"])).content.decode()
    path = re.search(r'<path d="([^"]+)"/>', page).group(1)
    assert path == qr_code(printed_url).path and printed_url in page
    # The public page still answers at the printed slug; a plaque issued now uses the new address.
    assert client.get(Plaque.path_of(plaque.slug)).status_code == 200
    assert plaque_of(personas.school_a).public_url.startswith("https://new.example.gov.cn/p/")


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
    with pytest.raises(IntegrityError), transaction.atomic():
        Plaque.objects.filter(pk=second.pk).update(slug=first.slug)


def test_issuing_again_keeps_the_slug_and_another_school_gets_its_own(client, personas):
    school, township = personas.school_b, personas.school_b.township
    client.force_login(personas.office)
    issue = reverse("inspectors:plaque_issue", args=[school.pk])
    response = client.post(issue, follow=True)
    first = Plaque.objects.get(school=school)
    assert f"已为{school.name}制发公示牌 {first.number}" in response.content.decode()
    issued = (first.pk, first.slug, first.number, first.public_url)

    assert client.post(issue).status_code == 302  # the button pressed again
    client.post(reverse("inspectors:plaque_issue_township", args=[township.pk]))
    first.save()  # saving the row again regenerates nothing either
    again = Plaque.objects.get(school=school)
    assert (again.pk, again.slug, again.number, again.public_url) == issued
    assert Plaque.objects.filter(school=school).count() == 1

    other = Plaque.objects.get(school=personas.school_a)  # issued by the township's button
    assert other.slug != first.slug and other.number != first.number
    assert other.public_url == f"http://testserver.example/p/{other.slug}"
    assert other.public_url != first.public_url


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


def test_the_plaque_list_shows_each_schools_state_and_filters(
    client, personas, django_assert_max_num_queries
):
    school_a, school_b = personas.school_a, personas.school_b
    posted(school_b, personas.office)
    plaque_of(school_a)
    client.force_login(personas.office)
    url = reverse("inspectors:plaque_list")
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    for school in (school_a, school_b):
        assert reverse("inspectors:plaque", args=[school.pk]) in page
    assert "未张贴" in page and "最新" in page
    assert school_b.plaque.number in page
    # Other counties' schools never show.
    assert personas.other_school.name not in page

    unposted = client.get(url, {"state": "unposted"}).content.decode()
    assert school_a.name in unposted and school_b.name not in unposted
    # A township chosen: its batch buttons; the committee reads but cannot issue.
    township = client.get(url, {"township": school_a.township_id}).content.decode()
    issue_all = reverse("inspectors:plaque_issue_township", args=[school_a.township_id])
    assert issue_all in township
    assert reverse("inspectors:plaque_print_township", args=[school_a.township_id, "a4"]) in (
        township
    )
    client.force_login(personas.committee)
    read_only = client.get(url, {"township": school_a.township_id}).content.decode()
    assert school_a.name in read_only and issue_all not in read_only
    # A township of another county is not a choice: the filter says so and lists all schools.
    foreign = client.get(url, {"township": personas.other_school.township_id})
    assert foreign.status_code == 200 and issue_all not in foreign.content.decode()


def test_issuing_a_townships_plaques_numbers_its_open_schools_only(client, personas):
    township = personas.school_a.township
    closed = factories.SchoolFactory(county=personas.county, township=township, is_active=False)
    client.force_login(personas.office)
    response = client.post(reverse("inspectors:plaque_issue_township", args=[township.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('inspectors:plaque_list')}?township={township.pk}"
    plaques = Plaque.objects.filter(school__township=township).order_by("serial")
    assert [plaque.school for plaque in plaques] == [personas.school_a, personas.school_b]
    assert not Plaque.objects.filter(school=closed).exists()
    page = client.get(response["Location"]).content.decode()
    assert f"{township.name}新制发公示牌 2 块" in page
    # Pressed again: nothing new; another county's township is not found.
    client.post(reverse("inspectors:plaque_issue_township", args=[township.pk]))
    assert Plaque.objects.count() == 2
    other = personas.other_school.township
    refused = client.post(reverse("inspectors:plaque_issue_township", args=[other.pk]))
    assert refused.status_code == 404 and Plaque.objects.count() == 2


def test_the_posting_keeps_what_was_printed_so_a_change_before_posting_shows(client, personas):
    school, inspector = personas.school_b, personas.inspector
    plaque = plaque_of(school)
    print_url = reverse("inspectors:plaque_print", args=[school.pk, "a4"])
    client.force_login(personas.committee)
    client.get(print_url)
    assert not PlaquePrint.objects.exists()  # only the office prints for posting
    client.force_login(personas.office)
    client.get(print_url)
    client.get(print_url)  # the same content printed again: one print
    (printed,) = PlaquePrint.objects.filter(plaque=plaque)
    old_phone = printed.snapshot["inspectors"][0]["phone"]

    inspector.phone = "13800009999"  # changed after printing, before posting
    inspector.save()
    form_url = reverse("inspectors:posting_create", args=[school.pk])
    form = client.get(form_url).content.decode()
    assert f"{inspector.name}的电话已变更。" in form and old_phone in form
    response = client.post(
        form_url, {"printed": printed.pk, "posted_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    posting = plaque.postings.get()
    assert posting.printed == printed and posting.snapshot == printed.snapshot
    assert posting.snapshot["inspectors"][0]["phone"] == old_phone
    status = status_of(school)
    assert status.is_outdated and status.changes == [f"{inspector.name}的电话已变更。"]

    # Printed again and posted: current. The form offers both prints, the latest chosen.
    client.get(print_url)
    latest = PlaquePrint.objects.filter(plaque=plaque).first()
    assert latest != printed and latest.snapshot["inspectors"][0]["phone"] == "138 0000 9999"
    form = client.get(form_url).content.decode()
    chosen = re.findall(r'name="printed" value="(\d+)"[^>]*?( checked)?>', form)
    assert chosen == [(str(latest.pk), " checked"), (str(printed.pk), "")]
    client.post(form_url, {"printed": latest.pk, "posted_on": timezone.localdate().isoformat()})
    assert status_of(school).is_current
    # A print of another plaque is not a choice.
    foreign = PlaquePrint.objects.create(
        plaque=plaque_of(personas.school_a), printed_by=personas.office, snapshot={}
    )
    refused = client.post(
        form_url, {"printed": foreign.pk, "posted_on": timezone.localdate().isoformat()}
    )
    assert refused.status_code == 200 and plaque.postings.count() == 2


def test_printing_a_townships_batch_records_each_plaques_print(
    client, personas, django_assert_max_num_queries
):
    plaque_of(personas.school_a)
    plaque_of(personas.school_b)
    client.force_login(personas.office)
    url = reverse("inspectors:plaque_print_township", args=[personas.school_a.township_id, "a4"])
    with django_assert_max_num_queries(14):
        client.get(url)
    assert PlaquePrint.objects.count() == 2
    client.get(url)
    assert PlaquePrint.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_plaques_issued_before_the_migration_keep_the_address_they_printed(personas, settings):
    """The migration that stores each plaque's address fills it from its county's address
    (or the site's) as it was then; changing the county's address afterwards changes nothing."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = ("inspectors", "0005_public_supervision")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([before])
    OldPlaque = executor.loader.project_state([before]).apps.get_model("inspectors", "Plaque")
    county = personas.county
    county.public_base_url = "https://dudao.huangzhong.example.gov.cn"
    county.save()
    for serial, school, slug in (
        (1, personas.school_a, "aaaaaaaaaa"),
        (2, personas.other_school, "bbbbbbbbbb"),
    ):
        OldPlaque.objects.create(
            county_id=school.county_id,
            school_id=school.pk,
            year=2026,
            serial=serial,
            number=f"督牌{serial}",
            slug=slug,
        )
    MigrationExecutor(connection).migrate(latest)
    assert dict(Plaque.objects.values_list("slug", "public_url")) == {
        "aaaaaaaaaa": "https://dudao.huangzhong.example.gov.cn/p/aaaaaaaaaa",
        "bbbbbbbbbb": "http://testserver.example/p/bbbbbbbbbb",
    }
