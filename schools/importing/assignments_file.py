"""Importing assignments of responsible inspectors to schools (挂牌责任).

A row is the same assignment as a registered one with the same inspector, school and start
date; a row without an end date is also the pair's current assignment, whatever its start.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspectors.models import Assignment, Inspector, InspectorKind, availability_problem
from schools.importing import cells
from schools.importing.base import CREATED, UNCHANGED, UPDATED, Column, Importer, Record, Step
from schools.importing.inspectors_file import phone_key
from schools.models import School
from schools.validators import validate_not_future


class AssignmentImporter(Importer):
    kind = "assignments"
    label = gettext_lazy("assignments")
    sheet_name = "挂牌责任"
    key_columns = ("phone", "code", "started_on")
    columns = [
        Column(
            "督学手机号",
            "phone",
            cells.mobile_key,
            required=True,
            help=gettext_lazy("The mobile number of a registered responsible inspector."),
            example="13800000002",
        ),
        Column(
            "学校标识码",
            "code",
            cells.school_code,
            required=True,
            help=gettext_lazy("The code of a registered school of the county."),
            example="2163019901",
        ),
        Column(
            "开始日期",
            "started_on",
            cells.date,
            required=True,
            help=gettext_lazy("A date such as 2024-09-01."),
            example="2024-09-01",
        ),
        Column(
            "结束日期",
            "ended_on",
            cells.date,
            help=gettext_lazy("Empty while the assignment is current."),
        ),
    ]
    FIELD_HEADERS = {"started_on": "开始日期", "ended_on": "结束日期"}

    def preload(self):
        self.inspectors = {}
        for inspector in Inspector.objects.filter(county=self.county):
            self.inspectors.setdefault(phone_key(inspector.phone), []).append(inspector)
        self.schools = {school.code: school for school in School.objects.filter(county=self.county)}
        self.by_start, self.current = {}, {}
        for assignment in Assignment.objects.filter(school__county=self.county):
            pair = (assignment.inspector_id, assignment.school_id)
            self.by_start[(*pair, assignment.started_on)] = assignment
            if assignment.ended_on is None:
                self.current[pair] = assignment

    def check(self, records: list[Record]):
        for record in records:
            self._check_inspector(record)
            self._check_school(record)
            start, end = record["started_on"], record["ended_on"]
            try:
                # As the assignment form: an open assignment counts as current from today.
                validate_not_future(start)
            except ValidationError as error:
                self.error(record, "started_on", error.messages[0])
            if start and end and end < start:
                self.error(record, "ended_on", _("The end date cannot be before the start date."))
        valid = [r for r in records if r.ok("phone", "code", "started_on", "ended_on")]
        self.duplicates(
            valid,
            lambda r: (r["inspector"].pk, r["school_id"], r["started_on"]),
            "code",
            _("The same assignment is already on row %(row)d."),
        )
        self.duplicates(
            [r for r in valid if r["ended_on"] is None],
            lambda r: (r["inspector"].pk, r["school_id"]),
            "code",
            _(
                "Row %(row)d already gives this inspector a current assignment to this school; "
                "a pair has one current assignment."
            ),
        )
        for record in valid:
            self._match(record)
            if record["existing"] is None and record["ended_on"] is None:
                self._check_available(record)
        self.duplicates(
            [r for r in valid if r.ok("started_on") and r["existing"] is not None],
            lambda r: r["existing"].pk,
            "started_on",
            _("Row %(row)d describes the same registered assignment."),
        )

    def _check_inspector(self, record):
        found = self.inspectors.get(record["phone"], [])
        record.values["inspector"] = found[0] if len(found) == 1 else None
        if record["phone"] is None:
            return
        if not found:
            self.error(
                record,
                "phone",
                _("No inspector with this mobile number is registered in the county."),
            )
        elif len(found) > 1:
            self.error(
                record,
                "phone",
                _("Several registered inspectors share this number; correct them first."),
            )
        elif found[0].kind == InspectorKind.SPECIAL:
            self.error(
                record,
                "phone",
                _(
                    "%(name)s is a special-appointed inspector (特聘督学): they cover themes "
                    "county-wide and are not assigned to schools."
                )
                % {"name": found[0].name},
            )

    def _check_school(self, record):
        school = self.schools.get(record["code"])
        record.values["school"] = school
        record.values["school_id"] = school.pk if school else None
        if record["code"] is None:
            return
        if record["school_id"] is None:
            self.error(record, "code", _("No school with this code is registered in the county."))
        elif record["inspector"] and record["inspector"].employer_school_id == record["school_id"]:
            self.error(
                record,
                "code",
                _("Recusal: %(name)s works at this school and cannot be assigned to it.")
                % {"name": record["inspector"].name},
            )

    def _check_available(self, record):
        """A new current assignment needs an active inspector and an open school."""
        problem = availability_problem(record["inspector"], record["school"])
        if problem:
            field, message = problem
            self.error(record, {"inspector": "phone", "school": "code"}[field], message)

    def _match(self, record):
        """Find the registered assignment this row describes, if any."""
        pair = (record["inspector"].pk, record["school_id"])
        same_start = self.by_start.get((*pair, record["started_on"]))
        current = self.current.get(pair)
        if record["ended_on"] is None and current is not None and same_start not in (None, current):
            self.error(
                record,
                "started_on",
                _(
                    "This inspector is already currently assigned to this school since "
                    "%(date)s; give that start date, or end the current assignment first."
                )
                % {"date": current.started_on.isoformat()},
            )
        if same_start is None and record["ended_on"] is None:
            same_start = current
        record.values["existing"] = same_start

    def plan(self, records: list[Record]) -> list[Step]:
        steps = []
        for record in records:
            values = {"started_on": record["started_on"], "ended_on": record["ended_on"]}
            assignment = record["existing"]
            if assignment is None:
                assignment = Assignment(
                    inspector=record["inspector"], school_id=record["school_id"], **values
                )
                steps.append(Step(record, assignment, CREATED))
                continue
            changed = self.changes(assignment, values, self.FIELD_HEADERS)
            steps.append(Step(record, assignment, UPDATED if changed else UNCHANGED, changed))
        return steps

    def write(self, steps: list[Step]):
        Assignment.objects.bulk_create([s.obj for s in steps if s.action == CREATED])
        Assignment.objects.bulk_update(
            [s.obj for s in steps if s.action == UPDATED], list(self.FIELD_HEADERS), batch_size=500
        )
