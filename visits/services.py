"""Operations on visits that span several models: who may log one, starting it, saving a draft,
photos, and the monthly duty."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from dudao.imaging import check_size
from dudao.photos import process_photo
from dudao.pickers import text_search_q
from inspectors.forms import InspectorSearchField
from inspectors.models import Assignment, Inspector, InspectorStatus
from schools.forms import SchoolSearchField
from schools.models import School, SupervisionMatter
from visits.imaging import MESSAGES, is_pdf
from visits.models import (
    FLAGGED_CHECK_INS,
    SHANGHAI,
    Visit,
    VisitEvent,
    VisitKind,
    VisitMatterNote,
    VisitPhoto,
    VisitProblem,
    client_moment,
    month_bounds,
)


class VisitNotEditable(Exception):
    """The visit is no longer a draft; the caller answers 409 or shows the record."""


# --- who may log a visit --------------------------------------------------------------------


def may_log_visit(user, school: School, kind: str) -> bool:
    """A school's assigned responsible inspectors (any kind), special-appointed inspectors
    (special visits at any school of their county), and the office."""
    if not user.is_authenticated or not user.is_active or not school.is_active:
        return False
    if user.is_superuser:
        return True
    if user.county_id != school.county_id:
        return False
    if user.is_office:
        return True
    if not (user.is_inspector and user.inspector_id):
        return False
    inspector = user.inspector
    if inspector.status != InspectorStatus.ACTIVE:
        return False
    if inspector.is_special:
        return kind == VisitKind.SPECIAL
    return Assignment.objects.current().filter(inspector=inspector, school=school).exists()


def loggable_schools(user):
    """The schools ``user`` may start a visit at (of some kind)."""
    schools = School.objects.for_user(user).active()
    if user.is_superuser or user.is_office:
        return schools
    if not (user.is_inspector and user.inspector_id):
        return schools.none()
    inspector = user.inspector
    if inspector.status != InspectorStatus.ACTIVE:
        return schools.none()
    if inspector.is_special:
        return School.objects.active().filter(county_id=inspector.county_id)
    assigned = Assignment.objects.current().filter(inspector=inspector).values("school_id")
    return School.objects.active().filter(pk__in=assigned)


def kinds_for(inspector: Inspector | None) -> list[tuple[str, str]]:
    """Visit kinds a record led by this inspector may have."""
    if inspector is not None and inspector.is_special:
        return [(VisitKind.SPECIAL.value, VisitKind.SPECIAL.label)]
    return list(VisitKind.choices)


def default_inspector(school: School) -> Inspector | None:
    """Whom the office records a visit for when it does not say: the school's first inspector."""
    assignment = (
        Assignment.objects.current()
        .filter(school=school, inspector__status=InspectorStatus.ACTIVE)
        .select_related("inspector")
        .order_by("started_on", "pk")
        .first()
    )
    return assignment.inspector if assignment else None


def start_visit(
    *,
    school: School,
    actor,
    kind: str = "",
    inspector: Inspector | None = None,
    now: datetime.datetime | None = None,
) -> Visit:
    """Create a draft at once (arrival = now), so photos can be uploaded to it immediately.

    The actor's draft of the same visit begun earlier today (Asia/Shanghai) is opened instead.
    """
    if actor.is_inspector:
        inspector = actor.inspector
    allowed_kinds = [value for value, _label in kinds_for(inspector)]
    kind = kind if kind in allowed_kinds else allowed_kinds[0]
    if not may_log_visit(actor, school, kind):
        raise PermissionDenied
    inspector = inspector or default_inspector(school)
    if inspector is None:
        raise ValidationError(
            gettext("This school has no assigned inspector: choose whom the visit is for.")
        )
    if inspector.county_id != school.county_id:
        raise ValidationError(gettext("The inspector belongs to another county."))
    now = now or timezone.now()
    start_of_day = datetime.datetime.combine(today_in_shanghai(now), datetime.time(), SHANGHAI)
    with transaction.atomic():
        # Two taps at once: the school row serialises them, so the second finds the first draft.
        School.objects.select_for_update().get(pk=school.pk)
        started_today = (
            Visit.objects.drafts()
            .filter(school=school, inspector=inspector, kind=kind, created_by=actor)
            .filter(arrived_at__gte=start_of_day)
            .order_by("-arrived_at")
            .first()
        )
        if started_today is not None:  # a second tap, or back to the visit begun this morning
            return started_today
        visit = Visit.objects.create(
            school=school,
            inspector=inspector,
            kind=kind,
            arrived_at=now,
            created_by=actor,
        )
        visit.events.create(actor=actor, action=VisitEvent.Action.STARTED)
    return visit


