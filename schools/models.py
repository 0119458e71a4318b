import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.scoping import VIEW, ScopedQuerySet
from schools.validators import MAX_PEOPLE, validate_phone

school_code_validator = RegexValidator(
    r"^\d{10}$", _("A national school code is exactly 10 digits.")
)
county_code_validator = RegexValidator(
    r"^\d{6}$", _("An administrative division code is exactly 6 digits.")
)


def default_holiday_months() -> list[int]:
    """Winter (February) and summer (August) holidays: no monthly duty then."""
    return [2, 8]


def validate_month_day(value: str) -> None:
    """A day of the year as MM-DD, e.g. 09-01 (29 February allowed)."""
    parts = value.split("-") if isinstance(value, str) else []
    try:
        month, day = (int(part) for part in parts)
        datetime.date(2000, month, day)
        valid = len(value) == 5
    except ValueError:
        valid = False
    if not valid:
        raise ValidationError(_("Enter a day of the year as MM-DD, e.g. 09-01."), code="month_day")


class RegionKind(models.TextChoices):
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


class Region(models.Model):
    """A city or province over several counties. Its users (``User.region``) read every county
    of the region, side by side, and change nothing (``accounts.scoping``)."""

    code = models.CharField(
        _("division code"), max_length=6, unique=True, validators=[county_code_validator]
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=RegionKind.choices)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name


class RegistryQuerySet(models.QuerySet):
    """Records of a county's registry: the county and its settings, townships, zones, schools,
    supervision matters, inspectors and their assignments, plaques and postings. A write through
    the queryset (``update``, ``bulk_create``, ``bulk_update``, ``delete``) gives each county it
    touched a new ``RegistryVersion`` in the same transaction; ``RegistryRecord`` does the same
    for one record's ``save`` and ``delete``.

    ``county_lookup`` leads from the model to its county, as on ``ScopedQuerySet``."""

    county_lookup = "county"

    def counties_of(self, pks) -> set[int]:
        """The counties of the records ``pks`` as the database has them now."""
        found = self.model._base_manager.filter(pk__in=list(pks)).order_by()
        return set(found.values_list(self.county_lookup, flat=True).distinct())

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            rows = list(self.order_by().values_list("pk", self.county_lookup))
            pks, before = [pk for pk, _county in rows], {county for _pk, county in rows}
            updated = super().update(**kwargs)
            # After as well: an update may move a record to another county.
            RegistryVersion.objects.bump(before | self.counties_of(pks))
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            RegistryVersion.objects.bump(self._counties_of_objects(objs))
        return created

    def delete(self):
        with transaction.atomic(using=self.db):
            counties = set(self.order_by().values_list(self.county_lookup, flat=True))
            deleted = super().delete()
            RegistryVersion.objects.bump(counties)
        return deleted

    def _counties_of_objects(self, objs) -> set[int]:
        """The counties of records just made in bulk: from their own county field, else in one
        query through the first relation of ``county_lookup`` (an assignment's school)."""
        first, _, rest = self.county_lookup.partition("__")
        if first == "pk":
            return {obj.pk for obj in objs}
        ids = {getattr(obj, f"{first}_id") for obj in objs}
        if not rest:
            return ids
        related = self.model._meta.get_field(first).related_model._base_manager
        return set(related.filter(pk__in=ids).values_list(rest, flat=True).distinct())


class RegistryRecord(models.Model):
    """A model whose default manager is a ``RegistryQuerySet``: saving or deleting one record
    gives its county (before and after the change) a new ``RegistryVersion`` in the same
    transaction. A cascade deletes records of the deleted record's own county."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        records = type(self)._default_manager.all()
        with transaction.atomic():
            before = set() if self._state.adding else records.counties_of([self.pk])
            super().save(*args, **kwargs)
            RegistryVersion.objects.bump(before | records.counties_of([self.pk]))

    def delete(self, *args, **kwargs):
        records = type(self)._default_manager.all()
        with transaction.atomic():
            counties = records.counties_of([self.pk])
            deleted = super().delete(*args, **kwargs)
            RegistryVersion.objects.bump(counties)
        return deleted


class ScopedRegistryQuerySet(RegistryQuerySet, ScopedQuerySet):
    """A registry queryset that narrows itself to a user's county like any other."""


