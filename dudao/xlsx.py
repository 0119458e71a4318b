"""Workbooks we hand out (.xlsx): text that never runs as a formula, and the download.

Lists are written row by row (openpyxl's write-only mode) into a temporary file, so the rows are
never held in memory. A list longer than ``INLINE_EXPORT_ROWS`` is not written during the request
at all: the list's export view sends the user to ``reports:export``, which has the worker write
it and streams the file when it is ready.
"""

import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

# Longer lists are exported by the worker (reports.exports), not during the request.
INLINE_EXPORT_ROWS = 10_000
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
    cell with the quote prefix; empty text no cell at all (openpyxl would write an empty one,
    which reads back the same); numbers, dates and other text stay as they are."""
    if value == "":
        return None
    if looks_like_formula(value):
        return keep_as_text(WriteOnlyCell(sheet, value=value))
    return value


def workbook_response(content: bytes, filename: str) -> HttpResponse:
    """A finished workbook as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def write_sheet(
    target,
    *,
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    widths: Sequence[int] = (),
) -> int:
    """Write one sheet row by row into ``target`` (a path or a binary file); returns the rows.

    Write-only: each row goes to disk as it comes, so a long list keeps memory flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(list(header))
    count = 0
    for row in rows:
        sheet.append([safe_cell(sheet, value) for value in row])
        count += 1
    workbook.save(target)
    return count


def sheet_response(
    *,
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    filename: str,
    widths: Sequence[int] = (),
) -> HttpResponse:
    """One sheet written row by row to a temporary file, then sent (at most
    ``INLINE_EXPORT_ROWS`` rows: longer lists go to the worker)."""
    with tempfile.TemporaryFile() as spool:
        write_sheet(spool, title=title, header=header, rows=rows, widths=widths)
        spool.seek(0)
        return workbook_response(spool.read(), filename)


def streamed_sheet_response(
    *,
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    filename: str,
    widths: Sequence[int] = (),
) -> FileResponse:
    """Like ``sheet_response``, but the finished file is streamed from disk, not read in."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    write_sheet(spool, title=title, header=header, rows=rows, widths=widths)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