def matters_for(visit: Visit):
    """Supervision matters the record covers: the county's, or a special inspector's themes."""
    matters = SupervisionMatter.objects.filter(county_id=visit.school.county_id, is_active=True)
    if visit.inspector.is_special:
        themes = matters.filter(special_inspectors=visit.inspector)
        if themes.exists():
            return themes
    return matters


# --- saving a draft -------------------------------------------------------------------------


def save_draft(*, visit: Visit, form, notes_formset, problems_formset) -> Visit:
    """Keep whatever the inspector typed that is valid; never fail on a missing field.

    The forms must have been validated (``is_valid()``) so that ``cleaned_data`` holds the
    valid part. Problems stay draft rows until submission.
    """
    with transaction.atomic():
        locked = Visit.objects.locked().get(pk=visit.pk)
        if not locked.is_draft:
            raise VisitNotEditable
        form.apply_to(locked)
        locked.save()
        if "co_inspectors" in form.cleaned_data:
            locked.co_inspectors.set(form.cleaned_data["co_inspectors"])
        if notes_formset.management_form.is_valid():
            _save_notes(locked, notes_formset)
        if problems_formset.management_form.is_valid():
            _save_problems(locked, problems_formset)
    return locked


def _save_notes(visit: Visit, formset) -> None:
    notes = []
    seen = set()
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {})
        matter = data.get("matter")
        if matter is None or matter.pk in seen:  # a tampered form may repeat a matter
            continue
        seen.add(matter.pk)
        note = VisitMatterNote(
            visit=visit,
            matter=matter,
            looked_at=data.get("looked_at", False),
            observation=data.get("observation", ""),
            judgement=data.get("judgement", ""),
        )
        note.looked_at = note.looked_at or bool(note.observation or note.judgement)
        notes.append(note)
    posted = [note.matter_id for note in notes]
    visit.matter_notes.filter(matter_id__in=posted).delete()
    VisitMatterNote.objects.bulk_create([note for note in notes if note.looked_at])


def _save_problems(visit: Visit, formset) -> None:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {})
        if data.get("DELETE") or not form.has_content():
            continue
        rows.append(
            VisitProblem(
                visit=visit,
                position=len(rows),
                matter=data.get("matter"),
                severity=data.get("severity") or VisitProblem._meta.get_field("severity").default,
                description=data.get("description", ""),
                required_change=data.get("required_change", ""),
                deadline=data.get("deadline"),
            )
        )
    visit.problems.all().delete()
    VisitProblem.objects.bulk_create(rows)


# --- photos ---------------------------------------------------------------------------------


def upload_max_bytes(county_settings) -> int:
    """The county's upload limit for each photo or file (the setting counts megabytes)."""
    return county_settings.photo_max_megabytes * 1024 * 1024


