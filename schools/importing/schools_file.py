"""Importing the county's schools, keyed on the national school code."""

import re
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from schools.importing import cells
from schools.importing.base import CREATED, UNCHANGED, UPDATED, Column, Importer, Record, Step
from schools.importing.workbook import ImportFileError
from schools.models import PrincipalTenure, School, SchoolKind, Township, Zone

SCHOOL_KINDS = {
    "幼儿园": SchoolKind.KINDERGARTEN,
    "小学": SchoolKind.PRIMARY,
    "初中": SchoolKind.JUNIOR,
    "九年一贯制": SchoolKind.NINE_YEAR,
    "完全中学": SchoolKind.COMPLETE,
    "高中": SchoolKind.SENIOR,
    "特殊教育": SchoolKind.SPECIAL,
    "教学点": SchoolKind.TEACHING_POINT,
    # Synonyms seen in county lists.
    "初级中学": SchoolKind.JUNIOR,
    "九年一贯制学校": SchoolKind.NINE_YEAR,
    "完中": SchoolKind.COMPLETE,
    "高级中学": SchoolKind.SENIOR,
    "特殊教育学校": SchoolKind.SPECIAL,
}
OWNERSHIP = {"公办": True, "民办": False}
FIRST, TURNOVER = "first", "turnover"


def _max(field: str) -> int:
    return School._meta.get_field(field).max_length


def _text(field: str):
    return partial(cells.limited_text, max_length=_max(field))


