"""Reading an uploaded workbook into rows, and writing safe cells into workbooks we hand out."""

import zipfile
from dataclasses import dataclass
from itertools import islice

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from schools.importing.cells import text, token

# Server limits, not county policy: they bound the memory and time one upload may take within a
# request. 5,000 rows is more than any county's schools or inspectors; a template with that many
# rows is well under 1 MB. The unzipped limit stops a tiny "zip bomb" from expanding in memory.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_UNZIPPED_BYTES = 30 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
# A filled-in template row is about 1 KB of sheet XML; twice that leaves room for files written
# by other programs, yet the sheets and the table of their texts stay small enough to read in a
# few seconds and well under 100 MB (openpyxl keeps a little of every row and text it parsed).
# The other parts (styles, the workbook itself) are parsed whole, so they must be far smaller:
# Excel's own are a few KB, and 256 KB of styles already take 30 MB once parsed.
IMPORT_MAX_SHEET_BYTES = (IMPORT_MAX_ROWS + 10) * 2048
IMPORT_MAX_OTHER_XML_BYTES = 256 * 1024
SHEET_PARTS = ("xl/worksheets/", "xl/sharedStrings.xml")
# Excel's own limits: nothing longer can come from Excel or WPS, and cleaning a longer text
# character by character would take seconds and hundreds of megabytes.
EXCEL_MAX_CELL_CHARACTERS = 32767
EXCEL_MAX_ROWS = 1048576
# Headers further right are not looked for: a stray cell far out would otherwise pad every row.
IMPORT_MAX_COLUMNS = 100
# Users often put a title line or two above the headers; look for them this far down.
HEADER_SEARCH_ROWS = 10
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why."""


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    cells: dict  # header -> raw cell value


@dataclass
class Sheet:
    rows: list[SheetRow]
    letters: dict  # header -> column letter
    ignored_headers: list[str]


def header_key(value) -> str:
    """Headers match ignoring spaces, width and a required-marker such as * or (必填)."""
    return token(value).replace("*", "").replace("(必填)", "")


def _open(upload):
    if upload.size > IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(IMPORT_MAX_BYTES)}
        )
    if upload.size == 0:
        raise ImportFileError(_("The file is empty."))
    upload.seek(0)
    signature = upload.read(4)
    upload.seek(0)
    if signature == OLE2_SIGNATURE:
        raise ImportFileError(
            _("This is an old .xls file. Open it in Excel or WPS and save it as .xlsx.")
        )
    not_a_workbook = ImportFileError(
        _("This file is not an Excel workbook (.xlsx). Download the template and fill it in.")
    )
    if not zipfile.is_zipfile(upload):
        raise not_a_workbook
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise not_a_workbook from None
    _check_sizes(members)
    upload.seek(0)
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to parse an uploaded file is the file's fault
        if any(member.filename == "xl/workbook.xml" for member in members):
            raise _damaged() from None
        raise not_a_workbook from None


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse, from the sizes the zip declares (reading never goes past them), before parsing."""
    if sum(member.file_size for member in members) > IMPORT_MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            _("The workbook is too big once unpacked. Split it into smaller files.")
        )
    cells = sum(member.file_size for member in members if member.filename.startswith(SHEET_PARTS))
    if cells > IMPORT_MAX_SHEET_BYTES:
        raise ImportFileError(
            _(
                "The worksheets of this workbook are too big for an import of at most "
                "%(limit)d rows. Delete the unused rows, columns and sheets, or split the "
                "rows into smaller files."
            )
            % {"limit": IMPORT_MAX_ROWS}
        )
    other = sum(
        member.file_size
        for member in members
        if member.filename.endswith((".xml", ".rels"))
        and not member.filename.startswith(SHEET_PARTS)
    )
    if other > IMPORT_MAX_OTHER_XML_BYTES:
        raise ImportFileError(
            _(
                "This workbook carries too much besides its cells (formatting, styles, "
                "comments). Copy the rows into the downloaded template and upload that."
            )
        )


