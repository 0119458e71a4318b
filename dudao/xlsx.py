"""Workbooks we hand out (.xlsx): text that never runs as a formula, and the download.

Lists are written row by row (``write_sheet``, the sheet's XML written directly) into a temporary
file, so the rows are never held in memory. Workbooks with several sheets and styles (reports,
import templates) are made with openpyxl. A list longer than ``INLINE_EXPORT_ROWS`` is not
written during the request at all: the list's export view sends the user to ``reports:export``,
which has the worker write it and streams the file when it is ready.
"""

import datetime
import decimal
import itertools
import tempfile
import zipfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
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


# The parts of a one-sheet workbook around its rows (``write_sheet``). Styles: 0 plain, 1 text
# with the quote prefix, 2 a date, 3 a date and time.
_PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    "{columns}<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"
# Characters XML 1.0 cannot carry (control characters but tab and line breaks): dropped.
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])
# A carriage return is written as a reference: a reader turns a literal one into a line feed.
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"} | _NOT_XML
)
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
MAX_CELL_TEXT = 32_767  # Excel's limit on a cell's text
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
ROWS_PER_WRITE = 500


def _text_cell(reference: str, text: str) -> str:
    style = ' s="1"' if looks_like_formula(text) else ""
    text = text[:MAX_CELL_TEXT].translate(_ESCAPES)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cell(reference: str, value) -> str:
    """One cell's XML; empty text and None write no cell (it reads back the same)."""
    if isinstance(value, str):
        return _text_cell(reference, value) if value else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | decimal.Decimal):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        serial = (value - EXCEL_EPOCH) / datetime.timedelta(days=1)
        return f'<c r="{reference}" s="3"><v>{serial}</v></c>'
    if isinstance(value, datetime.date):
        serial = (value - EXCEL_EPOCH.date()).days
        return f'<c r="{reference}" s="2"><v>{serial}</v></c>'
    return _text_cell(reference, str(value))


def write_sheet(
    target,
    *,
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    widths: Sequence[int] = (),
) -> int:
    """Write one sheet row by row into ``target`` (a path or a binary file); returns the rows.

    The sheet's XML is written here, a few hundred rows at a time, straight into the zip file:
    openpyxl's write-only mode made an object per cell and took 80 of the 98 seconds of a
    province's year of visits (360,000 rows). Text is stored inline, text that looks like a
    formula with the quote prefix (``keep_as_text``), dates as dates; the header row is frozen.
    """
    title = (str(title).translate(SHEET_TITLE_FORBIDDEN)[:31] or "Sheet").translate(_ESCAPES)
    columns = "".join(
        f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>'
        for number, width in enumerate(widths, start=1)
    )
    letters: list[str] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _PACKAGE.items():
            archive.writestr(name, content)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(title=title))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                _SHEET_START.format(columns=f"<cols>{columns}</cols>" if columns else "").encode()
            )
            chunk = []
            for number, values in enumerate(itertools.chain([header], rows), start=1):
                values = list(values)
                while len(letters) < len(values):
                    letters.append(get_column_letter(len(letters) + 1))
                cells = "".join(
                    _cell(f"{letter}{number}", value)
                    for letter, value in zip(letters, values, strict=False)
                )
                chunk.append(f'<row r="{number}">{cells}</row>')
                if len(chunk) == ROWS_PER_WRITE:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            chunk.append(_SHEET_END)
            sheet.write("".join(chunk).encode())
    return number - 1  # the header is row 1


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
