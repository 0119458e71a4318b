"""Build .xlsx uploads for the import tests in code, so every test shows the rows it feeds in."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from schools.importing import IMPORTERS
from schools.importing.assignments_file import AssignmentImporter
from schools.importing.inspectors_file import InspectorImporter
from schools.importing.schools_file import SchoolImporter

HEADERS = {
    importer.kind: [column.header for column in importer.columns]
    for importer in (SchoolImporter, InspectorImporter, AssignmentImporter)
}


def xlsx(rows: list[list], *, title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def sheet_file(kind: str, rows: list[dict], *, headers: list[str] | None = None):
    """An upload with the template's headers and one line per dict (header -> value)."""
    headers = headers or HEADERS[kind]
    return upload(xlsx([headers, *[[row.get(h) for h in headers] for row in rows]]))


def school_row(code: str = "2163019901", **cells) -> dict:
    row = {
        "学校标识码": code,
        "学校名称": f"示例学校{code[-4:]}",
        "乡镇/街道": "鲁沙尔镇",
        "学校类型": "小学",
        "公办/民办": "公办",
        "是否中心校": "否",
        "是否寄宿制": "否",
        "学生数": 320,
        "教师数": 24,
        "校长电话": "13800001001",
        "地址": "示例路1号",
        "联系电话": "0971-2220001",
    }
    row.update(cells)
    return row


def inspector_row(phone: str = "13800002001", **cells) -> dict:
    row = {
        "姓名": f"督学{phone[-4:]}",
        "督学类别": "兼职责任督学",
        "工作单位": "示例镇中心学校",
        "职务": "副校长",
        "手机号": phone,
        "督学证编号": f"QH-{phone[-4:]}",
        "聘任日期": "2024-09-01",
        "任期截止": "2027-08-31",
    }
    row.update(cells)
    return row


def assignment_row(phone: str, code: str, **cells) -> dict:
    row = {"督学手机号": phone, "学校标识码": code, "开始日期": "2024-09-01"}
    row.update(cells)
    return row


def run_file(kind: str, county, file, *, commit: bool = True, **options):
    """Import an upload into ``county``, with messages in English for the assertions."""
    importer = IMPORTERS[kind](county, actor=options.pop("actor", None))
    with translation.override("en"):
        return importer.run(file, commit=commit, **options)


def run_import(kind: str, county, rows: list[dict], **options):
    """Import ``rows`` (header -> value dicts) as a file of ``kind`` into ``county``."""
    return run_file(kind, county, sheet_file(kind, rows), **options)


def problems(result) -> list[tuple[int, str, str]]:
    """(row, column header, message) of every error, for compact assertions."""
    return [(error.row, error.column, error.message) for error in result.errors]
