"""Hostile uploads and queries: a clear Chinese message or a 400, never a 500 or a swollen worker.

Workbooks with malformed XML, entity bombs, giant cells or bloated sheets; photos that decode to
gigabytes; portraits carrying GPS positions or HTML; NUL characters in query parameters.
"""

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from PIL import ExifTags, Image

from dudao.imaging import PhotoField
from inspectors.models import Inspector
from schools.importing import IMPORTERS, ImportFileError
from tests import factories
from tests.import_workbooks import HEADERS, run_file, school_row, upload, xlsx
from tests.test_url_matrix import CASES

DAMAGED = (
    "The workbook cannot be read: it is damaged or holds content an import does not accept. "
    "Open it in Excel or WPS, save it again as .xlsx and upload that copy."
)
SHEET = "xl/worksheets/sheet1.xml"


# Workbooks -----------------------------------------------------------------------------------


def school_workbook(name: str = "示例学校") -> bytes:
    row = school_row(学校名称=name)
    return xlsx([HEADERS["schools"], [row.get(header) for header in HEADERS["schools"]]])


def rewritten(data: bytes, member: str, change) -> bytes:
    """The workbook with one member's bytes passed through ``change``."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return buffer.getvalue()


def with_school_name(name: bytes) -> bytes:
    """A one-row schools workbook whose school name cell holds ``name`` as written."""
    return rewritten(school_workbook("NAME"), SHEET, lambda xml: xml.replace(b"NAME", name))


def entity_bomb() -> bytes:
    """A DOCTYPE whose last entity expands to a billion characters ("billion laughs")."""
    entities = [b'<!ENTITY e0 "lol">']
    for level in range(1, 10):
        entities.append(b'<!ENTITY e%d "%s">' % (level, b"&e%d;" % (level - 1) * 10))
    return b'<?xml version="1.0"?><!DOCTYPE worksheet [' + b"".join(entities) + b"]>"


@pytest.fixture
def county(db):
    county = factories.CountyFactory(code="630122", name="湟中县")
    factories.TownshipFactory(county=county, name="鲁沙尔镇")
    return county


def file_error(county, content: bytes) -> str:
    with pytest.raises(ImportFileError) as problem:
        run_file("schools", county, upload(content))
    return str(problem.value)


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml[: len(xml) // 2],  # cut off in the middle of the rows
        lambda xml: xml.replace(b"</t></is></c></row>", b"</is></c></row>", 1),  # wrong nesting
        lambda xml: entity_bomb() + xml.split(b"?>", 1)[-1].replace(b"NAME", b"&e9;"),
        lambda xml: xml.replace(b"NAME", b"\x01\x02"),  # characters XML never allows
    ],
    ids=["truncated", "badly-nested", "entity-bomb", "control-characters"],
)
def test_unreadable_sheet_gets_the_file_level_message(county, change):
    data = rewritten(school_workbook("NAME"), SHEET, change)
    assert file_error(county, data) == DAMAGED


def test_unreadable_sheet_is_a_chinese_message_on_the_import_page(client, county):
    office = factories.UserFactory(username="office", county=county, role="office")
    client.force_login(office)
    data = rewritten(school_workbook("NAME"), SHEET, lambda xml: xml[: len(xml) // 2])
    response = client.post(
        reverse("schools:import"), {"kind": "schools", "file": upload(data), "import": ""}
    )
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "无法读取" in response.context["form"].errors["file"][0]


def test_cell_longer_than_excel_allows_is_refused_naming_the_cell(county):
    assert file_error(county, with_school_name("中".encode() * 32768)) == (
        "Cell B2 holds 32768 characters; Excel allows at most 32767 in a cell. Shorten it and "
        "upload the file again."
    )
    # Excel's own longest cell still reads (and the row gets the school name's own limit).
    result = run_file("schools", county, upload(with_school_name(b"x" * 32767)), commit=False)
    assert [error.column for error in result.errors] == ["学校名称"]


def test_sheet_too_big_for_the_row_limit_is_refused_before_parsing(county):
    # 8 million characters in one cell: 24 MB of sheet XML that zips to a few KB.
    data = with_school_name("中".encode() * 8_000_000)
    assert len(data) < 100_000
    assert file_error(county, data).startswith(
        "The worksheets of this workbook are too big for an import of at most 5000 rows."
    )


def test_bloated_styles_are_refused_before_parsing(county):
    data = rewritten(
        school_workbook(),
        "xl/styles.xml",
        lambda xml: xml.replace(b"<cellXfs", b"<!--" + b" " * 300_000 + b"--><cellXfs", 1),
    )
    assert file_error(county, data).startswith("This workbook carries too much besides its cells")


def test_row_numbers_past_excels_last_row_are_refused(county):
    far = b'<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row>'
    data = rewritten(
        school_workbook(), SHEET, lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>")
    )
    assert file_error(county, data) == DAMAGED


def test_file_level_messages_read_in_chinese(county):
    with translation.override("zh-hans"):
        importer = IMPORTERS["schools"](county)
        with pytest.raises(ImportFileError) as long_cell:
            importer.run(upload(with_school_name("中".encode() * 40_000)), commit=False)
        with pytest.raises(ImportFileError) as big_sheet:
            importer.run(upload(with_school_name("中".encode() * 8_000_000)), commit=False)
    assert "单元格 B2" in str(long_cell.value) and "32767" in str(long_cell.value)
    assert "5000" in str(big_sheet.value) and "行" in str(big_sheet.value)


# Memory, measured in a process of its own ----------------------------------------------------


def memory_probe(kind: str, path) -> dict:
    """Run tests/memory_probe.py on the file: its outcome and peak growth in MB."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("measuring memory needs Linux's /proc")
    finished = subprocess.run(
        [sys.executable, "-m", "tests.memory_probe", kind, str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def solid_png(path, size: tuple[int, int], colour: tuple[int, ...]) -> None:
    """A single-colour PNG written row by row, so the test never holds its pixels in memory."""
    width, height = size
    colour_type = {3: 2, 4: 6}[len(colour)]  # RGB or RGBA
    row = b"\x00" + bytes(colour) * width
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_huge_single_colour_png_is_refused_before_decoding(tmp_path):
    path = tmp_path / "wall.png"
    solid_png(path, (7700, 7700), (200, 30, 30))  # 59 million pixels in a few hundred KB
    assert path.stat().st_size < 1_000_000
    probe = memory_probe("photo", path)
    assert probe["outcome"] == "too_large_to_decode"
    assert probe["growth_mb"] < 30


def test_large_jpeg_decodes_at_reduced_size_in_bounded_memory(tmp_path):
    path = tmp_path / "camera.jpg"
    subprocess.run(  # 48 million pixels: made in a process of its own, not in the test's
        [
            sys.executable,
            "-c",
            "import sys; from PIL import Image; "
            "Image.new('RGB', (8000, 6000), (40, 90, 160)).save(sys.argv[1], quality=90)",
            str(path),
        ],
        check=True,
    )
    probe = memory_probe("photo", path)
    assert probe["outcome"] == "ok"
    assert probe["growth_mb"] < 150  # 192 MB if it were decoded in full


def test_largest_png_accepted_stays_within_the_decoding_budget(tmp_path):
    path = tmp_path / "screen.png"
    solid_png(path, (4470, 4470), (200, 30, 30, 100))  # just under 20 million pixels, with alpha
    probe = memory_probe("photo", path)
    assert probe["outcome"] == "ok"
    assert probe["growth_mb"] < 240


def test_giant_cell_workbook_stays_small_in_memory(tmp_path):
    # Under the sheet size limit, yet 3 million characters: refused before any cleaning.
    path = tmp_path / "giant-cell.xlsx"
    path.write_bytes(with_school_name("中".encode() * 3_000_000))
    probe = memory_probe("workbook", path)
    assert probe["outcome"] == "refused"
    assert probe["growth_mb"] < 100


def test_too_large_to_decode_reads_in_chinese(tmp_path):
    path = tmp_path / "wall.png"
    solid_png(path, (5000, 5000), (1, 2, 3))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        PhotoField().clean(SimpleUploadedFile("wall.png", path.read_bytes()))
    assert refused.value.code == "too_large_to_decode"
    assert "图片太大" in refused.value.messages[0] and "JPEG" in refused.value.messages[0]


# Inspector portraits -------------------------------------------------------------------------


def camera_portrait(comment: bytes) -> bytes:
    """A JPEG as a phone writes it, with a GPS position, plus a comment segment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 29.0, 53.0)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (90, 120, 150)).save(
        buffer, "JPEG", exif=exif.tobytes(), comment=comment
    )
    return buffer.getvalue()


SCRIPT = b"<script>alert(document.cookie)</script>"


@pytest.fixture
def office_client(client, personas):
    client.force_login(personas.office)
    return client


def create_inspector(office_client, photo):
    return office_client.post(
        reverse("inspectors:inspector_create"), factories.inspector_form_data(photo=photo)
    )


def test_portrait_keeps_its_pixels_but_no_gps_or_comment(office_client, personas):
    data = camera_portrait(SCRIPT) + b"<html><body>" + SCRIPT + b"</body></html>"
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it has one
    response = create_inspector(
        office_client, SimpleUploadedFile("me.jpg", data, content_type="image/jpeg")
    )
    assert response.status_code == 302
    inspector = Inspector.objects.get(name="祁督学")
    with inspector.photo.open("rb") as stored:
        kept = stored.read()
    assert inspector.photo.name.endswith(".jpg")
    assert b"<script" not in kept and b"<html" not in kept and b"PhoneMaker" not in kept
    portrait = Image.open(io.BytesIO(kept))
    assert portrait.format == "JPEG" and portrait.size == (300, 400)
    assert not portrait.getexif() and "comment" not in portrait.info
    served = office_client.get(reverse("inspectors:inspector_photo", args=[inspector.pk]))
    assert served["Content-Type"] == "image/jpeg"


def gif_html_polyglot() -> bytes:
    """A GIF that browsers sniffing it as HTML would run: HTML in its comment and at its end."""
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, "GIF", comment=b"<html>" + SCRIPT)
    return buffer.getvalue() + b"<html><body>" + SCRIPT + b"</body></html>"


@pytest.mark.parametrize(
    ("name", "content_type"), [("me.gif", "image/gif"), ("me.jpg", "image/jpeg")]
)
def test_gif_html_polyglot_portrait_is_refused(office_client, personas, name, content_type):
    assert Image.open(io.BytesIO(gif_html_polyglot())).format == "GIF"  # a real GIF ...
    response = create_inspector(
        office_client, SimpleUploadedFile(name, gif_html_polyglot(), content_type=content_type)
    )
    assert response.status_code == 200
    assert "该文件不是照片" in response.context["form"].errors["photo"][0]
    assert not Inspector.objects.filter(name="祁督学").exists()


def test_portrait_over_the_county_limit_is_refused_before_decoding(office_client, personas):
    personas.county.settings.photo_max_megabytes = 1
    personas.county.settings.save()
    response = create_inspector(
        office_client, SimpleUploadedFile("me.jpg", b"\xff\xd8" + b"x" * (1024 * 1024 + 1))
    )
    assert response.status_code == 200
    assert "超过上传上限 1 MB" in response.context["form"].errors["photo"][0]


def test_admin_re_encodes_portraits_too(personas):
    request = RequestFactory().get("/")
    request.user = personas.superuser
    form_class = admin.site._registry[Inspector].get_form(request)
    assert isinstance(form_class.base_fields["photo"], PhotoField)
    cleaned = form_class.base_fields["photo"].clean(
        SimpleUploadedFile("me.jpg", camera_portrait(SCRIPT), content_type="image/jpeg")
    )
    assert SCRIPT not in cleaned.read() and cleaned.name.endswith(".jpg")


# NUL characters in query parameters ----------------------------------------------------------


def _read_keys(monkeypatch) -> set[str]:
    """Record every query parameter a view asks ``request.GET`` for."""
    read: set[str] = set()
    for method in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(QueryDict, method)

        def recording(self, key, *args, _original=original, **kwargs):
            read.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(QueryDict, method, recording)
    return read


def test_nul_in_a_query_parameter_is_a_400(client, personas):
    client.force_login(personas.office)
    response = client.get(reverse("schools:county_settings"), {"county": "\x00"})
    assert response.status_code == 400
    assert "请求" in response.content.decode()
    assert client.get(reverse("schools:school_list"), {"q\x00": "x"}).status_code == 400
    # A literal "%00" typed into a search is text, not a NUL character.
    assert client.get(reverse("schools:school_list"), {"q": "%00"}).status_code == 200


@pytest.mark.parametrize(
    "name", sorted(n for n, c in CASES.items() if c is not None and c.method == "get")
)
def test_no_page_answers_500_to_nul_in_what_it_reads(client, personas, monkeypatch, name):
    """Every role that may open the page: each parameter it reads, set to a NUL character."""
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(personas))
    for role, user in personas.by_role().items():
        if role not in case.allowed or user is None:
            continue
        client.force_login(user)
        read = _read_keys(monkeypatch)
        client.get(url, {"probe": "1"})  # a non-empty query binds the filter forms
        monkeypatch.undo()
        for key in sorted(read - {"probe"}) or ["q"]:
            status = client.get(url, {key: "\x00"}).status_code
            assert status in (200, 302, 400), f"{name}?{key}=%00 as {role}: {status}"
