"""Importing inspectors, keyed on their mobile number within the county."""

import re
from collections import defaultdict
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from inspectors.models import Assignment, Inspector, InspectorKind, InspectorStatus
from schools.importing import cells
from schools.importing.base import CREATED, UNCHANGED, UPDATED, Column, Importer, Record, Step
from schools.models import School, SupervisionMatter, Zone
from schools.validators import validate_not_future

INSPECTOR_KINDS = {
    "特聘督学": InspectorKind.SPECIAL,
    "专职责任督学": InspectorKind.FULL_TIME,
    "兼职责任督学": InspectorKind.PART_TIME,
    # Synonyms seen in county lists.
    "特聘": InspectorKind.SPECIAL,
    "专职督学": InspectorKind.FULL_TIME,
    "专职": InspectorKind.FULL_TIME,
    "兼职督学": InspectorKind.PART_TIME,
    "兼职": InspectorKind.PART_TIME,
}
ThemeLink = Inspector.themes.through


def phone_key(phone: str) -> str:
    """Registered phones may be written 138-0000-0001 or 13800000001; compare their digits."""
    digits = re.sub(r"\D", "", phone)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _text(field: str):
    return partial(cells.limited_text, max_length=Inspector._meta.get_field(field).max_length)


class InspectorImporter(Importer):
    kind = "inspectors"
    label = gettext_lazy("inspectors")
    sheet_name = "督学"
    key_columns = ("name", "phone")
    columns = [
        Column("姓名", "name", _text("name"), required=True, example="李明"),
        Column(
            "督学类别",
            "kind",
            cells.choice(INSPECTOR_KINDS),
            required=True,
            help=gettext_lazy("One of the allowed values listed below."),
            example="兼职责任督学",
        ),
        Column("工作单位", "employer", _text("employer"), example="示例镇中心学校"),
        Column(
            "任职学校标识码",
            "employer_school",
            cells.token,
            help=gettext_lazy(
                "If the inspector works at a school of the county: its code. They will never be "
                "assigned to that school (recusal)."
            ),
            example="2163019901",
        ),
        Column("职务", "post", _text("post"), example="副校长"),
        Column(
            "手机号",
            "phone",
            cells.mobile_key,
            required=True,
            help=gettext_lazy(
                "11-digit mobile number; the key: an inspector already registered with this "
                "number is updated, otherwise one is added."
            ),
            example="13800000002",
        ),
        Column(
            "督学证编号",
            "certificate_no",
            partial(cells.limited_text, max_length=30),
            example="QH-2024-001",
        ),
        Column(
            "聘任日期",
            "appointed_on",
            cells.date,
            help=gettext_lazy("A date such as 2024-09-01."),
            example="2024-09-01",
        ),
        Column(
            "任期截止",
            "term_ends_on",
            cells.date,
            help=gettext_lazy("A date such as 2027-08-31; not before the appointment."),
            example="2027-08-31",
        ),
        Column(
            "责任区",
            "zone",
            _text("name"),
            help=gettext_lazy("A responsibility zone registered in the county; may be empty."),
        ),
        Column(
            "专项督导事项",
            "themes",
            cells.text,
            help=gettext_lazy(
                "Only for 特聘督学: the numbers or names of the supervision matters they cover, "
                "separated by 、 or commas, e.g. 6、7."
            ),
        ),
    ]
    FIELD_HEADERS = {
        "name": "姓名",
        "kind": "督学类别",
        "employer": "工作单位",
        "employer_school_id": "任职学校标识码",
        "post": "职务",
        "certificate_no": "督学证编号",
        "appointed_on": "聘任日期",
        "term_ends_on": "任期截止",
        "zone_id": "责任区",
    }

    def allowed_values(self):
        matters = SupervisionMatter.objects.filter(county=self.county)
        return {
            "督学类别": cells.choice_words(INSPECTOR_KINDS),
            "责任区": list(Zone.objects.filter(county=self.county).values_list("name", flat=True)),
            "专项督导事项": [f"{m.number}. {m.name}" for m in matters],
        }

    def preload(self):
        self.school_ids = dict(School.objects.filter(county=self.county).values_list("code", "pk"))
        self.zones = {z.name: z.pk for z in Zone.objects.filter(county=self.county)}
        matters = list(SupervisionMatter.objects.filter(county=self.county))
        self.matter_ids_by_number = {str(m.number): m.pk for m in matters}
        self.matter_ids_by_name = {cells.text(m.name): m.pk for m in matters}
        self.matter_names = [f"{m.number}. {m.name}" for m in matters]
        self.inspectors = defaultdict(list)
        for inspector in Inspector.objects.filter(county=self.county):
            self.inspectors[phone_key(inspector.phone)].append(inspector)
        self.themes = defaultdict(set)
        for inspector_id, matter_id in ThemeLink.objects.filter(
            inspector__county=self.county
        ).values_list("inspector_id", "supervisionmatter_id"):
            self.themes[inspector_id].add(matter_id)
        self.current_schools = defaultdict(set)
        for inspector_id, school_id in (
            Assignment.objects.current()
            .filter(inspector__county=self.county)
            .values_list("inspector_id", "school_id")
        ):
            self.current_schools[inspector_id].add(school_id)

    def check(self, records: list[Record]):
        self.duplicates(
            records,
            lambda r: r["phone"],
            "phone",
            _("The same mobile number is already on row %(row)d."),
        )
        for record in records:
            existing = self.inspectors.get(record["phone"], [])
            if len(existing) > 1:
                self.error(
                    record,
                    "phone",
                    _("Several registered inspectors share this number; correct them first."),
                )
            record.values["existing"] = existing[0] if len(existing) == 1 else None
            self._check_school(record)
            self.check_known(
                record,
                "zone",
                self.zones,
                _("Unknown responsibility zone “%(name)s”. Registered: %(known)s."),
                _("Unknown responsibility zone “%(name)s”: the county has no zones yet."),
            )
            self._check_term(record)
            self._check_themes(record)
            self._check_assignments(record)

    def _check_school(self, record):
        code = record["employer_school"]
        record.values["employer_school_id"] = self.school_ids.get(code)
        if code and code not in self.school_ids:
            self.error(
                record,
                "employer_school",
                _("No school with this code is registered in the county."),
            )

    def _check_term(self, record):
        start, end = record["appointed_on"], record["term_ends_on"]
        try:
            validate_not_future(start)
        except ValidationError as error:
            self.error(record, "appointed_on", error.messages[0])
            return
        if start and end and end < start:
            self.error(
                record, "term_ends_on", _("The term cannot end before the appointment date.")
            )

    def _check_themes(self, record):
        record.values["theme_ids"] = set()
        if not record["themes"]:
            return
        if record["kind"] and record["kind"] != InspectorKind.SPECIAL:
            self.error(
                record,
                "themes",
                _("Only special-appointed inspectors (特聘督学) cover supervision matters."),
            )
            return
        ids, unknown = self._matters_in(record["themes"])
        if unknown:
            self.error(
                record,
                "themes",
                _("Unknown supervision matter %(items)s. The county's matters: %(matters)s.")
                % {"items": "、".join(unknown), "matters": "；".join(self.matter_names)},
            )
            return
        record.values["theme_ids"] = ids

    def _matters_in(self, cell: str) -> tuple[set[int], list[str]]:
        """Matter ids named in the cell, by name or number, and the words that match none.

        Names are found first because several contain 、 (招生、收费、择校), which also
        separates the items; what is left are numbers, written 6 or 6. as in the instructions.
        """
        ids = set()
        for name in sorted(self.matter_ids_by_name, key=len, reverse=True):
            if name in cell:
                ids.add(self.matter_ids_by_name[name])
                cell = cell.replace(name, " ")
        unknown = []
        for item in cells.split_list(cell):
            number = item.rstrip(".")
            if number in self.matter_ids_by_number:
                ids.add(self.matter_ids_by_number[number])
            else:
                unknown.append(item)
        return ids, unknown

    def _check_assignments(self, record):
        """Rules that involve the inspector's current school assignments."""
        inspector = record["existing"]
        current = self.current_schools.get(inspector.pk, set()) if inspector else set()
        if not current:
            return
        if record["kind"] == InspectorKind.SPECIAL:
            self.error(
                record,
                "kind",
                _(
                    "This inspector is currently assigned to %(count)d schools, but "
                    "special-appointed inspectors are not assigned to schools. End those "
                    "assignments first."
                )
                % {"count": len(current)},
            )
        if record["employer_school_id"] in current:
            self.error(
                record,
                "employer_school",
                _(
                    "Recusal: this inspector is currently assigned to the school they would "
                    "work at. End that assignment first."
                ),
            )

    def plan(self, records: list[Record]) -> list[Step]:
        steps = []
        for record in records:
            values = {
                "name": record["name"],
                "kind": record["kind"],
                "employer": record["employer"],
                "employer_school_id": record["employer_school_id"],
                "post": record["post"],
                "certificate_no": record["certificate_no"],
                "appointed_on": record["appointed_on"],
                "term_ends_on": record["term_ends_on"],
                "zone_id": self.zones.get(record["zone"]),
            }
            inspector = record["existing"]
            if inspector is None:
                inspector = Inspector(county=self.county, phone=record["phone"], **values)
                steps.append(Step(record, inspector, CREATED))
                continue
            changed = self.changes(inspector, values, self.FIELD_HEADERS)
            if self.themes.get(inspector.pk, set()) != record["theme_ids"]:
                changed.append("专项督导事项")
            steps.append(Step(record, inspector, UPDATED if changed else UNCHANGED, changed))
        return steps

    def create_logins(self, steps):
        """Logins for the imported inspectors still serving who have none."""
        inspectors = [step.obj for step in steps if step.obj.status != InspectorStatus.LEFT]
        return account_services.create_logins(county=self.county, inspectors=inspectors)

    def write(self, steps: list[Step]):
        Inspector.objects.bulk_create([s.obj for s in steps if s.action == CREATED])
        updated = [s.obj for s in steps if s.action == UPDATED]
        Inspector.objects.bulk_update(updated, list(self.FIELD_HEADERS), batch_size=500)
        retheme = [
            s
            for s in steps
            if s.action != UNCHANGED and self.themes.get(s.obj.pk, set()) != s.record["theme_ids"]
        ]
        ThemeLink.objects.filter(inspector_id__in=[s.obj.pk for s in retheme]).delete()
        ThemeLink.objects.bulk_create(
            ThemeLink(inspector_id=s.obj.pk, supervisionmatter_id=matter_id)
            for s in retheme
            for matter_id in s.record["theme_ids"]
        )
