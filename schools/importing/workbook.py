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
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise not_a_workbook from None
    if unzipped > IMPORT_MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            _("The workbook is too big once unpacked. Split it into smaller files.")
        )
    upload.seek(0)
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to parse an uploaded file is the file's fault
        raise not_a_workbook from None


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
    rows = worksheet.iter_rows(values_only=True)
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
