"""What a school's plaque (公示牌) prints, built from today's data, and whether a posted one is
outdated.

The content is a plain dict (``plaque_content``) so that a posting can keep it as its snapshot:
the plaque printed then is compared with the one today's data would print, field by field. The QR
code is drawn by the ``qrcode`` library as an SVG path, so it prints sharp at any size.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.qr import qr_svg
from inspectors.models import Assignment, InspectorKind, InspectorStatus, Plaque, PlaquePosting

# The responsible inspector's duties as the national Measures list them (《挂牌督导办法》).
DUTIES = [
    gettext_lazy("Supervise the lawful running of the school"),
    gettext_lazy("Guide its management and teaching"),
    gettext_lazy("Accept and verify reports and complaints"),
    gettext_lazy("Find problems and press for their rectification"),
    gettext_lazy("Report to the supervision office and advise the government"),
]
# What a posted plaque is compared on; the duties are fixed text and never make it outdated.
COMPARED = ("school", "number", "url", "inspectors", "matters", "complaint_phone")


def readable_phone(phone: str) -> str:
    """A mobile number as people read it aloud: 138 0000 1234; other numbers as stored."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return phone or ""


def current_assignments(schools):
    """The current assignments of active inspectors to ``schools``, lead first, in one query."""
    return (
        Assignment.objects.current()
        .filter(school__in=schools, inspector__status=InspectorStatus.ACTIVE)
        .select_related("inspector")
        .order_by("school_id", "-is_lead", "started_on", "inspector__name", "pk")
    )


def plaque_content(school, *, assignments, matters, plaque, duties=None) -> dict:
    """What the plaque of ``school`` prints today, as JSON-ready data.

    ``assignments`` are the school's current ones (lead first), ``matters`` the county's active
    supervision matters, ``plaque`` the school's issued plaque or None; ``duties`` the
    translated duties, when the caller translated them once for many schools.
    """
    return _content(
        name=school.name,
        county=school.county,
        number=plaque.number if plaque else "",
        url=plaque.public_url if plaque else "",
        inspectors=[
            {
                **printed_inspector(
                    pk=assignment.inspector_id,
                    name=assignment.inspector.name,
                    post=assignment.inspector.post or assignment.inspector.get_kind_display(),
                    phone=assignment.inspector.phone,
                    photo=assignment.inspector.photo.name,
                ),
                "lead": assignment.is_lead,
            }
            for assignment in assignments
        ],
        matters=[matter.name for matter in matters],
        duties=duties,
    )


def printed_inspector(*, pk: int, name: str, post: str, phone: str, photo: str) -> dict:
    """One inspector as a plaque prints them, but for ``lead`` (which is the school's)."""
    return {
        "id": pk,
        "name": name,
        "post": post,
        "phone": readable_phone(phone),
        "photo": photo or "",
    }


def _content(*, name, county, number, url, inspectors, matters, duties) -> dict:
    return {
        "school": name,
        "county": county.name,
        "number": number,
        "url": url,
        "inspectors": inspectors,
        "matters": matters,
        "complaint_phone": county.complaint_phone,
        "duties": duties if duties is not None else [str(duty) for duty in DUTIES],
    }


def differences(snapshot: dict, content: dict) -> list[str]:
    """What changed since the plaque in ``snapshot`` was printed, one line each (empty: none)."""
    changes = []
    if snapshot.get("school") != content["school"]:
        changes.append(_("The school's name changed."))
    if snapshot.get("number") != content["number"] or snapshot.get("url") != content["url"]:
        changes.append(_("The plaque number or public address changed."))
    before = {row["id"]: row for row in snapshot.get("inspectors", [])}
    now = {row["id"]: row for row in content["inspectors"]}
    for pk in before.keys() - now.keys():
        changes.append(_("%(name)s no longer covers the school.") % {"name": before[pk]["name"]})
    for pk in now.keys() - before.keys():
        changes.append(_("%(name)s now covers the school.") % {"name": now[pk]["name"]})
    for pk in now.keys() & before.keys():
        old, new = before[pk], now[pk]
        if old.get("phone") != new["phone"]:
            changes.append(_("The phone of %(name)s changed.") % {"name": new["name"]})
        if old.get("name") != new["name"] or old.get("post") != new["post"]:
            changes.append(_("The name or post of %(name)s changed.") % {"name": new["name"]})
        if old.get("photo") != new["photo"]:
            changes.append(_("The photo of %(name)s changed.") % {"name": new["name"]})
        if old.get("lead") != new["lead"]:
            changes.append(_("The lead inspector changed."))
    if snapshot.get("matters") != content["matters"]:
        changes.append(_("The supervision matters changed."))
    if snapshot.get("complaint_phone") != content["complaint_phone"]:
        changes.append(_("The complaint phone changed."))
    if not changes and is_outdated(snapshot, content):
        changes.append(_("The order of the inspectors changed."))
    return list(dict.fromkeys(changes))


