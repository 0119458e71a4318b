"""Workbooks we hand out: text that looks like a formula is shown as typed and never runs."""

import datetime
import io
import zipfile

from openpyxl import Workbook, load_workbook

from dudao.xlsx import keep_as_text, sheet_response

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