def add_upload(
    *,
    visit: Visit,
    uploaded_file,
    actor,
    taken_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> VisitPhoto:
    """Attach a photo or a PDF to a draft, told apart by the file's first bytes."""
    if is_pdf(uploaded_file):
        return add_pdf(visit=visit, uploaded_file=uploaded_file, actor=actor, now=now)
    try:
        return add_photo(
            visit=visit, uploaded_file=uploaded_file, actor=actor, taken_at=taken_at, now=now
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "not_image":
            raise ValidationError(MESSAGES["not_photo_or_pdf"], code="not_image") from error
        raise


def add_photo(
    *,
    visit: Visit,
    uploaded_file,
    actor,
    taken_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> VisitPhoto:
    """Check, clean and stamp an uploaded photo and attach it to a draft.

    ``taken_at`` is when the phone says the photo was chosen; the stamp shows it if believable.
    """
    county_settings = visit.school.county.settings
    if not visit.is_draft:
        raise VisitNotEditable
    taken = client_moment(taken_at, arrived_at=visit.arrived_at, now=now or timezone.now())
    processed = process_photo(
        uploaded_file,
        stamp_text=f"{visit.school.name} {timezone.localtime(taken, SHANGHAI):%Y-%m-%d %H:%M}",
        max_bytes=upload_max_bytes(county_settings),
    )
    photo = VisitPhoto(
        visit=visit,
        width=processed.width,
        height=processed.height,
        size=processed.image.size,
        original_name=(uploaded_file.name or "")[:200],
        uploaded_by=actor,
        taken_at=taken,
    )
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    return _attach(photo, county_settings=county_settings)


def add_pdf(
    *, visit: Visit, uploaded_file, actor, now: datetime.datetime | None = None
) -> VisitPhoto:
    """Attach a PDF (already recognised by its first bytes) to a draft, stored as uploaded."""
    county_settings = visit.school.county.settings
    if not visit.is_draft:
        raise VisitNotEditable
    check_size(uploaded_file, max_bytes=upload_max_bytes(county_settings))
    attachment = VisitPhoto(
        visit=visit,
        kind=VisitPhoto.Kind.PDF,
        size=uploaded_file.size,
        original_name=(uploaded_file.name or "")[:200],
        uploaded_by=actor,
        taken_at=now or timezone.now(),
    )
    uploaded_file.seek(0)
    attachment.image.save("file.pdf", uploaded_file, save=False)
    return _attach(attachment, county_settings=county_settings)


def _attach(photo: VisitPhoto, *, county_settings) -> VisitPhoto:
    """Save a photo or file whose content is already stored; on any failure, drop the content."""
    try:
        with transaction.atomic():
            # The lock makes the state and the shared limit hold under parallel uploads.
            locked = Visit.objects.locked().get(pk=photo.visit_id)
            if not locked.is_draft:
                raise VisitNotEditable
            if locked.photos.count() >= county_settings.photos_per_visit:
                raise ValidationError(
                    gettext("A visit can have at most %(count)s photos and files.")
                    % {"count": county_settings.photos_per_visit},
                    code="too_many",
                )
            photo.save()
    except BaseException:
        photo.delete_files()
        raise
    return photo


def delete_photo(*, photo: VisitPhoto) -> None:
    if not photo.visit.is_draft:
        raise VisitNotEditable
    photo.delete()
    transaction.on_commit(photo.delete_files)


# --- the monthly duty -----------------------------------------------------------------------


@dataclass(frozen=True)
class MonthDuty:
    """How many duty visits each school needs in one calendar month (Asia/Shanghai)."""

    year: int
    month: int
    visits_required: int
    is_holiday: bool

    @property
    def start(self) -> datetime.datetime:
        return month_bounds(self.year, self.month)[0]

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def month_duty(county_settings, *, year: int, month: int) -> MonthDuty:
    holiday = county_settings.is_holiday_month(month)
    return MonthDuty(
        year=year,
        month=month,
        visits_required=0 if holiday else county_settings.monthly_visit_duty,
        is_holiday=holiday,
    )


def today_in_shanghai(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localtime(now or timezone.now(), SHANGHAI).date()


def _duty_visit_count(year: int, month: int):
    """Subquery: the outer school's visits that count for the duty in that month."""
    start, following = month_bounds(year, month)
    return Coalesce(
        Subquery(
            Visit.objects.counting_for_duty()
            .filter(school=OuterRef("pk"), arrived_at__gte=start, arrived_at__lt=following)
            .order_by()
            .values("school")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_duty_counts(schools, *, year: int, month: int):
    """Annotate schools with this month's duty visits and the time of the last visit."""
    following = month_bounds(year, month)[1]
    last_visit = (
        Visit.objects.submitted()
        .filter(school=OuterRef("pk"), arrived_at__lt=following)
        .order_by("-arrived_at")
    )
    return schools.annotate(
        month_visits=_duty_visit_count(year, month),
        last_visit_at=Subquery(last_visit.values("arrived_at")[:1]),
        last_visit_kind=Subquery(last_visit.values("kind")[:1]),
    )


@dataclass(frozen=True)
class SchoolDutyRow:
    school: School
    month_visits: int
    last_visit_at: datetime.datetime | None
    visits_required: int
    draft: Visit | None = None

    @property
    def is_due(self) -> bool:
        return self.month_visits < self.visits_required

    @property
    def last_visit_kind(self) -> str:
        """Shown with the last visit's date: a special visit does not fulfil the duty."""
        kind = getattr(self.school, "last_visit_kind", None)
        return VisitKind(kind).label if kind else ""


def inspector_month(user, *, today: datetime.date) -> tuple[MonthDuty, list[SchoolDutyRow]]:
    """The inspector's assigned schools this month, those still due first."""
    duty = month_duty(user.county.settings, year=today.year, month=today.month)
    assigned = (
        Assignment.objects.current().filter(inspector_id=user.inspector_id).values("school_id")
    )
    schools = with_duty_counts(
        School.objects.active().filter(pk__in=assigned).select_related("township"),
        year=today.year,
        month=today.month,
    )
    drafts = {
        visit.school_id: visit
        for visit in Visit.objects.drafts()
        .filter(inspector_id=user.inspector_id, school_id__in=assigned)
        .order_by("arrived_at")
    }
    rows = [
        SchoolDutyRow(
            school=school,
            month_visits=school.month_visits,
            last_visit_at=school.last_visit_at,
            visits_required=duty.visits_required,
            draft=drafts.get(school.pk),
        )
        for school in schools
    ]
    rows.sort(key=lambda row: (not row.is_due, row.last_visit_at or _EPOCH, row.school.name))
    return duty, rows


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def due_schools_queryset(schools, *, year: int, month: int, county_settings=None):
    """The open schools among ``schools`` short of their county's duty visits in that month,
    chosen by the database (a county has hundreds of schools; only the due ones come back).
    ``county_settings``: the settings of the schools' one county, when the caller has them."""
    from schools.models import CountySettings

    if county_settings is None:
        every_settings = CountySettings.objects.filter(
            county_id__in=schools.order_by().values("county_id")
        )
    else:
        every_settings = [county_settings]
        schools = schools.filter(county_id=county_settings.county_id)
    counties_by_duty: dict[int, list[int]] = {}
    for each in every_settings:
        required = month_duty(each, year=year, month=month).visits_required
        if required:
            counties_by_duty.setdefault(required, []).append(each.county_id)
    due = Q(pk__in=[])
    for required, county_ids in counties_by_duty.items():
        due |= Q(county_id__in=county_ids, month_visits__lt=required)
    return schools.active().annotate(month_visits=_duty_visit_count(year, month)).filter(due)


def due_schools(schools, *, year: int, month: int, limit: int | None = None) -> list[SchoolDutyRow]:
    """Schools (of any county in ``schools``) that have not had their duty visits this month;
    the first ``limit`` of them when given."""
    annotated = with_duty_counts(
        due_schools_queryset(schools, year=year, month=month).select_related(
            "township", "county__settings"
        ),
        year=year,
        month=month,
    ).prefetch_related(_current_inspectors())
    if limit is not None:
        annotated = annotated[:limit]
    return [
        SchoolDutyRow(
            school=school,
            month_visits=school.month_visits,
            last_visit_at=school.last_visit_at,
            visits_required=month_duty(
                school.county.settings, year=year, month=month
            ).visits_required,
        )
        for school in annotated
    ]


def with_responsible_inspector(schools):
    """Annotate schools with one current inspector's name (the lead's, else the first
    assigned) and how many they have: a list row names who is behind in the row's own query,
    with no object per assignment and no query that an empty list would skip."""
    current = Assignment.objects.current().filter(school=OuterRef("pk"))
    return schools.annotate(
        inspector_name=Subquery(
            current.order_by("-is_lead", "started_on", "pk").values("inspector__name")[:1]
        ),
        inspector_count=Coalesce(
            Subquery(
                current.order_by().values("school").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


def _current_inspectors() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.current().select_related("inspector"),
        to_attr="current_assignments",
    )


# --- filtering the county's visits ----------------------------------------------------------


def with_list_columns(visits):
    """What a row of a visit list shows, in a fixed number of queries."""
    problem_count = (
        VisitProblem.objects.filter(visit=OuterRef("pk"))
        .order_by()
        .values("visit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return visits.select_related("school__township", "inspector").annotate(
        problem_count=Coalesce(Subquery(problem_count, output_field=IntegerField()), Value(0))
    )


def filter_schools(schools, data: dict):
    """The schools the visit list's place filters (county, township, school, inspector) point
    at."""
    if data.get("county"):
        schools = schools.filter(county=data["county"])
    if data.get("township"):
        schools = schools.filter(township=data["township"])
    if data.get("school"):
        schools = schools.filter(text_search_q(data["school"], SchoolSearchField.search_lookups))
    if data.get("inspector"):
        covering = Assignment.objects.current().filter(
            text_search_q(data["inspector"], InspectorSearchField.search_lookups, "inspector__")
        )
        schools = schools.filter(pk__in=covering.values("school_id"))
    return schools


def filter_visits(visits, data: dict):
    """Apply the cleaned filter form of the visit list."""
    for field in ("kind", "status"):
        if data.get(field):
            visits = visits.filter(**{field: data[field]})
    if data.get("school"):
        visits = visits.filter(
            text_search_q(data["school"], SchoolSearchField.search_lookups, "school__")
        )
    if data.get("inspector"):
        visits = visits.filter(
            text_search_q(data["inspector"], InspectorSearchField.search_lookups, "inspector__")
        )
    if data.get("county"):
        visits = visits.filter(county=data["county"])
    if data.get("township"):
        visits = visits.filter(school__township=data["township"])
    if data.get("matter"):
        matter = data["matter"]
        noted = VisitMatterNote.objects.filter(matter=matter, looked_at=True).values("visit_id")
        found = VisitProblem.objects.filter(matter=matter).values("visit_id")
        visits = visits.filter(Q(pk__in=noted) | Q(pk__in=found))
    if data.get("month"):
        year, month = data["month"]
        visits = visits.in_month(year, month)
    if data.get("date_from"):
        start = datetime.datetime.combine(data["date_from"], datetime.time.min, SHANGHAI)
        visits = visits.filter(arrived_at__gte=start)
    if data.get("date_to"):
        following = data["date_to"] + datetime.timedelta(days=1)
        visits = visits.filter(
            arrived_at__lt=datetime.datetime.combine(following, datetime.time.min, SHANGHAI)
        )
    if data.get("flagged"):
        visits = visits.filter(check_in_status__in=FLAGGED_CHECK_INS)
    return visits
