"""The blank templates the office downloads: a data sheet and an instructions sheet."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dudao.xlsx import keep_as_text, safe_cell
from schools.importing.workbook import IMPORT_MAX_ROWS

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FONT = Font(bold=True, color="C00000")
BOLD = Font(bold=True)
# Columns Excel must keep as text, or it drops leading zeros and shows codes as 2.16E+09.
TEXT_COLUMNS = {"学校标识码", "校长电话", "联系电话", "任职学校标识码", "手机号", "督学手机号"}
OPTIONS_SHEET = "选项"


def template_workbook(importer) -> bytes:
    allowed = importer.allowed_values()
    workbook = Workbook()
    data = workbook.active
    data.title = importer.sheet_name
    _write_headers(data, importer)
    _write_instructions(workbook.create_sheet(_("Instructions")), importer, allowed)
    _add_dropdowns(workbook, data, importer, allowed)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_headers(sheet, importer):
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if column.required else BOLD
        if column.help:
            cell.comment = Comment(str(column.help), "Dudao")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.header in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"


def _write_instructions(sheet, importer, allowed):
    sheet.append([_("How to fill in the %(kind)s template") % {"kind": importer.label}])
    sheet["A1"].font = Font(bold=True, size=13)
    notes = [
        _("Fill one row per record on the sheet “%(sheet)s”, below the header row.")
        % {"sheet": importer.sheet_name},
        _("Columns in red are required. Keep the headers as they are."),
        _(
            "Importing the same file again changes nothing; a row whose key is already "
            "registered updates that record, and an empty cell clears that item."
        ),
        _("A file with any error imports nothing: the page lists each wrong cell to fix."),
        _("At most %(rows)d rows per file.") % {"rows": IMPORT_MAX_ROWS},
    ]
    for note in notes:
        sheet.append([note])
    sheet.append([])
    header_row = [_("Column"), _("Required"), _("What to write"), _("Example")]
    sheet.append(header_row)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for column in importer.columns:
        sheet.append(
            [
                column.header,
                _("yes") if column.required else "",
                str(column.help),
                safe_cell(sheet, str(column.example)) if column.example != "" else "",
            ]
        )
    for header, values in allowed.items():
        sheet.append([])
        sheet.append([_("Allowed values of %(header)s") % {"header": header}])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
        if not values:
            sheet.append(["", _("(none registered yet)")])
        for value in values:
            sheet.append(["", safe_cell(sheet, value)])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 70
    sheet.column_dimensions["D"].width = 18
    for row in sheet.iter_rows(min_row=2):
        row[2 if len(row) > 2 else 0].alignment = Alignment(wrap_text=True, vertical="top")


def _add_dropdowns(workbook, data, importer, allowed):
    """A dropdown per column with a fixed list; the lists live on a hidden options sheet."""
    lists = {h: v for h, v in allowed.items() if v and h != "专项督导事项"}
    if not lists:
        return
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    letters = {column.header: index for index, column in enumerate(importer.columns, start=1)}
    for position, (header, values) in enumerate(lists.items(), start=1):
        options.cell(row=1, column=position, value=header)
        for row, value in enumerate(values, start=2):
            keep_as_text(options.cell(row=row, column=position, value=value))
        source = options.cell(row=1, column=position).column_letter
        validation = DataValidation(
            type="list",
            formula1=f"'{OPTIONS_SHEET}'!${source}$2:${source}${len(values) + 1}",
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            error=_("Choose a value from the list."),
        )
        data.add_data_validation(validation)
        target = data.cell(row=2, column=letters[header]).column_letter
        validation.add(f"{target}2:{target}{IMPORT_MAX_ROWS + 1}")