def is_outdated(snapshot: dict, content: dict) -> bool:
    return any(snapshot.get(key) != content[key] for key in COMPARED)


@dataclass
class PlaqueStatus:
    """One school's plaque as the coverage page and the plaque list see it."""

    school: object
    plaque: Plaque | None
    posting: PlaquePosting | None  # the latest posting
    content: dict
    changes: list[str]

    @property
    def is_issued(self) -> bool:
        return self.plaque is not None

    @property
    def is_posted(self) -> bool:
        return self.posting is not None

    @property
    def is_outdated(self) -> bool:
        return self.posting is not None and bool(self.changes)

    @property
    def is_current(self) -> bool:
        """Posted and still saying what today's data says."""
        return self.posting is not None and not self.changes

    @property
    def lacks_photo(self) -> bool:
        return self.posting is not None and not self.posting.photo

    @property
    def has_inspector(self) -> bool:
        return bool(self.content["inspectors"])


def statuses(schools, *, county) -> list[PlaqueStatus]:
    """The plaque status of each school in ``schools`` (a queryset), in a fixed few queries."""
    schools = list(
        schools.select_related("plaque").prefetch_related(
            Prefetch(
                "plaque__postings",
                queryset=PlaquePosting.objects.order_by("-posted_on", "-pk"),
            )
        )
    )
    by_school = {}
    for assignment in current_assignments(schools):
        by_school.setdefault(assignment.school_id, []).append(assignment)
    matters = list(county.supervision_matters.filter(is_active=True).order_by("number"))
    found = []
    for school in schools:
        school.county = county  # the plaque's URL and phone; saves a query per school
        plaque = getattr(school, "plaque", None)
        posting = next(iter(plaque.postings.all()), None) if plaque else None
        content = plaque_content(
            school, assignments=by_school.get(school.pk, []), matters=matters, plaque=plaque
        )
        changes = differences(posting.snapshot, content) if posting else []
        found.append(PlaqueStatus(school, plaque, posting, content, changes))
    return found


@dataclass(frozen=True)
class PlaqueFlags:
    """Where one school stands with its plaque, without the rows to show it (``statuses``)."""

    school_id: int
    township_id: int
    number: str | None  # None: not issued
    posted_on: datetime.date | None  # of the latest posting; None: never posted
    lacks_photo: bool
    has_inspector: bool
    # What the latest posting printed and what today's data would print, kept only when they
    # differ (a few schools of a county), to say what changed (``changes``).
    outdated_by: tuple[dict, dict] | None = field(default=None, repr=False, compare=False)

    @property
    def is_issued(self) -> bool:
        return self.number is not None

    @property
    def is_posted(self) -> bool:
        return self.posted_on is not None

    @property
    def is_outdated(self) -> bool:
        return self.outdated_by is not None

    @property
    def is_current(self) -> bool:
        return self.is_posted and not self.is_outdated

    @property
    def changes(self) -> list[str]:
        return differences(*self.outdated_by) if self.outdated_by else []


