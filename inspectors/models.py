import datetime
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import VIEW, ScopedQuerySet
from schools.models import RegistryQuerySet, RegistryRecord
from schools.validators import validate_not_future


class InspectorKind(models.TextChoices):
    SPECIAL = "special", _("Special-appointed inspector")
    FULL_TIME = "full_time", _("Full-time responsible inspector")
    PART_TIME = "part_time", _("Part-time responsible inspector")


class InspectorStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


class InspectorQuerySet(RegistryQuerySet, ScopedQuerySet):
    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self
        if action != VIEW:
            return self.none()
        if user.is_county_reader:
            return self
        if user.is_inspector:
            if user.county.settings.inspectors_see_county:
                return self
            return self.filter(pk=user.inspector_id)
        if user.is_principal:
            return self.filter(
                assignments__school_id=user.school_id, assignments__ended_on__isnull=True
            ).distinct()
        return self.none()

    def active(self):
        return self.filter(status=InspectorStatus.ACTIVE)

    def responsible(self):
        return self.exclude(kind=InspectorKind.SPECIAL)

    def with_load(self):
        """Annotate ``load``: the number of schools the inspector currently covers."""
        # A subquery, not a join: role scoping may already have joined the assignments.
        counts = (
            Assignment.objects.filter(inspector=OuterRef("pk"), ended_on__isnull=True)
            .order_by()
            .values("inspector")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(load=Coalesce(Subquery(counts), 0, output_field=models.IntegerField()))

    def over_load(self, limit: int):
        """Active responsible inspectors covering more schools than the county's load."""
        return self.active().responsible().with_load().filter(load__gt=limit)

    def term_ending(self, by: datetime.date):
        """Active inspectors whose term ends on or before ``by`` (or has already ended)."""
        return self.active().filter(term_ends_on__lte=by)


class Inspector(RegistryRecord):
    """A special-appointed or responsible inspector (督学) of a county."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="inspectors",
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=InspectorKind.choices)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    employer_school = models.ForeignKey(
        "schools.School",
        verbose_name=_("works at school"),
        related_name="staff_inspectors",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The school this inspector works at; they are never assigned to it."),
    )
    post = models.CharField(_("post"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    photo = models.ImageField(_("photo"), upload_to="inspectors/", blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=30, blank=True)
    appointed_on = models.DateField(
        _("appointed on"), null=True, blank=True, validators=[validate_not_future]
    )
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InspectorStatus.choices, default=InspectorStatus.ACTIVE
    )
    zone = models.ForeignKey(
        "schools.Zone",
        verbose_name=_("responsibility zone"),
        related_name="inspectors",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    themes = models.ManyToManyField(
        "schools.SupervisionMatter",
        verbose_name=_("themes"),
        related_name="special_inspectors",
        blank=True,
        help_text=_("For special-appointed inspectors: the matters they cover county-wide."),
    )

    objects = InspectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "phone"], name="inspector_unique_phone"),
            models.CheckConstraint(
                name="inspector_term_after_appointment",
                condition=Q(term_ends_on__isnull=True)
                | Q(appointed_on__isnull=True)
                | Q(term_ends_on__gte=models.F("appointed_on")),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_special(self) -> bool:
        return self.kind == InspectorKind.SPECIAL

    def term_ends_soon(self, today: datetime.date, warning_days: int) -> bool:
        return bool(
            self.term_ends_on and self.term_ends_on <= today + datetime.timedelta(warning_days)
        )

    def clean(self):
        errors = {}
        if self.county_id:
            if self.employer_school_id and self.employer_school.county_id != self.county_id:
                errors["employer_school"] = _("The school belongs to another county.")
            if self.zone_id and self.zone.county_id != self.county_id:
                errors["zone"] = _("The responsibility zone belongs to another county.")
        if self.appointed_on and self.term_ends_on and self.term_ends_on < self.appointed_on:
            errors["term_ends_on"] = _("The term cannot end before the appointment.")
        if errors:
            raise ValidationError(errors)


def availability_problem(inspector, school) -> tuple[str, str] | None:
    """Why this inspector cannot start at this school, as (field, message), or None.

    Reads no rows, so a bulk check (the import) can ask it for every row.
    """
    if inspector.status != InspectorStatus.ACTIVE:
        return "inspector", _(
            "%(inspector)s is not active (%(status)s) and cannot take on a school."
        ) % {"inspector": inspector, "status": inspector.get_status_display()}
    if not school.is_active:
        return "school", _("%(school)s is closed and cannot be assigned.") % {"school": school}
    return None


class AssignmentQuerySet(RegistryQuerySet, ScopedQuerySet):
    county_lookup = "school__county"

    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self
        if action != VIEW:
            return self.none()
        if user.is_county_reader:
            return self
        if user.is_inspector:
            if user.county.settings.inspectors_see_county:
                return self
            return self.filter(inspector_id=user.inspector_id)
        if user.is_principal:
            return self.filter(school_id=user.school_id)
        return self.none()

    def current(self):
        return self.filter(ended_on__isnull=True)

    def school_ids_of(self, inspector_id: int):
        """Subquery of the schools an inspector covers now; a subquery needs no DISTINCT."""
        return self.current().filter(inspector_id=inspector_id).values("school_id")

    def due_for_rotation(self, cutoff: datetime.date):
        return self.current().filter(started_on__lte=cutoff)


class Assignment(RegistryRecord):
    """A responsible inspector posted to a school (挂牌责任), from a start date to an end date."""

    inspector = models.ForeignKey(
        Inspector,
        verbose_name=_("inspector"),
        related_name="assignments",
        on_delete=models.PROTECT,
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        related_name="assignments",
        on_delete=models.PROTECT,
    )
    # Coverage counts every assignment without an end date as current, so one starting later
    # would cover the school before the inspector does.
    started_on = models.DateField(_("started on"), validators=[validate_not_future])
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_lead = models.BooleanField(
        _("lead inspector"),
        default=False,
        help_text=_(
            "The school's first contact: listed first on the plaque and given the public's "
            "complaints about the school."
        ),
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                name="assignment_end_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
            models.UniqueConstraint(
                fields=["inspector", "school"],
                condition=Q(ended_on__isnull=True),
                name="assignment_unique_active_pair",
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(ended_on__isnull=True, is_lead=True),
                name="assignment_one_current_lead",
            ),
        ]
        indexes = [
            # Who covers a school now: coverage asks it of every school of a county, and without
            # this PostgreSQL hashes the province's assignments to answer for a thousand schools.
            models.Index(
                fields=["school", "inspector"],
                condition=Q(ended_on__isnull=True),
                name="assignment_current_by_school",
            ),
        ]

    def __str__(self):
        return f"{self.inspector} → {self.school}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def clean(self):
        errors = {}
        if self.inspector_id and self.school_id:
            problem = self._pairing_problem()
            if problem:
                field, message = problem
                errors[field] = message
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date cannot be before the start date.")
        if errors:
            raise ValidationError(errors)

    def _pairing_problem(self) -> tuple[str, str] | None:
        """The first rule this inspector-school pair breaks, as (field, message), or None."""
        inspector, school = self.inspector, self.school
        starting = self._state.adding
        if inspector.county_id != school.county_id:
            return "school", _("The school belongs to another county.")
        if inspector.is_special:
            return "inspector", _(
                "Special-appointed inspectors cover themes county-wide and are not assigned "
                "to schools."
            )
        if inspector.employer_school_id == school.pk:
            return "school", _(
                "Recusal: an inspector cannot be assigned to the school they work at."
            )
        if starting and (problem := availability_problem(inspector, school)):
            return problem
        if self.ended_on is None and self._duplicates_current().exists():
            return "inspector", _(
                "%(inspector)s is already assigned to %(school)s; end that assignment first "
                "or pick another inspector."
            ) % {"inspector": inspector, "school": school}
        return None

    def _duplicates_current(self):
        return (
            Assignment.objects.current()
            .filter(inspector_id=self.inspector_id, school_id=self.school_id)
            .exclude(pk=self.pk)
        )


# Plaques (公示牌) ------------------------------------------------------------------------------

# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: short, and typed by hand
# from a printed plaque when a phone cannot scan it.
SLUG_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SLUG_LENGTH = 10


def new_plaque_slug() -> str:
    return "".join(secrets.choice(SLUG_ALPHABET) for _position in range(SLUG_LENGTH))


class PlaqueQuerySet(RegistryQuerySet, ScopedQuerySet):
    """The office manages plaques; the committee reads them (the plaque itself is public)."""


class Plaque(RegistryRecord):
    """A school's plaque (公示牌): its number and the public address its QR code opens.

    Both are issued once for the school and never change: the address is printed on the gate, so
    the slug is random, stored once, never regenerated and never given to another school (plaques
    are never deleted), and the whole address is stored when the plaque is issued: a county that
    later changes its public address does not change what was printed. What the plaque shows
    comes from today's assignments (``plaques``).
    """

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="plaques",
        on_delete=models.PROTECT,
    )
    school = models.OneToOneField(
        "schools.School",
        verbose_name=_("school"),
        related_name="plaque",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("plaque number"), max_length=40)
    slug = models.CharField(
        _("public address code"), max_length=16, unique=True, editable=False, default=""
    )
    public_url = models.CharField(
        _("public address"),
        max_length=300,
        editable=False,
        default="",
        help_text=_("What the QR code holds: the county's public address when it was issued."),
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    objects = PlaqueQuerySet.as_manager()

    class Meta:
        verbose_name = _("plaque")
        verbose_name_plural = _("plaques")
        ordering = ["serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "serial"], name="plaque_unique_serial"
            ),
            models.CheckConstraint(name="plaque_has_slug", condition=~Q(slug="")),
            models.CheckConstraint(name="plaque_has_public_url", condition=~Q(public_url="")),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = new_plaque_slug()
        if not self.public_url:  # once, at issue: never rebuilt from the county's address
            self.public_url = self.county.public_root + self.public_path
        super().save(*args, **kwargs)

    @staticmethod
    def format_number(county, year: int, serial: int) -> str:
        """e.g. 湟督牌〔2026〕012号: the county's first character, 督牌, the year, the serial."""
        return f"{county.name[:1]}督牌〔{year}〕{serial:03d}号"

    @property
    def public_path(self) -> str:
        return self.path_of(self.slug)

    @staticmethod
    def path_of(slug: str) -> str:
        """The public page's path for a plaque's slug (``public_path`` without a model row)."""
        return f"/p/{slug}"

    def latest_print(self):
        """The last time this plaque was printed for posting, or None."""
        return self.prints.order_by("-printed_at", "-pk").first()


class PlaquePrintQuerySet(ScopedQuerySet):
    county_lookup = "plaque__school__county"


class PlaquePrint(models.Model):
    """The office printed the plaque (for posting at the gate): ``snapshot`` keeps what the page
    printed (``plaques.plaque_content``), so a posting records what went up on the gate, not
    what the data says on the day the posting is recorded. A print is recorded only when it
    differs from the plaque's previous one."""

    plaque = models.ForeignKey(
        Plaque, verbose_name=_("plaque"), related_name="prints", on_delete=models.PROTECT
    )
    printed_at = models.DateTimeField(_("printed at"), default=timezone.now)
    printed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("printed by"),
        related_name="plaque_prints",
        on_delete=models.PROTECT,
    )
    snapshot = models.JSONField(_("what the plaque printed"), default=dict)

    objects = PlaquePrintQuerySet.as_manager()

    class Meta:
        verbose_name = _("plaque print")
        verbose_name_plural = _("plaque prints")
        ordering = ["-printed_at", "-pk"]

    def __str__(self):
        return f"{self.plaque} · {timezone.localtime(self.printed_at):%Y-%m-%d %H:%M}"


