"""Workbooks we hand out (.xlsx): text that never runs as a formula, and the download."""

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def keep_as_text(cell):
    """Store the cell's value as a text cell with Excel's quote prefix (the hidden ' of a cell
    typed as '=1+1): the reader sees the text as typed, and editing it never makes a formula."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"  # openpyxl took a value starting with = for a formula
        cell.quotePrefix = True
    return cell


def safe_cell(sheet, value):
    """What to append to ``sheet`` for ``value``: text that looks like a formula becomes a text
    cell with the quote prefix; numbers, dates and other text stay as they are."""
    if looks_like_formula(value):
        return keep_as_text(WriteOnlyCell(sheet, value=value))
    return value


def workbook_response(content: bytes, filename: str) -> HttpResponse:
    """A finished workbook as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def sheet_response(
    *,
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    filename: str,
    widths: Sequence[int] = (),
) -> HttpResponse:
    """One sheet written row by row (write-only, so long lists stay small in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return workbook_response(buffer.getvalue(), filename)
