"""Workbooks we hand out: text that looks like a formula is shown as typed and never runs."""

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from dudao.xlsx import keep_as_text, sheet_response, write_sheet

FORMULA_LIKE = ['=HYPERLINK("http://evil.example")', "+86 138", "-5", "@SUM(A1)", "\tx"]


def _read_back(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_formula_like_text_is_a_quote_prefixed_text_cell():
    response = sheet_response(
        title="表",
        header=["值", "数", "日期"],
        rows=[[value, 3, datetime.date(2026, 11, 27)] for value in [*FORMULA_LIKE, "正常文字"]],
        filename="x.xlsx",
    )
    sheet = _read_back(response.content)
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]

    assert [cell.value for cell in cells] == [*FORMULA_LIKE, "正常文字"]  # no ' added
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.quotePrefix for cell in cells] == [True] * len(FORMULA_LIKE) + [False]
    # Numbers and dates keep their type and get no prefix.
    assert sheet["B2"].value == 3 and not sheet["B2"].quotePrefix
    assert sheet["C2"].value == datetime.datetime(2026, 11, 27)
    # Nothing in the file is a formula.
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


def test_cells_of_an_ordinary_sheet_are_kept_as_text_too():
    book = Workbook()
    cell = keep_as_text(book.active.cell(row=1, column=1, value="=1+1"))
    plain = keep_as_text(book.active.cell(row=1, column=2, value="1+1"))
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = _read_back(buffer.getvalue())
    assert (cell.data_type, sheet["A1"].value, sheet["A1"].quotePrefix) == ("s", "=1+1", True)
    assert (plain.data_type, sheet["B1"].value, sheet["B1"].quotePrefix) == ("s", "1+1", False)


def test_a_list_sheet_keeps_types_widths_the_frozen_header_and_odd_text():
    moment = datetime.datetime(2026, 11, 27, 9, 30)
    rows = [
        ["  缩进", "一\r\n二", "控\x00制\x1f字符", 'a<b & "c"', True, Decimal("2.5"), moment],
        ["长" * 40_000, "", None, 0, False, 1.25, datetime.date(2026, 1, 1)],
    ]
    response = sheet_response(
        title="走访记录[2026/11]",
        header=list("ABCDEFG"),
        rows=rows,
        filename="x.xlsx",
        widths=[30, 12],
    )
    sheet = _read_back(response.content)

    assert sheet.title == "走访记录_2026_11_"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30 and sheet.column_dimensions["B"].width == 12
    first, second = ([cell.value for cell in row] for row in sheet.iter_rows(min_row=2))
    assert first == ["  缩进", "一\r\n二", "控制字符", 'a<b & "c"', True, 2.5, moment]
    assert second == ["长" * 32_767, None, None, 0, False, 1.25, datetime.datetime(2026, 1, 1)]
    assert sheet.max_row == 3


def test_writing_a_long_list_returns_its_row_count_and_streams(tmp_path):
    path = tmp_path / "long.xlsx"
    count = write_sheet(
        path, title="表", header=["编号", "名称"], rows=([n, f"学校{n}"] for n in range(1, 1201))
    )
    assert count == 1200
    sheet = load_workbook(path, read_only=True).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[0] == (1, "学校1") and values[-1] == (1200, "学校1200") and len(values) == 1200
