"""Workbooks we hand out (.xlsx): text that never runs as a formula, and the download."""

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that looks like a formula is kept as text; numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
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
        sheet.append([safe_cell(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return workbook_response(buffer.getvalue(), filename)
