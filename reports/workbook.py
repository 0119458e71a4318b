"""Formatted tables in a workbook, laid out for print: a title row, a header row that stays in
view and repeats on every printed page, widths, number and date formats, a totals row, A4
landscape. Text that looks like a formula is stored as text (``dudao.xlsx.keep_as_text``)."""

import datetime
from copy import copy
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dudao.xlsx import keep_as_text

TEXT, INT, DATE, DATETIME, PERCENT, DECIMAL = "text", "int", "date", "datetime", "percent", "dec"
FORMATS = {
    INT: "0",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    PERCENT: "0.0%",
    DECIMAL: "0.0",
}
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    kind: str = TEXT


def excel_value(value):
    """What a cell holds: local wall-clock times (Excel has no time zones), text as text."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    return value


class Table:
    """One sheet: a title, a note line, a header row, rows and perhaps a totals row."""

    def __init__(self, book: Workbook, *, name: str, title: str, note: str, columns: list):
        self.sheet: Worksheet = book.create_sheet(name[:31])
        self.columns = columns
        last = get_column_letter(len(columns))
        keep_as_text(self.sheet.cell(row=1, column=1, value=title)).font = TITLE_FONT
        self.sheet.merge_cells(f"A1:{last}1")
        keep_as_text(self.sheet.cell(row=2, column=1, value=note))
        self.sheet.merge_cells(f"A2:{last}2")
        self.header_row = 3
        for index, column in enumerate(columns, start=1):
            cell = self.sheet.cell(row=self.header_row, column=index, value=column.header)
            cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.row = self.header_row
        self.styles = {}

    def add(self, values, *, total: bool = False) -> None:
        self.row += 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True), start=1):
            cell = self.sheet.cell(row=self.row, column=index, value=excel_value(value))
            numeric = column.kind in FORMATS and value is not None and not isinstance(value, str)
            # Setting a style looks it up in the workbook's style tables, which over tens of
            # thousands of cells took most of a monthly report's time: each column's style is
            # set once and then copied (as openpyxl copies a cell's style itself).
            key = (index, numeric, total)
            if key not in self.styles:
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=column.kind == TEXT, vertical="top")
                if numeric:
                    cell.number_format = FORMATS[column.kind]
                if total:
                    cell.font, cell.fill = BOLD, TOTAL_FILL
                self.styles[key] = copy(cell._style)
            cell._style = copy(self.styles[key])
            keep_as_text(cell)

    def finish(self) -> Worksheet:
        """Freeze the rows above the data, repeat them on printed pages, print A4 landscape."""
        sheet = self.sheet
        sheet.freeze_panes = sheet.cell(row=self.header_row + 1, column=1)
        sheet.print_title_rows = f"1:{self.header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        return sheet


def ratio(part: int, whole: int):
    """A share for a percent cell, or None (an empty cell) when there is nothing to divide."""
    return part / whole if whole else None
