"""Visit records (督导记录 / 工作记录表): what an inspector saw at a school and told it.

A visit starts as a draft the inspector fills in on the phone, is submitted once (its problems
become rectification items in the same transaction), and is never edited afterwards: corrections
are appended as amendments. The principal reads the submitted record and replies.
"""

import datetime
import math
import re
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scoping import CHANGE, VIEW, ScopedQuerySet
from rectifications.models import Severity

SHANGHAI = ZoneInfo("Asia/Shanghai")


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("Routine supervision")
    UNANNOUNCED = "unannounced", _("Unannounced visit")
    SPECIAL = "special", _("Special supervision")
    COMPREHENSIVE = "comprehensive", _("Comprehensive supervision")
    ONE_DAY = "one_day", _("One-day supervision")
    INCIDENT = "incident", _("Incident")


# Kinds that supervise the whole school and so count towards the monthly duty; a theme
# (special) visit or an incident response does not replace routine supervision.
DUTY_KINDS = (
    VisitKind.ROUTINE,
    VisitKind.UNANNOUNCED,
    VisitKind.COMPREHENSIVE,
    VisitKind.ONE_DAY,
)


class VisitMethod(models.TextChoices):
    CLASS_OBSERVATION = "class_observation", _("Random class observation")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    CAMPUS_TOUR = "campus_tour", _("Campus tour")
    TALKS = "talks", _("Talks with staff, students and parents")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    MEETING = "meeting", _("Attending a school meeting")


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class CheckInStatus(models.TextChoices):
    PENDING = "pending", _("Not checked in")
    NEAR = "near", _("At the school")
    FAR = "far", _("Far from the school")
    UNKNOWN_DISTANCE = "unknown_distance", _("School has no coordinates")
    NO_LOCATION = "no_location", _("No location")


# Check-in results the office should look at. A visit never checked in (a failed tap leaves it
# pending) has no location either.
FLAGGED_CHECK_INS = (CheckInStatus.FAR, CheckInStatus.NO_LOCATION, CheckInStatus.PENDING)

# A phone's clock may run a little ahead of the server's.
CLIENT_CLOCK_SKEW = datetime.timedelta(minutes=5)
# Earlier than this before the arrival, a phone's time belongs to another day's work.
BEFORE_ARRIVAL_MARGIN = datetime.timedelta(hours=12)
# A browser reports accuracy in metres; beyond this the position says nothing.
MAX_ACCURACY_METERS = 100_000


class Judgement(models.TextChoices):
    GOOD = "good", _("Good")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")
    PROBLEM = "problem", _("Problem found")


def validate_methods(value) -> None:
    if not isinstance(value, list) or any(item not in VisitMethod.values for item in value):
        raise ValidationError(_("Choose methods from the list."), code="invalid_methods")


