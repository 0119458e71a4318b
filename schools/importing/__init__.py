"""Onboarding a county from spreadsheets: schools, inspectors and assignments (.xlsx).

``IMPORTERS[kind](county).run(upload, commit=...)`` validates every row first and writes all rows
in one transaction only when there is no error; ``template_workbook`` builds the blank template.
"""

from schools.importing.assignments_file import AssignmentImporter
from schools.importing.base import ImportResult, RowError
from schools.importing.inspectors_file import InspectorImporter
from schools.importing.schools_file import SchoolImporter
from schools.importing.template_sheets import template_workbook
from schools.importing.workbook import IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, ImportFileError

IMPORTERS = {
    importer.kind: importer for importer in (SchoolImporter, InspectorImporter, AssignmentImporter)
}

__all__ = [
    "IMPORTERS",
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "ImportFileError",
    "ImportResult",
    "RowError",
    "template_workbook",
]