def flags(schools, *, counties=()) -> list[PlaqueFlags]:
    """``statuses`` reduced to its yes/no answers, for counting a county of a thousand schools
    or a province of thirty thousand in a fixed few queries: plain values instead of model rows,
    the latest posting only, each inspector's printed line, the labels and the duties made
    once. ``counties`` are the schools' counties where the caller has them loaded (the others
    are loaded here). ``schools`` keep their order."""
    from schools.models import County, SupervisionMatter

    rows = list(schools.values_list("pk", "county_id", "township_id", "name"))
    counties = {county.pk: county for county in counties}
    if missing := {row[1] for row in rows} - counties.keys():
        counties |= County.objects.in_bulk(missing)
    # Below, ``school__county_id__in`` says nothing new (the schools are of those counties) but
    # lets PostgreSQL start from the counties' schools instead of a pass over the province's
    # plaques, postings and assignments.
    near = {"school__county_id__in": list(counties), "school__in": schools.values("pk")}
    issued = {
        school_id: (number, url)
        for school_id, number, url in Plaque.objects.filter(**near).values_list(
            "school_id", "number", "public_url"
        )
    }
    matters = {pk: [] for pk in counties}
    for county_id, name in (
        SupervisionMatter.objects.filter(county_id__in=list(counties), is_active=True)
        .order_by("county_id", "number")
        .values_list("county_id", "name")
    ):
        matters[county_id].append(name)
    latest = {}
    for plaque_school, posted_on, photo, snapshot in (
        PlaquePosting.objects.filter(**{f"plaque__{key}": value for key, value in near.items()})
        .order_by("plaque_id", "-posted_on", "-pk")
        .values_list("plaque__school_id", "posted_on", "photo", "snapshot")
    ):
        latest.setdefault(plaque_school, (posted_on, photo, snapshot))
    kinds = {value: str(label) for value, label in InspectorKind.choices}
    printed = {}  # an inspector's line is the same on each of their schools' plaques
    teams = {}
    for school_id, pk, is_lead, name, post, kind, phone, photo in (
        current_assignments(schools.values("pk"))
        .filter(**near)
        .values_list(
            "school_id",
            "inspector_id",
            "is_lead",
            "inspector__name",
            "inspector__post",
            "inspector__kind",
            "inspector__phone",
            "inspector__photo",
        )
    ):
        if pk not in printed:
            printed[pk] = printed_inspector(
                pk=pk, name=name, post=post or kinds[kind], phone=phone, photo=photo
            )
        teams.setdefault(school_id, []).append({**printed[pk], "lead": is_lead})
    duties = [str(duty) for duty in DUTIES]
    found = []
    for pk, county_id, township_id, name in rows:
        number, url = issued.get(pk, (None, None))
        team = teams.get(pk, [])
        posted_on, photo, snapshot = latest.get(pk, (None, "", None))
        outdated_by = None
        if snapshot is not None:
            content = _content(
                name=name,
                county=counties[county_id],
                number=number or "",
                url=url or "",
                inspectors=team,
                matters=matters[county_id],
                duties=duties,
            )
            if is_outdated(snapshot, content):
                outdated_by = (snapshot, content)
        found.append(
            PlaqueFlags(
                school_id=pk,
                township_id=township_id,
                number=number,
                posted_on=posted_on,
                lacks_photo=posted_on is not None and not photo,
                has_inspector=bool(team),
                outdated_by=outdated_by,
            )
        )
    return found


# What a school's plaque needs next, as the plaque list filters it.
UNISSUED = "unissued"
UNPOSTED = "unposted"
OUTDATED = "outdated"
NO_PHOTO = "no_photo"
CURRENT = "current"


def in_state(schools, state: str, *, county):
    """The ``schools`` whose plaque is in ``state`` (one of the above), as a queryset: the
    database answers but for outdated and current, which compare today's content with the
    latest posting (``flags``, over the posted schools only). A plaque is issued in its school's
    county: naming it lets PostgreSQL look at that county's plaques, not hash the province's."""
    plaques = Plaque.objects.filter(school=OuterRef("pk"), county=county)
    postings = PlaquePosting.objects.filter(plaque__school=OuterRef("pk"), plaque__county=county)
    if state == UNISSUED:
        return schools.filter(~Exists(plaques))
    if state == UNPOSTED:
        return schools.filter(~Exists(postings))
    if state == NO_PHOTO:
        latest = postings.order_by("-posted_on", "-pk").values("photo")[:1]
        return schools.alias(latest_photo=Subquery(latest)).filter(latest_photo="")
    posted = flags(schools.filter(Exists(postings)), counties=(county,))
    wanted = state == OUTDATED
    return schools.filter(pk__in=[f.school_id for f in posted if f.is_outdated == wanted])


def status_of(school) -> PlaqueStatus:
    from schools.models import School

    return statuses(School.objects.filter(pk=school.pk), county=school.county)[0]


@dataclass(frozen=True)
class QrCode:
    """A QR code as an SVG path: ``<svg viewBox="{{ view_box }}"><path d="{{ path }}"/></svg>``."""

    view_box: str
    path: str


def qr_code(data: str) -> QrCode:
    """The QR code of ``data`` (``dudao.qr``: error correction M, the standard quiet zone)."""
    root = ET.fromstring(qr_svg(data))
    path = root.find("{http://www.w3.org/2000/svg}path")
    return QrCode(view_box=root.get("viewBox"), path=path.get("d"))