def haversine_meters(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points on the Earth, in metres."""
    radius = 6_371_000
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def coordinate(value: float) -> Decimal:
    """A latitude or longitude as stored: six decimals, about 0.1 m."""
    return round(Decimal(str(value)), 6)


def client_moment(
    claimed: datetime.datetime | None, *, arrived_at: datetime.datetime, now: datetime.datetime
) -> datetime.datetime:
    """When the phone says a photo or a position was taken, if believable; otherwise ``now``.

    An offline phone sends both late, so the upload time would be wrong; a wrong phone clock must
    not date them outside the visit either.
    """
    if claimed is None or claimed > now + CLIENT_CLOCK_SKEW:
        return now
    if claimed < arrived_at - BEFORE_ARRIVAL_MARGIN:
        return now
    return min(claimed, now)


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of a month in Asia/Shanghai and the first instant of the next one."""
    start = datetime.datetime(year, month, 1, tzinfo=SHANGHAI)
    following = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, following


def local_month(moment: datetime.datetime) -> tuple[int, int]:
    """(year, month) of an instant as the calendar reads in Asia/Shanghai."""
    local = moment.astimezone(SHANGHAI)
    return local.year, local.month


class VisitQuerySet(ScopedQuerySet):
    """Submitted records are read across the county by role; a draft is its authors' working
    copy and only they read it: the inspector it is for, whoever started it (the office may
    record a visit for an inspector) and its co-inspectors. The office's lists show that the
    county's other drafts exist (``listed_for``) but never open them."""

    county_lookup = "county"

    def scope_for_role(self, user, action: str):
        submitted = models.Q(status=VisitStatus.SUBMITTED)
        if user.is_office:
            # Reads and amends every submitted record; changes only the drafts it started.
            return self.filter(submitted | models.Q(created_by_id=user.pk))
        if user.is_county_reader:
            return self.filter(submitted) if action == VIEW else self.none()
        if user.is_principal:
            if action != VIEW or not user.school_id:
                return self.none()
            return self.filter(submitted, school_id=user.school_id)
        if user.is_inspector and user.inspector_id:
            own = models.Q(inspector_id=user.inspector_id) | models.Q(created_by_id=user.pk)
            if action == CHANGE:
                return self.filter(own)
            from inspectors.models import Assignment

            co_visits = Visit.co_inspectors.through.objects.filter(
                inspector_id=user.inspector_id
            ).values("visit_id")
            assigned = Assignment.objects.school_ids_of(user.inspector_id)
            # Subqueries rather than joins: no duplicates, so no DISTINCT on paginated lists.
            return self.filter(
                own | models.Q(pk__in=co_visits) | (submitted & models.Q(school_id__in=assigned))
            )
        return self.none()

    def listed_for(self, user):
        """What a list may show ``user``: the visits they may read and, for the office, the
        county's other drafts, of which a list shows only the school, the inspector and when it
        began (see ``visits/_draft_row.html``), never a link to their content."""
        if user.is_authenticated and user.is_active and user.is_office and user.county_id:
            return self.filter(county_id=user.county_id)
        return self.for_user(user, VIEW)

    def locked(self):
        """Lock the visit rows (not the joined school and settings) until the transaction ends."""
        return self.select_for_update(of=("self",)).select_related("school__county__settings")

    def drafts(self):
        return self.filter(status=VisitStatus.DRAFT)

    def submitted(self):
        return self.filter(status=VisitStatus.SUBMITTED)

    def in_month(self, year: int, month: int):
        start, following = month_bounds(year, month)
        return self.filter(arrived_at__gte=start, arrived_at__lt=following)

    def counting_for_duty(self):
        """Submitted visits that fulfil the monthly routine-supervision duty."""
        return self.submitted().filter(kind__in=DUTY_KINDS)


class Visit(models.Model):
    """A supervision visit to a school and its record (督导记录 / 工作记录表)."""

    # No index of its own: ``visit_school_arrived_id`` starts with the school. With both, the
    # planner took this one for a county's visits of a month and read every visit of each
    # school (12.7 ms instead of 3.6 ms for the office's home page at 1,000 schools).
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        related_name="visits",
        on_delete=models.PROTECT,
        db_index=False,
    )
    # The school's county, kept on the visit (set on first save): a county's list reads its
    # newest visits off ``visit_county_arrived`` instead of going through its thousand schools'
    # visits (a county of 12,000 visits: 4 ms to well under 1).
    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="visits",
        on_delete=models.PROTECT,
        db_index=False,  # visit_county_arrived starts with it
    )
    inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("inspector"),
        related_name="visits",
        on_delete=models.PROTECT,
    )
    co_inspectors = models.ManyToManyField(
        "inspectors.Inspector",
        verbose_name=_("co-inspectors"),
        related_name="co_visits",
        blank=True,
    )
    kind = models.CharField(
        _("kind of visit"), max_length=16, choices=VisitKind.choices, default=VisitKind.ROUTINE
    )
    methods = models.JSONField(
        _("methods"), default=list, blank=True, validators=[validate_methods]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.DRAFT
    )
    arrived_at = models.DateTimeField(_("arrived at"))
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    highlights = models.TextField(_("highlights"), blank=True)
    problems_text = models.TextField(_("problems found"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    feedback_to_school = models.TextField(_("feedback given to the school"), blank=True)

    location_consent = models.BooleanField(_("location recorded with consent"), default=False)
    check_in_status = models.CharField(
        _("check-in"),
        max_length=16,
        choices=CheckInStatus.choices,
        default=CheckInStatus.PENDING,
    )
    check_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_latitude = models.DecimalField(
        _("check-in latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    check_in_longitude = models.DecimalField(
        _("check-in longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    check_in_accuracy = models.PositiveIntegerField(
        _("location accuracy (m)"), null=True, blank=True
    )
    check_in_distance = models.PositiveIntegerField(
        _("distance to the school (m)"), null=True, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="created_visits",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        related_name="submitted_visits",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The record's document number (湟督记〔2026〕15号), given on submission: serials run per county
    # and year of submission, in order of submission.
    record_county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county of the record number"),
        related_name="numbered_visits",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    record_year = models.PositiveSmallIntegerField(
        _("year of the record number"), null=True, blank=True
    )
    record_serial = models.PositiveIntegerField(_("record serial number"), null=True, blank=True)
    record_number = models.CharField(_("record number"), max_length=40, blank=True)
    reminded_at = models.DateTimeField(_("draft reminder sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read by the school at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        related_name="read_visits",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    principal_reply = models.TextField(_("principal's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        related_name="replied_visits",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-arrived_at", "-pk"]
        indexes = [
            # A school's visits by arrival, with what a list's first pass needs (the key, and the
            # status a reader may be limited to): a county's list finds its page's visits in
            # the index alone before reading their rows (``visit_list``). With the kind, the
            # month's duty visits of each school are counted in the index alone too (due
            # schools: 8.3 ms to 2.9 ms for 1,000 schools).
            models.Index(
                fields=["school", "arrived_at", "id"],
                include=["status", "kind"],
                name="visit_school_arrived_id",
            ),
            # A county's list, newest first (read backwards), with what its rows are filtered by
            # (a reader's own drafts besides the submitted records), in the index alone.
            models.Index(
                fields=["county", "arrived_at", "id"],
                include=["status", "created_by"],
                name="visit_county_arrived",
            ),
            # A region user's list (submitted records of every county, newest first) walks this
            # instead of sorting the province's hundreds of thousands of visits.
            models.Index(
                fields=["arrived_at", "id"],
                condition=models.Q(status="submitted"),
                name="visit_submitted_arrived",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="visit_departure_after_arrival",
                condition=models.Q(departed_at__isnull=True)
                | models.Q(departed_at__gte=models.F("arrived_at")),
            ),
            models.CheckConstraint(
                name="visit_submitted_has_time",
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="visit_reply_has_time",
                condition=models.Q(principal_reply="") | models.Q(replied_at__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["record_county", "record_year", "record_serial"],
                name="visit_unique_record_serial",
            ),
            models.CheckConstraint(
                name="visit_submitted_has_number",
                condition=~models.Q(status="submitted")
                | models.Q(
                    record_county__isnull=False,
                    record_year__isnull=False,
                    record_serial__isnull=False,
                ),
            ),
        ]

    def __str__(self):
        return f"{self.school} {timezone.localtime(self.arrived_at):%Y-%m-%d}"

    def save(self, *args, **kwargs):
        # The county follows the school: set on the first save, and again when the school was
        # changed to one of another county (the admin's raw id field).
        if self.county_id is None or (
            Visit.school.is_cached(self) and self.school.county_id != self.county_id
        ):
            self.county_id = self.school.county_id
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VisitStatus.DRAFT

    @property
    def is_flagged(self) -> bool:
        return self.check_in_status in FLAGGED_CHECK_INS

    def get_methods_display(self) -> list[str]:
        labels = dict(VisitMethod.choices)
        return [str(labels[value]) for value in self.methods if value in labels]

    # --- who may do what -------------------------------------------------------------------

    def can_edit(self, user) -> bool:
        """Whether ``user`` may change this record (a draft) or append to it (an amendment)."""
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        if user.county_id != self.school.county_id:
            return False
        if user.is_office:
            return not self.is_draft or user.pk == self.created_by_id
        return user.is_inspector and (
            (user.inspector_id and user.inspector_id == self.inspector_id)
            or user.pk == self.created_by_id
        )

    def is_school_principal(self, user) -> bool:
        return bool(user.is_principal and user.school_id and user.school_id == self.school_id)

    # --- the state machine -----------------------------------------------------------------

    def _locked(self) -> "Visit":
        return Visit.objects.locked().get(pk=self.pk)

    def _refresh_from(self, locked: "Visit") -> None:
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))

    def record_check_in(
        self,
        *,
        latitude: float | None,
        longitude: float | None,
        accuracy: float | None,
        taken_at: datetime.datetime | None = None,
        now: datetime.datetime | None = None,
    ) -> None:
        """Set the arrival location and its distance to the school (not saved here).

        ``taken_at`` is when the phone took the position, which an offline phone sends later.
        """
        now = now or timezone.now()
        self.check_in_at = client_moment(taken_at, arrived_at=self.arrived_at, now=now)
        if latitude is None or longitude is None:
            self.location_consent = False
            self.check_in_latitude = self.check_in_longitude = None
            self.check_in_accuracy = self.check_in_distance = None
            self.check_in_status = CheckInStatus.NO_LOCATION
            return
        self.location_consent = True
        self.check_in_latitude = coordinate(latitude)
        self.check_in_longitude = coordinate(longitude)
        self.check_in_accuracy = (
            round(accuracy)
            if accuracy is not None and 0 <= accuracy <= MAX_ACCURACY_METERS
            else None
        )
        school = self.school
        if school.latitude is None or school.longitude is None:
            self.check_in_distance = None
            self.check_in_status = CheckInStatus.UNKNOWN_DISTANCE
            return
        distance = haversine_meters(
            latitude, longitude, float(school.latitude), float(school.longitude)
        )
        self.check_in_distance = round(distance)
        limit = school.county.settings.check_in_distance_meters
        self.check_in_status = CheckInStatus.FAR if distance > limit else CheckInStatus.NEAR

    def submit(self, actor, *, now: datetime.datetime | None = None) -> None:
        """Lock the record and open a rectification item per problem, all or nothing."""
        now = now or timezone.now()
        with transaction.atomic():
            visit = self._locked()
            if not visit.can_edit(actor):
                raise PermissionDenied
            if not visit.is_draft:
                raise ValidationError(gettext("This visit has already been submitted."))
            problems = list(visit.problems.select_related("matter"))
            incomplete = [p for p in problems if p.matter_id is None or not p.description.strip()]
            if incomplete:
                raise ValidationError(
                    gettext("Every problem needs a supervision matter and a description.")
                )
            county_settings = visit.school.county.settings
            for problem in problems:
                problem.open_rectification_item(actor=actor, county_settings=county_settings)
                problem.save(update_fields=["deadline", "rectification_item"])
            if visit.departed_at is None and now >= visit.arrived_at:
                visit.departed_at = now
            if visit.check_in_status == CheckInStatus.PENDING:
                visit.check_in_status = CheckInStatus.NO_LOCATION
            visit.status = VisitStatus.SUBMITTED
            visit.submitted_at = now
            visit.submitted_by = actor
            number_records([visit])
            visit.save()
            visit.events.create(actor=actor, action=VisitEvent.Action.SUBMITTED)
        self._refresh_from(visit)

    def mark_read(self, actor, *, now: datetime.datetime | None = None) -> None:
        """The school's principal has read the feedback; the first reading counts."""
        with transaction.atomic():
            visit = self._locked()
            visit._check_principal(actor)
            if visit.read_at is None:
                visit.read_at = now or timezone.now()
                visit.read_by = actor
                visit.save(update_fields=["read_at", "read_by"])
                visit.events.create(actor=actor, action=VisitEvent.Action.READ)
        self._refresh_from(visit)

    def reply(self, actor, text: str, *, now: datetime.datetime | None = None) -> None:
        """The principal answers the feedback once; replying also marks it read."""
        text = text.strip()
        if not text:
            raise ValidationError(gettext("Write a reply first."))
        now = now or timezone.now()
        with transaction.atomic():
            visit = self._locked()
            visit._check_principal(actor)
            if visit.principal_reply:
                raise ValidationError(gettext("The school has already replied to this visit."))
            if visit.read_at is None:
                visit.read_at, visit.read_by = now, actor
                visit.events.create(actor=actor, action=VisitEvent.Action.READ)
            visit.principal_reply, visit.replied_at, visit.replied_by = text, now, actor
            visit.save()
            visit.events.create(actor=actor, action=VisitEvent.Action.REPLIED)
        self._refresh_from(visit)

    def amend(self, actor, text: str) -> "VisitAmendment":
        """Append a correction to a submitted record; the record itself stays as submitted."""
        text = text.strip()
        if not text:
            raise ValidationError(gettext("Write the correction first."))
        with transaction.atomic():
            visit = self._locked()
            if not visit.can_edit(actor):
                raise PermissionDenied
            if visit.is_draft:
                raise ValidationError(gettext("A draft is edited directly, not amended."))
            amendment = visit.amendments.create(author=actor, text=text)
            visit.events.create(actor=actor, action=VisitEvent.Action.AMENDED)
        return amendment

    def _check_principal(self, actor) -> None:
        if not self.is_school_principal(actor):
            raise PermissionDenied
        if self.is_draft:
            raise ValidationError(gettext("This visit has not been submitted yet."))


RECORD_NUMBER_KIND = "督记"


def number_records(visits) -> None:
    """Give submitted records without a number their document numbers (e.g. 湟督记〔2026〕15号):
    the next serials of their county and year of submission, in order of submission. The
    callers save the visits.

    The counties' rows stay locked until the caller's transaction ends, so two submissions never
    take the same serial; the unique constraint is the net.
    """
    from schools.models import County

    pending = sorted(
        (visit for visit in visits if visit.record_serial is None),
        key=lambda visit: (visit.submitted_at, visit.pk or 0),
    )
    with transaction.atomic():
        counties = County.objects.select_for_update().in_bulk(
            {visit.school.county_id for visit in pending}
        )
        last: dict[tuple[int, int], int] = {}
        for visit in pending:
            county = counties[visit.school.county_id]
            year = timezone.localtime(visit.submitted_at, SHANGHAI).year
            key = (county.pk, year)
            if key not in last:
                last[key] = (
                    Visit.objects.filter(record_county=county, record_year=year).aggregate(
                        models.Max("record_serial")
                    )["record_serial__max"]
                    or 0
                )
            last[key] += 1
            visit.record_county, visit.record_year, visit.record_serial = county, year, last[key]
            visit.record_number = county.document_number(RECORD_NUMBER_KIND, year, last[key])


class VisitMatterNote(models.Model):
    """What an inspector saw on one supervision matter during a visit, and a judgement."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), related_name="matter_notes", on_delete=models.CASCADE
    )
    matter = models.ForeignKey(
        "schools.SupervisionMatter",
        verbose_name=_("supervision matter"),
        related_name="visit_notes",
        on_delete=models.PROTECT,
    )
    looked_at = models.BooleanField(_("looked at"), default=False)
    observation = models.TextField(_("what was seen"), blank=True)
    judgement = models.CharField(
        _("judgement"), max_length=20, choices=Judgement.choices, blank=True
    )

    class Meta:
        verbose_name = _("matter note")
        verbose_name_plural = _("matter notes")
        ordering = ["matter__number"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "matter"], name="visit_note_one_per_matter"),
        ]

    def __str__(self):
        return f"{self.visit_id}: {self.matter}"


class VisitProblem(models.Model):
    """A problem found in a visit; on submission it becomes a rectification item."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), related_name="problems", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Blank while the draft is being typed; required on submission.
    matter = models.ForeignKey(
        "schools.SupervisionMatter",
        verbose_name=_("supervision matter"),
        related_name="visit_problems",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    severity = models.CharField(
        _("severity"),
        max_length=16,
        choices=Severity.choices,
        default=Severity.GENERAL,
    )
    description = models.TextField(_("problem"), blank=True)
    required_change = models.TextField(_("what must change"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    rectification_item = models.OneToOneField(
        "rectifications.RectificationItem",
        verbose_name=_("rectification item"),
        related_name="visit_problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("visit problem")
        verbose_name_plural = _("visit problems")
        ordering = ["visit", "position", "pk"]

    def __str__(self):
        return self.description[:40]

    def open_rectification_item(self, *, actor, county_settings) -> None:
        """Open the problem's rectification item, due by the problem's deadline or else the
        county's default from the visit day. The caller saves ``deadline`` and the item."""
        from rectifications.models import SourceKind
        from rectifications.services import default_deadline, open_item

        visit = self.visit
        self.deadline = self.deadline or default_deadline(
            county_settings=county_settings,
            severity=self.severity,
            start=timezone.localtime(visit.arrived_at, SHANGHAI).date(),
        )
        self.rectification_item = open_item(
            school=visit.school,
            matter=self.matter,
            severity=self.severity,
            description=self.description,
            required_change=self.required_change,
            deadline=self.deadline,
            source=SourceKind.VISIT,
            actor=actor,
            visit=visit,
            responsible_inspector=visit.inspector,
        )


class VisitPhotoQuerySet(ScopedQuerySet):
    """A photo is visible exactly when its visit is."""

    def for_user(self, user, action: str = VIEW):
        return self.filter(visit__in=Visit.objects.for_user(user, action))


def photo_path(instance, filename: str) -> str:
    """An unguessable name: photos and files are served only through permission-checked views."""
    if instance.kind == VisitPhoto.Kind.PDF:
        return f"visits/files/{uuid.uuid4().hex}.pdf"
    return f"visits/{uuid.uuid4().hex}.jpg"


def thumbnail_path(instance, filename: str) -> str:
    return f"visits/thumbs/{uuid.uuid4().hex}.jpg"


# Characters a file name may not carry into a download header or a file system.
UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


class VisitPhoto(models.Model):
    """A photo taken during a visit (re-encoded, EXIF-free, stamped, with a thumbnail) or a PDF
    the inspector received (e.g. the school's self-inspection report), kept as uploaded.

    One model with a ``kind`` rather than a second model: the issue treats "photos and files" as
    one set per visit, so they share the county's per-visit limit, the permission path, the
    upload endpoint of the offline queue, deletion in a draft and the discard of a draft. A PDF
    has no thumbnail and no width or height; ``image`` holds the stored file of either kind.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        PDF = "pdf", _("PDF file")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), related_name="photos", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PHOTO)
    image = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=200, blank=True
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    # Bytes as stored (0 for photos stored before sizes were kept).
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        related_name="visit_photos",
        on_delete=models.PROTECT,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # When the photo was chosen on the phone (what the stamp shows); an offline phone uploads later.
    taken_at = models.DateTimeField(_("taken at"))

    objects = VisitPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit photo or file")
        verbose_name_plural = _("visit photos and files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name or self.image.name

    @property
    def is_pdf(self) -> bool:
        return self.kind == self.Kind.PDF

    @property
    def download_name(self) -> str:
        """The uploaded name without paths or control characters, always ending in .pdf."""
        name = UNSAFE_NAME_CHARACTERS.sub("_", self.original_name).strip(" ._")
        if not name:
            name = f"visit-{self.visit_id}-{self.pk}"
        if not name.lower().endswith(".pdf"):
            name = f"{name}.pdf"
        return name

    def delete_files(self) -> None:
        self.image.delete(save=False)
        if self.thumbnail:
            self.thumbnail.delete(save=False)


class VisitAmendment(models.Model):
    """A correction appended to a submitted record, with who wrote it and when."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), related_name="amendments", on_delete=models.PROTECT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        related_name="visit_amendments",
        on_delete=models.PROTECT,
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("correction"))

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.visit_id}: {self.text[:30]}"


class VisitEvent(models.Model):
    """One step in a visit's history: who did what, and when."""

    class Action(models.TextChoices):
        STARTED = "started", _("Started")
        SUBMITTED = "submitted", _("Submitted")
        READ = "read", _("Read by the school")
        REPLIED = "replied", _("School replied")
        AMENDED = "amended", _("Amended")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), related_name="events", on_delete=models.CASCADE
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        related_name="visit_events",
        on_delete=models.PROTECT,
    )
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)

    class Meta:
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.visit_id}: {self.action}"