class CountyQuerySet(RegistryQuerySet):
    county_lookup = "pk"


class County(RegistryRecord):
    """A county or district: the tenant. Every record belongs to exactly one county."""

    code = models.CharField(
        _("division code"), max_length=6, unique=True, validators=[county_code_validator]
    )
    name = models.CharField(_("name"), max_length=50)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        related_name="counties",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("The city or province whose region users read this county."),
    )
    city = models.CharField(_("city"), max_length=50, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    complaint_phone = models.CharField(
        _("complaint phone"),
        max_length=20,
        blank=True,
        help_text=_("The supervision office's phone for complaints, printed on every plaque."),
    )
    # The supervision office's contacts, shown on the county's public page.
    office_phone = models.CharField(_("office phone"), max_length=20, blank=True)
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    office_email = models.EmailField(_("office e-mail"), blank=True)
    public_base_url = models.URLField(
        _("public address"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where the public reaches this county's pages, e.g. https://dudao.example.gov.cn. "
            "Plaque QR codes point here; empty: the site's own address."
        ),
    )

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        creating = self._state.adding
        super().save(*args, **kwargs)
        if creating:
            CountySettings.objects.get_or_create(county=self)
            for number, name in DEFAULT_MATTERS:
                SupervisionMatter.objects.get_or_create(
                    county=self, number=number, defaults={"name": name}
                )

    @property
    def public_root(self) -> str:
        """The address the county's public pages and plaque QR codes start with."""
        return (self.public_base_url or settings.SITE_URL).rstrip("/")

    def document_number(self, kind: str, year: int, serial: int) -> str:
        """An official document number: the county's first character, the kind (督整 for a
        rectification notice, 督记 for a visit record), the year and the serial, e.g.
        湟督整〔2026〕15号. Serials are unique per county, kind and year, not this text."""
        return f"{self.name[:1]}{kind}〔{year}〕{serial}号"


class RegistryVersionQuerySet(models.QuerySet):
    def bump(self, county_ids) -> None:
        """A new version for each of ``county_ids`` that still exists, in the caller's
        transaction (the row stays locked until it commits)."""
        wanted = {pk for pk in county_ids if pk is not None}
        if not wanted:
            return
        counties = County._base_manager.filter(pk__in=wanted)
        self.bulk_create(
            [RegistryVersion(county_id=pk) for pk in counties.values_list("pk", flat=True)],
            update_conflicts=True,
            unique_fields=["county"],
            update_fields=["token"],
        )

    def current(self, county) -> uuid.UUID | None:
        """The county's version; None until its registry first changes."""
        return self.filter(county=county).values_list("token", flat=True).first()


class RegistryVersion(models.Model):
    """Which version of a county's registry is current: a new token whenever one of its records
    changes (``RegistryQuerySet``). What is worked out from the whole registry alone is kept in
    the cache under it (the coverage page's lists), so a kept answer is never older than the
    registry it was worked out from."""

    county = models.OneToOneField(
        County,
        verbose_name=_("county"),
        related_name="registry_version",
        on_delete=models.CASCADE,
        primary_key=True,
    )
    token = models.UUIDField(_("version"), default=uuid.uuid4)

    objects = RegistryVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("registry version")
        verbose_name_plural = _("registry versions")

    def __str__(self):
        return f"{self.county}: {self.token}"


class CountySettingsQuerySet(RegistryQuerySet, ScopedQuerySet):
    def scope_for_role(self, user, action: str):
        return self if user.is_office or action == VIEW else self.none()


def _date_list_problem(value) -> ValidationError | None:
    """Why a list of calendar dates is not a list of ISO dates (2026-10-01), or None."""
    if not isinstance(value, list):
        return ValidationError(_("Give a list of dates."), code="not_a_list")
    for entry in value:
        try:
            datetime.date.fromisoformat(entry)
        except (TypeError, ValueError):
            return ValidationError(
                _("“%(value)s” is not a date like 2026-10-01."),
                code="bad_date",
                params={"value": entry},
            )
    return None


class CountySettings(RegistryRecord):
    """Every number a county may tune, with the national rule as the default."""

    county = models.OneToOneField(
        County, verbose_name=_("county"), related_name="settings", on_delete=models.CASCADE
    )
    monthly_visit_duty = models.PositiveSmallIntegerField(
        _("visits per school per month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Routine visits each school must receive every school month."),
    )
    school_load_per_inspector = models.PositiveSmallIntegerField(
        _("schools per inspector"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    min_inspectors_per_central_school = models.PositiveSmallIntegerField(
        _("minimum inspectors per central school"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    rotation_years = models.PositiveSmallIntegerField(
        _("rotation period (years)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    term_warning_days = models.PositiveSmallIntegerField(
        _("warn before term ends (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    holiday_months = models.JSONField(
        _("months without school"),
        default=default_holiday_months,
        blank=True,
        help_text=_("Months (1-12) of winter and summer holidays: no monthly duty applies."),
    )
    inspectors_see_county = models.BooleanField(
        _("inspectors may read the whole county"),
        default=True,
        help_text=_("If off, inspectors see only the schools assigned to them."),
    )

    # Visits
    draft_reminder_days = models.PositiveSmallIntegerField(
        _("remind unsubmitted drafts after (days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    photo_max_megabytes = models.PositiveSmallIntegerField(
        _("upload limit per file (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    photos_per_visit = models.PositiveSmallIntegerField(
        _("photos and files per visit"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    check_in_distance_meters = models.PositiveIntegerField(
        _("check-in distance limit (m)"),
        default=1000,
        validators=[MinValueValidator(50), MaxValueValidator(50000)],
        help_text=_(
            "A visit checked in farther from the school than this is marked for the office."
        ),
    )
    # Reports: the school terms and the weights of the inspectors' yearly assessment
    first_term_starts = models.CharField(
        _("first term starts (MM-DD)"),
        max_length=5,
        default="09-01",
        validators=[validate_month_day],
        help_text=_("The autumn term; the term and year summaries use these dates."),
    )
    first_term_ends = models.CharField(
        _("first term ends (MM-DD)"), max_length=5, default="01-20", validators=[validate_month_day]
    )
    second_term_starts = models.CharField(
        _("second term starts (MM-DD)"),
        max_length=5,
        default="03-01",
        validators=[validate_month_day],
    )
    second_term_ends = models.CharField(
        _("second term ends (MM-DD)"),
        max_length=5,
        default="07-10",
        validators=[validate_month_day],
    )
    weight_visits = models.PositiveSmallIntegerField(
        _("assessment weight: visits done against due"),
        default=40,
        validators=[MaxValueValidator(100)],
        help_text=_("Weights are relative; a part the app holds no records for is left out."),
    )
    weight_records = models.PositiveSmallIntegerField(
        _("assessment weight: records submitted on time"),
        default=15,
        validators=[MaxValueValidator(100)],
    )
    weight_rectifications = models.PositiveSmallIntegerField(
        _("assessment weight: rectifications followed to closure"),
        default=15,
        validators=[MaxValueValidator(100)],
    )
    weight_complaints = models.PositiveSmallIntegerField(
        _("assessment weight: complaints answered in time"),
        default=10,
        validators=[MaxValueValidator(100)],
    )
    weight_meetings = models.PositiveSmallIntegerField(
        _("assessment weight: meeting attendance"),
        default=10,
        validators=[MaxValueValidator(100)],
    )
    weight_notices = models.PositiveSmallIntegerField(
        _("assessment weight: notices read"),
        default=10,
        validators=[MaxValueValidator(100)],
    )
    figures_refresh_minutes = models.PositiveSmallIntegerField(
        _("figures pages counted again after (minutes)"),
        default=10,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "The supervision figures and the counties side by side show the figures counted at "
            "most this many minutes ago, with the time they were counted; “count again” counts "
            "at once. 0: counted on every visit."
        ),
    )
    # Rectifications
    deadline_days_general = models.PositiveSmallIntegerField(
        _("deadline for general problems (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    deadline_days_serious = models.PositiveSmallIntegerField(
        _("deadline for serious problems (days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    deadline_days_major = models.PositiveSmallIntegerField(
        _("deadline for major problems (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    verification_days = models.PositiveSmallIntegerField(
        _("verify within (days) after the school reports done"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reminder_days_before_deadline = models.PositiveSmallIntegerField(
        _("remind before a deadline (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up check after closing (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    # Meetings and work notices: the files they circulate (PDF, Word, Excel, images)
    document_max_megabytes = models.PositiveSmallIntegerField(
        _("meeting and notice file limit (MB)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Per file, for meeting files, notice attachments and the files sent back."),
    )
    # Meetings, work notices and the monthly duty: when the worker's sweep reminds
    meeting_first_reminder_days = models.PositiveSmallIntegerField(
        _("first meeting reminder (days before)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    meeting_second_reminder_days = models.PositiveSmallIntegerField(
        _("second meeting reminder (days before)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    minutes_reminder_days = models.PositiveSmallIntegerField(
        _("remind the office of unfiled minutes after (days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    notice_reminder_days = models.PositiveSmallIntegerField(
        _("remind of unread notices and missing replies (days before due)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    visit_duty_reminder_days = models.PositiveSmallIntegerField(
        _("remind inspectors of schools still due a visit (days before month end)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    notice_copy_to = models.CharField(
        _("rectification notices are copied to"),
        max_length=200,
        blank=True,
        default="县教育局",
        help_text=_(
            "Printed at the foot of each rectification notice as its copy-to line (抄送), e.g. "
            "the county education bureau and the school's central school. Empty: no such line."
        ),
    )
    # Public supervision (社会监督)
    complaint_answer_days = models.PositiveSmallIntegerField(
        _("answer public complaints within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    public_holidays = models.JSONField(
        _("public holidays"),
        default=list,
        blank=True,
        help_text=_(
            "Dates off work besides weekends (法定节假日), counted when working days are; "
            "e.g. 2026-10-01."
        ),
    )
    make_up_workdays = models.JSONField(
        _("make-up working days (调休)"),
        default=list,
        blank=True,
        help_text=_("Weekend dates that are working days, e.g. 2026-09-27."),
    )
    public_submissions_per_ip_hour = models.PositiveSmallIntegerField(
        _("public submissions per device address per hour"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    public_submissions_per_school_day = models.PositiveSmallIntegerField(
        _("public submissions per school per day"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    tracking_lookups_per_ip_hour = models.PositiveSmallIntegerField(
        _("tracking code look-ups per device address per hour"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )

    objects = CountySettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("county settings")
        verbose_name_plural = _("county settings")

    def __str__(self):
        return str(self.county)

    def clean(self):
        """Graver problems get shorter deadlines; reminders come before the shortest one.

        Here, not on the form, so the settings page and the admin apply the same rules.
        """
        errors = {}
        first, second = self.meeting_first_reminder_days, self.meeting_second_reminder_days
        if first is not None and second is not None and second >= first:
            errors["meeting_second_reminder_days"] = ValidationError(
                _("The second reminder comes after the first: fewer than %(days)d days before."),
                code="reminder_order",
                params={"days": first},
            )
        general, serious, major = (
            self.deadline_days_general,
            self.deadline_days_serious,
            self.deadline_days_major,
        )
        if serious is not None and major is not None and major > serious:
            errors["deadline_days_major"] = ValidationError(
                _(
                    "A major problem cannot get a longer deadline than a serious one "
                    "(%(days)d days)."
                ),
                code="deadline_order",
                params={"days": serious},
            )
        if general is not None and serious is not None and serious > general:
            errors["deadline_days_serious"] = ValidationError(
                _(
                    "A serious problem cannot get a longer deadline than a general one "
                    "(%(days)d days)."
                ),
                code="deadline_order",
                params={"days": general},
            )
        reminder = self.reminder_days_before_deadline
        periods = [
            days for days in (general, serious, major, self.verification_days) if days is not None
        ]
        if reminder is not None and periods and reminder >= min(periods):
            errors["reminder_days_before_deadline"] = ValidationError(
                _(
                    "Must be fewer than the shortest deadline or verification period "
                    "(%(days)d days), or the reminder goes out the day the item opens."
                ),
                code="reminder_too_late",
                params={"days": min(periods)},
            )
        for name in ("public_holidays", "make_up_workdays"):
            if problem := _date_list_problem(getattr(self, name)):
                errors[name] = problem
        if errors:
            raise ValidationError(errors)

    def is_working_day(self, day: datetime.date) -> bool:
        """Monday to Friday, unless a public holiday; a make-up working day (调休) always is."""
        iso = day.isoformat()
        if iso in (self.make_up_workdays or []):
            return True
        return day.weekday() < 5 and iso not in (self.public_holidays or [])

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The day on which ``days`` working days after ``start`` have passed (``start`` itself
        not counted): 5 working days from a Friday is the next Friday, holidays skipped."""
        day = start
        counted = 0
        while counted < days:
            day += datetime.timedelta(days=1)
            counted += self.is_working_day(day)
        return day

    def is_holiday_month(self, month: int) -> bool:
        return month in (self.holiday_months or [])

    def rotation_cutoff(self, today: datetime.date) -> datetime.date:
        """Assignments that started on or before this day are due for rotation."""
        try:
            return today.replace(year=today.year - self.rotation_years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - self.rotation_years, day=28)

    def term_warning_date(self, today: datetime.date) -> datetime.date:
        """Inspectors whose term ends on or before this day are warned about."""
        return today + datetime.timedelta(days=self.term_warning_days)

    @property
    def document_max_bytes(self) -> int:
        """The size limit of each meeting or notice file, in bytes."""
        return self.document_max_megabytes * 1024 * 1024


class TownshipKind(models.TextChoices):
    TOWN = "town", _("Town (镇)")
    TOWNSHIP = "township", _("Township (乡)")
    SUBDISTRICT = "subdistrict", _("Subdistrict (街道)")


class Township(RegistryRecord):
    """A town, township or subdistrict of a county; schools belong to one."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), related_name="townships", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=TownshipKind.choices)

    objects = ScopedRegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["county", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="township_unique_name"),
        ]

    def __str__(self):
        return self.name


class Zone(RegistryRecord):
    """A responsibility zone (督学责任区): a group of schools covered by a team of inspectors."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), related_name="zones", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=50)
    township = models.ForeignKey(
        Township,
        verbose_name=_("township"),
        related_name="zones",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = ScopedRegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility zone")
        verbose_name_plural = _("responsibility zones")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="zone_unique_name"),
        ]

    def __str__(self):
        return self.name


class SchoolKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    COMPLETE = "complete", _("Complete secondary school")
    SENIOR = "senior", _("Senior secondary school")
    SPECIAL = "special", _("Special education school")
    TEACHING_POINT = "teaching_point", _("Teaching point")


class SchoolQuerySet(RegistryQuerySet, ScopedQuerySet):
    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self
        if user.is_county_reader:
            return self if action == VIEW else self.none()
        if user.is_principal:
            return self.filter(pk=user.school_id) if user.school_id else self.none()
        if user.is_inspector and user.inspector_id:
            if action == VIEW and user.county.settings.inspectors_see_county:
                return self
            return self.filter(
                assignments__inspector_id=user.inspector_id, assignments__ended_on__isnull=True
            ).distinct()
        return self.none()

    def active(self):
        return self.filter(is_active=True)

    @staticmethod
    def _active_assignments():
        """Current assignments of active inspectors to the outer school: what covers a school."""
        from inspectors.models import Assignment, InspectorStatus  # inspectors depends on schools

        return Assignment.objects.filter(
            school=OuterRef("pk"), ended_on__isnull=True, inspector__status=InspectorStatus.ACTIVE
        )

    def with_active_inspector_count(self):
        # A subquery, not a join: role scoping may already have joined the assignments.
        counts = (
            self._active_assignments()
            .order_by()
            .values("school")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            active_inspector_count=Coalesce(Subquery(counts), 0, output_field=models.IntegerField())
        )

    def covered(self):
        return self.active().filter(Exists(self._active_assignments()))

    def uncovered(self):
        """Open schools without a single active inspector: the gap in full coverage."""
        return self.active().filter(~Exists(self._active_assignments()))

    def central_under_minimum(self, minimum: int):
        """Open central schools with fewer active inspectors than the county requires."""
        return (
            self.active()
            .filter(is_central=True)
            .with_active_inspector_count()
            .filter(active_inspector_count__lt=minimum)
        )


class School(RegistryRecord):
    """A school in the county's registry, identified by its national 10-digit code."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), related_name="schools", on_delete=models.PROTECT
    )
    code = models.CharField(
        _("school code"),
        max_length=10,
        unique=True,
        validators=[school_code_validator],
        help_text=_("National school identification code (学校标识码), 10 digits."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SchoolKind.choices)
    is_public = models.BooleanField(_("public school"), default=True)
    township = models.ForeignKey(
        Township, verbose_name=_("township"), related_name="schools", on_delete=models.PROTECT
    )
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("responsibility zone"),
        related_name="schools",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    is_central = models.BooleanField(_("central school"), default=False)
    central_school = models.ForeignKey(
        "self",
        verbose_name=_("central school"),
        related_name="village_schools",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("For village schools and teaching points: the central school they belong to."),
    )
    is_boarding = models.BooleanField(_("boarding school"), default=False)
    students = models.PositiveIntegerField(
        _("students"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    teachers = models.PositiveIntegerField(
        _("teachers"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    principal_name = models.CharField(_("principal"), max_length=50, blank=True)
    principal_phone = models.CharField(
        _("principal's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("active"), default=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["township__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="school_unique_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            errors["township"] = _("The township belongs to another county.")
        if self.zone_id and self.county_id and self.zone.county_id != self.county_id:
            errors["zone"] = _("The responsibility zone belongs to another county.")
        if self.central_school_id:
            central = self.central_school
            if self.central_school_id == self.pk:
                errors["central_school"] = _("A school cannot be its own central school.")
            elif self.is_central:
                errors["central_school"] = _(
                    "A central school does not belong to another central school."
                )
            elif not central.is_central:
                errors["central_school"] = _("%(school)s is not marked as a central school.") % {
                    "school": central
                }
            elif central.county_id != self.county_id:
                errors["central_school"] = _("The central school belongs to another county.")
        if errors:
            raise ValidationError(errors)


class PrincipalTenureQuerySet(ScopedQuerySet):
    county_lookup = "school__county"


class PrincipalTenure(models.Model):
    """Who was principal of a school when: kept when a principal changes."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), related_name="principal_tenures", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=50)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("login"),
        related_name="principal_tenures",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PrincipalTenureQuerySet.as_manager()

    class Meta:
        verbose_name = _("principal tenure")
        verbose_name_plural = _("principal tenures")
        ordering = ["school", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(ended_on__isnull=True),
                name="principal_tenure_one_current",
            ),
            models.CheckConstraint(
                name="principal_tenure_end_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
        ]

    def __str__(self):
        return f"{self.school} – {self.name}"


DEFAULT_MATTERS = [
    (1, "校务管理和制度执行"),
    (2, "招生、收费、择校"),
    (3, "课程开设和课堂教学"),
    (4, "学生学习、体育锻炼和课业负担"),
    (5, "教师师德和专业发展"),
    (6, "校园及周边安全"),
    (7, "食堂、食品、饮用水及卫生"),
    (8, "校风、教风、学风建设"),
]


class SupervisionMatter(RegistryRecord):
    """One of the county's supervision matters (督导事项); the eight national ones by default."""

    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        related_name="supervision_matters",
        on_delete=models.CASCADE,
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedRegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision matter")
        verbose_name_plural = _("supervision matters")
        ordering = ["county", "number"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="matter_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Department(models.Model):
    """A county department or body that may own a meeting decision (县财政局, 县公安局…)."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), related_name="departments", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("county department")
        verbose_name_plural = _("county departments")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="department_unique_name"),
        ]

    def __str__(self):
        return self.name