class SchoolImporter(Importer):
    kind = "schools"
    label = gettext_lazy("schools")
    sheet_name = "学校"
    key_columns = ("code", "name")
    columns = [
        Column(
            "学校标识码",
            "code",
            cells.school_code,
            required=True,
            help=gettext_lazy(
                "The national 10-digit school identification code. A school already registered "
                "with this code is updated, otherwise it is added."
            ),
            example="2163019901",
        ),
        Column(
            "学校名称",
            "name",
            _text("name"),
            required=True,
            help=gettext_lazy("Full name; unique within the county."),
            example="示例镇中心学校",
        ),
        Column(
            "乡镇/街道",
            "township",
            _text("name"),
            required=True,
            help=gettext_lazy("A town, township or subdistrict registered in the county."),
            example="鲁沙尔镇",
        ),
        Column(
            "学校类型",
            "kind",
            cells.choice(SCHOOL_KINDS),
            required=True,
            help=gettext_lazy("One of the allowed values listed below."),
            example="小学",
        ),
        Column(
            "公办/民办",
            "is_public",
            cells.choice(OWNERSHIP, default=True),
            help=gettext_lazy("公办 or 民办; empty means 公办."),
            example="公办",
        ),
        Column(
            "是否中心校",
            "is_central",
            cells.yes_no,
            help=gettext_lazy("是 or 否; empty means 否."),
            example="是",
        ),
        Column(
            "所属中心校",
            "central",
            _text("name"),
            help=gettext_lazy(
                "For village schools and teaching points: the code or exact name of their "
                "central school (in this file or already registered)."
            ),
        ),
        Column(
            "是否寄宿制",
            "is_boarding",
            cells.yes_no,
            help=gettext_lazy("是 or 否; empty means 否."),
            example="否",
        ),
        Column("学生数", "students", cells.count, help=gettext_lazy("Whole number."), example=320),
        Column("教师数", "teachers", cells.count, help=gettext_lazy("Whole number."), example=24),
        Column("校长", "principal_name", _text("principal_name"), example="王校长"),
        Column("校长电话", "principal_phone", cells.phone, example="13800000001"),
        Column("地址", "address", _text("address")),
        Column(
            "纬度",
            "latitude",
            cells.coordinate(90),
            help=gettext_lazy("Decimal degrees; give both latitude and longitude or neither."),
            example="36.5012",
        ),
        Column("经度", "longitude", cells.coordinate(180), example="101.5713"),
        Column("联系电话", "phone", cells.phone, example="0971-2220001"),
        Column(
            "责任区",
            "zone",
            _text("name"),
            help=gettext_lazy("A responsibility zone registered in the county; may be empty."),
        ),
    ]
    # Model field -> the header shown when it changes.
    FIELD_HEADERS = {
        "name": "学校名称",
        "township_id": "乡镇/街道",
        "kind": "学校类型",
        "is_public": "公办/民办",
        "is_central": "是否中心校",
        "is_boarding": "是否寄宿制",
        "students": "学生数",
        "teachers": "教师数",
        "principal_name": "校长",
        "principal_phone": "校长电话",
        "address": "地址",
        "latitude": "纬度",
        "longitude": "经度",
        "phone": "联系电话",
        "zone_id": "责任区",
        "central_school_id": "所属中心校",
    }

    def allowed_values(self):
        yes_no = ["是", "否"]
        return {
            "乡镇/街道": list(
                Township.objects.filter(county=self.county).values_list("name", flat=True)
            ),
            "学校类型": cells.choice_words(SCHOOL_KINDS),
            "公办/民办": cells.choice_words(OWNERSHIP),
            "是否中心校": yes_no,
            "是否寄宿制": yes_no,
            "责任区": list(Zone.objects.filter(county=self.county).values_list("name", flat=True)),
        }

    def preload(self):
        self.townships = {t.name: t.pk for t in Township.objects.filter(county=self.county)}
        self.zones = {z.name: z.pk for z in Zone.objects.filter(county=self.county)}
        self.schools = {s.code: s for s in School.objects.filter(county=self.county)}
        self.code_by_id = {school.pk: code for code, school in self.schools.items()}
        self.with_tenure = set(
            PrincipalTenure.objects.filter(
                school__county=self.county, ended_on__isnull=True
            ).values_list("school_id", flat=True)
        )

    def check(self, records: list[Record]):
        self.duplicates(
            records,
            lambda r: r["code"],
            "code",
            _("The same school code is already on row %(row)d."),
        )
        self.duplicates(
            records,
            lambda r: r["name"],
            "name",
            _("The same school name is already on row %(row)d."),
        )
        in_file = {r["code"]: r for r in records if r["code"]}
        self._check_codes_elsewhere(records, in_file)
        self._check_names(records, in_file)
        for record in records:
            self.check_known(
                record,
                "township",
                self.townships,
                _("Unknown township “%(name)s”. Registered: %(known)s."),
                _("Unknown township “%(name)s”: the county has no townships yet; add them first."),
            )
            self.check_known(
                record,
                "zone",
                self.zones,
                _("Unknown responsibility zone “%(name)s”. Registered: %(known)s."),
                _("Unknown responsibility zone “%(name)s”: the county has no zones yet."),
            )
            if (record["latitude"] is None) != (record["longitude"] is None) and record.ok(
                "latitude", "longitude"
            ):
                self.error(record, "longitude", _("Give both latitude and longitude, or neither."))
        self._check_central(records, in_file)
        for record in records:
            self._check_principal(record)

    def _check_principal(self, record):
        """An empty cell may not silently end a principal's tenure and login."""
        school = self.schools.get(record["code"])
        removed = record.ok("principal_name") and not record["principal_name"]
        if school and school.principal_name and removed:
            self.error(
                record,
                "principal_name",
                _(
                    "A principal cannot be removed by import: write the new principal's "
                    "name, or hand the school over on the accounts pages."
                ),
            )

    def _check_codes_elsewhere(self, records, in_file):
        elsewhere = set(
            School.objects.exclude(county=self.county)
            .filter(code__in=list(in_file))
            .values_list("code", flat=True)
        )
        for record in records:
            if record["code"] in elsewhere:
                self.error(
                    record,
                    "code",
                    _("This school code is already registered in another county."),
                )

    def _check_names(self, records, in_file):
        """A name may not belong to another registered school, unless this file renames it."""
        code_by_name = {school.name: code for code, school in self.schools.items()}
        for record in records:
            other = code_by_name.get(record["name"])
            if other is not None and other != record["code"] and other not in in_file:
                self.error(
                    record,
                    "name",
                    _("The registered school with code %(code)s already has this name.")
                    % {"code": other},
                )

    def _check_central(self, records, in_file):
        """所属中心校 names a central school of this file or of the registry, by code or name."""
        is_central = {code: school.is_central for code, school in self.schools.items()}
        code_by_name = {school.name: code for code, school in self.schools.items()}
        for code in in_file.keys() & self.schools.keys():
            code_by_name.pop(self.schools[code].name, None)
        for code, record in in_file.items():
            is_central[code] = record["is_central"]
            if record["name"]:
                code_by_name[record["name"]] = code
        for record in records:
            wanted = record["central"]
            record.values["central_code"] = None
            if not wanted:
                continue
            target = cells.token(wanted)
            code = target if re.fullmatch(r"\d{10}", target) else code_by_name.get(wanted)
            if code is None or code not in is_central:
                self.error(
                    record,
                    "central",
                    _(
                        "Unknown central school “%(name)s”: give the code or exact name of a "
                        "school in this file or already registered."
                    )
                    % {"name": wanted},
                )
            elif code == record["code"]:
                self.error(record, "central", _("A school cannot be its own central school."))
            elif record["is_central"]:
                self.error(
                    record,
                    "central",
                    _("A central school does not belong to another central school."),
                )
            elif not is_central[code]:
                self.error(
                    record,
                    "central",
                    _("“%(name)s” is not marked as a central school (是否中心校 = 是).")
                    % {"name": wanted},
                )
            else:
                record.values["central_code"] = code

    def plan(self, records: list[Record]) -> list[Step]:
        steps = []
        for record in records:
            values = {
                "name": record["name"],
                "township_id": self.townships[record["township"]],
                "kind": record["kind"],
                "is_public": record["is_public"],
                "is_central": record["is_central"],
                "is_boarding": record["is_boarding"],
                "students": record["students"],
                "teachers": record["teachers"],
                "principal_name": record["principal_name"],
                "principal_phone": record["principal_phone"],
                "address": record["address"],
                "latitude": record["latitude"],
                "longitude": record["longitude"],
                "phone": record["phone"],
                "zone_id": self.zones.get(record["zone"]),
            }
            school = self.schools.get(record["code"])
            record.values["principal_event"] = self._principal_event(
                school, record["principal_name"]
            )
            if school is None:
                school = School(county=self.county, code=record["code"], **values)
                steps.append(Step(record, school, CREATED))
                continue
            changed = self.changes(school, values, self.FIELD_HEADERS)
            if self.code_by_id.get(school.central_school_id) != record["central_code"]:
                changed.append(self.FIELD_HEADERS["central_school_id"])
            steps.append(Step(record, school, UPDATED if changed else UNCHANGED, changed))
        return steps

    def write(self, steps: list[Step]):
        School.objects.bulk_create([step.obj for step in steps if step.action == CREATED])
        ids = {code: school.pk for code, school in self.schools.items()}
        ids.update({step.obj.code: step.obj.pk for step in steps})
        # Names are unique per county and one UPDATE may rename A to B's name while renaming B:
        # park the renamed schools on their (unique) codes first.
        renamed = [step.obj.pk for step in steps if self.FIELD_HEADERS["name"] in step.changed]
        School.objects.filter(pk__in=renamed).update(name=F("code"))
        dirty = []
        for step in steps:
            central_id = ids.get(step.record["central_code"])
            if step.action == UPDATED or step.obj.central_school_id != central_id:
                step.obj.central_school_id = central_id
                dirty.append(step.obj)
        School.objects.bulk_update(dirty, list(self.FIELD_HEADERS), batch_size=500)
        self._record_principals(steps)

    def create_logins(self, steps):
        """Principal logins for the imported schools that name a principal and have none."""
        schools = [step.obj for step in steps if step.obj.principal_name and step.obj.is_active]
        return account_services.create_logins(county=self.county, schools=schools)

    def _principal_event(self, school: School | None, new_name: str) -> str | None:
        """FIRST: a school gets its first named principal; TURNOVER: another person takes over."""
        if not new_name:
            return None
        if school is None:
            return FIRST
        old_name = school.principal_name
        if old_name == new_name:
            return None
        if not old_name and school.pk not in self.with_tenure:
            return FIRST
        return TURNOVER

    def _record_principals(self, steps):
        """Keep the principal history (PrincipalTenure); a turnover also takes the school away
        from the previous principal's login, through the same service as the accounts pages."""
        today = timezone.localdate()
        events = {step.obj.pk: step.record["principal_event"] for step in steps}
        PrincipalTenure.objects.bulk_create(
            PrincipalTenure(school=step.obj, name=step.obj.principal_name, started_on=today)
            for step in steps
            if events[step.obj.pk] == FIRST
        )
        turnovers = [step for step in steps if events[step.obj.pk] == TURNOVER]
        for step in turnovers:
            try:
                account_services.change_principal(
                    school=step.obj,
                    name=step.obj.principal_name,
                    phone=step.obj.principal_phone,
                    started_on=today,
                    actor=self.actor,
                )
            except ValidationError as problem:
                raise ImportFileError(
                    _("Row %(row)d: %(problem)s")
                    % {"row": step.record.row, "problem": " ".join(problem.messages)}
                ) from None
        if turnovers:
            self.notes.append(
                _(
                    "%(count)d schools have a new principal: the previous principal's login no "
                    "longer has access to the school, and the history keeps both."
                )
                % {"count": len(turnovers)}
            )
