"""Files that cannot be imported get a clear message, never a server error; and the templates."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from schools.importing import IMPORTERS, ImportFileError, template_workbook, workbook
from schools.models import School
from tests import factories
from tests.import_workbooks import HEADERS, run_file, school_row, sheet_file, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    county = factories.CountyFactory(code="630122", name="湟中县")
    factories.TownshipFactory(county=county, name="鲁沙尔镇")
    return county


def file_error(county, file, kind="schools") -> str:
    with pytest.raises(ImportFileError) as problem:
        run_file(kind, county, file)
    return str(problem.value)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        "学校标识码,学校名称\n2163019901,甲小学\n".encode(),  # a CSV renamed to .xlsx
        b"%PDF-1.4 not a spreadsheet",
        zipped({"hello.txt": b"a zip, but not a workbook"}),
        zipped({"[Content_Types].xml": b"<broken"}),
    ],
)
def test_not_a_workbook(county, content):
    assert file_error(county, upload(content)) == (
        "This file is not an Excel workbook (.xlsx). Download the template and fill it in."
    )


def test_old_xls_file(county):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    assert "old .xls file" in file_error(county, upload(content, "schools.xls"))


def test_empty_file_and_empty_workbook(county):
    assert file_error(county, upload(b"")) == "The file is empty."
    assert "were not found in the first rows" in file_error(county, upload(xlsx([])))


def test_headers_without_rows(county):
    message = file_error(county, sheet_file("schools", [{}, {}]))
    assert message == "The file has no data rows below the column headers."


def test_wrong_kind_of_file(county):
    message = file_error(county, sheet_file("inspectors", [{"姓名": "李明"}]))
    assert message.startswith(
        "The column headers of the schools template were not found in the first rows. "
        "Expected: 学校标识码、学校名称、乡镇/街道"
    )
    assert message.endswith("Did you choose the right kind of file?")


def test_missing_and_repeated_columns(county):
    headers = [h for h in HEADERS["schools"] if h not in ("地址", "经度")]
    message = file_error(county, sheet_file("schools", [school_row()], headers=headers))
    assert message == "Missing columns: 地址、经度. Please use the downloaded template."
    headers = [*HEADERS["schools"], "学校名称"]
    message = file_error(county, sheet_file("schools", [school_row()], headers=headers))
    assert message == "The column 学校名称 appears twice."


def test_too_big(county, monkeypatch):
    monkeypatch.setattr(workbook, "IMPORT_MAX_BYTES", 1000)
    assert "the limit is 1000" in file_error(county, sheet_file("schools", [school_row()]))


def test_too_big_once_unpacked(county, monkeypatch):
    monkeypatch.setattr(workbook, "IMPORT_MAX_UNZIPPED_BYTES", 1000)
    message = file_error(county, sheet_file("schools", [school_row()]))
    assert message == "The workbook is too big once unpacked. Split it into smaller files."


def test_too_many_rows(county, monkeypatch):
    monkeypatch.setattr(workbook, "IMPORT_MAX_ROWS", 2)
    rows = [school_row(f"216301990{n}") for n in range(3)]
    message = file_error(county, sheet_file("schools", rows))
    assert message == "The file has more than 2 rows. Split it into smaller files."


def test_title_rows_blank_rows_extra_columns_and_marked_headers(county):
    headers = [f"{h}*" if h == "学校标识码" else h for h in HEADERS["schools"]] + ["备注"]
    row = school_row()
    rows = [
        ["湟中县学校名单"],
        [],
        headers,
        [],
        [*[row.get(h.rstrip("*")) for h in headers[:-1]], "新建"],
        [None, None, "   "],
    ]
    result = run_file("schools", county, upload(xlsx(rows)))
    assert not result.errors
    assert result.steps[0].record.row == 5  # the row number Excel shows
    assert result.ignored_headers == ["备注"]
    assert School.objects.get().code == "2163019901"


def test_the_data_sheet_is_found_by_name(county):
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["请在“学校”表中填写"])
    data = book.create_sheet("学校")
    data.append(HEADERS["schools"])
    data.append([school_row().get(h) for h in HEADERS["schools"]])
    buffer = io.BytesIO()
    book.save(buffer)
    assert run_file("schools", county, upload(buffer.getvalue())).created == 1


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_template_has_the_headers_dropdowns_and_instructions(county, kind):
    factories.TownshipFactory(county=county, name="=HYPERLINK(1)")
    with translation.override("en"):
        content = template_workbook(IMPORTERS[kind](county))
    book = load_workbook(io.BytesIO(content))
    data = book.worksheets[0]
    assert [cell.value for cell in data[1]] == HEADERS[kind]
    instructions = [value for row in book.worksheets[1].values for value in row if value]
    assert any("At most 5000 rows" in str(value) for value in instructions)
    if kind == "schools":
        assert "鲁沙尔镇" in instructions
        # As typed, in quote-prefixed text cells: never a live formula.
        quoted = [
            cell
            for sheet in (book.worksheets[1], book["选项"])
            for row in sheet.iter_rows()
            for cell in row
            if cell.value == "=HYPERLINK(1)"
        ]
        assert len(quoted) == 2
        assert all(cell.data_type == "s" and cell.quotePrefix for cell in quoted)
        assert data.data_validations.dataValidation
        assert book["选项"].sheet_state == "hidden"


def test_a_filled_in_template_imports(county):
    book = load_workbook(io.BytesIO(template_workbook(IMPORTERS["schools"](county))))
    row = school_row()
    book["学校"].append([row.get(h) for h in HEADERS["schools"]])
    buffer = io.BytesIO()
    book.save(buffer)
    assert run_file("schools", county, upload(buffer.getvalue())).created == 1