def _damaged() -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook cannot be read: it is damaged or holds content an import does not "
            "accept. Open it in Excel or WPS, save it again as .xlsx and upload that copy."
        )
    )


def _checked_rows(worksheet):
    """The sheet's rows as value tuples; reading errors and Excel-impossible cells refused.

    openpyxl parses the sheet lazily, so a malformed or hostile sheet fails only here, while
    the rows are being read.
    """
    rows = worksheet.iter_rows(max_col=IMPORT_MAX_COLUMNS, values_only=True)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - any failure to parse an uploaded file is the file's fault
            raise _damaged() from None
        number += 1
        if number > EXCEL_MAX_ROWS:
            raise _damaged()
        too_long = [
            value
            for value in filter(None, values)  # most cells are empty: skip them quickly
            if isinstance(value, str) and len(value) > EXCEL_MAX_CELL_CHARACTERS
        ]
        if too_long:
            raise ImportFileError(
                _(
                    "Cell %(cell)s holds %(length)d characters; Excel allows at most "
                    "%(limit)d in a cell. Shorten it and upload the file again."
                )
                % {
                    "cell": f"{get_column_letter(values.index(too_long[0]) + 1)}{number}",
                    "length": len(too_long[0]),
                    "limit": EXCEL_MAX_CELL_CHARACTERS,
                }
            )
        yield values


def read_sheet(upload, *, headers: list[str], sheet_name: str, template_label: str) -> Sheet:
    """The data rows of the sheet named ``sheet_name`` (or the first sheet) as header -> value.

    Raises ``ImportFileError`` for anything that stops us reading rows at all.
    """
    workbook = _open(upload)
    try:
        return _read(workbook, headers, sheet_name, template_label)
    finally:
        workbook.close()


def _read(workbook, headers, sheet_name, template_label) -> Sheet:
    if sheet_name in workbook.sheetnames:
        worksheet = workbook[sheet_name]
    elif workbook.worksheets:
        worksheet = workbook.worksheets[0]
    else:
        raise ImportFileError(_("The workbook has no worksheet."))
    # Files written by other programs may carry wrong dimensions; read what is really there.
    worksheet.reset_dimensions()
    wanted = {header_key(header): header for header in headers}
    rows = _checked_rows(worksheet)
    positions, header_row = None, 0
    for number, values in enumerate(islice(rows, HEADER_SEARCH_ROWS), start=1):
        found = [header_key(value) for value in values]
        # A title line may mention a header word; the header row has several of them.
        if len(wanted.keys() & set(found)) >= 2:
            positions, header_row = found, number
            break
    if positions is None:
        raise ImportFileError(
            _(
                "The column headers of the %(template)s template were not found in the first "
                "rows. Expected: %(headers)s. Did you choose the right kind of file?"
            )
            % {"template": template_label, "headers": "、".join(headers)}
        )
    missing = [header for key, header in wanted.items() if key not in positions]
    if missing:
        raise ImportFileError(
            _("Missing columns: %(headers)s. Please use the downloaded template.")
            % {"headers": "、".join(missing)}
        )
    letters, columns, ignored = {}, {}, []
    for index, key in enumerate(positions):
        if key in wanted:
            header = wanted[key]
            if header in letters:
                raise ImportFileError(
                    _("The column %(header)s appears twice.") % {"header": header}
                )
            letters[header] = get_column_letter(index + 1)
            columns[header] = index
        elif key:
            ignored.append(key)
    data = []
    for number, values in enumerate(rows, start=header_row + 1):
        cells = {
            header: values[index] if index < len(values) else None
            for header, index in columns.items()
        }
        if not any(text(value) for value in cells.values()):
            continue
        if len(data) == IMPORT_MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": IMPORT_MAX_ROWS}
            )
        data.append(SheetRow(number=number, cells=cells))
    if not data:
        raise ImportFileError(_("The file has no data rows below the column headers."))
    return Sheet(rows=data, letters=letters, ignored_headers=ignored)