class PlaquePostingQuerySet(RegistryQuerySet, ScopedQuerySet):
    county_lookup = "plaque__school__county"


def posting_photo_path(instance, filename: str) -> str:
    """Unguessable names: the photos are served only after a permission check."""
    return f"plaques/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class PlaquePosting(RegistryRecord):
    """The office's record that a printed plaque went up at the school gate, with a photo of it.

    ``snapshot`` keeps what the plaque printed: the snapshot of the print that went up
    (``printed``), or, with no print recorded, the content on the day of the posting. The plaque
    is outdated as soon as today's content differs from it, until a new one is posted.
    """

    plaque = models.ForeignKey(
        Plaque, verbose_name=_("plaque"), related_name="postings", on_delete=models.PROTECT
    )
    printed = models.ForeignKey(
        PlaquePrint,
        verbose_name=_("print posted"),
        related_name="postings",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    posted_on = models.DateField(_("posted on"), validators=[validate_not_future])
    photo = models.FileField(_("photo"), upload_to=posting_photo_path, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=posting_photo_path, blank=True)
    snapshot = models.JSONField(_("what the plaque printed"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        related_name="plaque_postings",
        on_delete=models.PROTECT,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PlaquePostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("plaque posting")
        verbose_name_plural = _("plaque postings")
        ordering = ["-posted_on", "-pk"]

    def __str__(self):
        return f"{self.plaque} · {self.posted_on}"
