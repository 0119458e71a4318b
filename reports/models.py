"""What reports keep: issued monthly reports with their workbooks, export jobs run by the worker,
and the office's manual adjustments and commendations of the yearly assessment."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import VIEW, ScopedQuerySet


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Compiling")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


# A queued or running job still holds its slot: a second request joins it instead.
BUSY_STATES = (JobState.QUEUED, JobState.RUNNING)


def report_path(instance, filename: str) -> str:
    """Unguessable names: workbooks are served only through a permission-checked view."""
    return f"reports/{uuid.uuid4().hex}.xlsx"


class WorkerJob(models.Model):
    """Work the Celery worker does for a page: its state and progress live in the database, so
    the page polls them across reloads and web processes; the result is a file."""

    state = models.CharField(
        _("state"), max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("current step"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to=report_path, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written with each progress step: a busy job not updated for long was left by a dead worker.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_busy(self) -> bool:
        return self.state in BUSY_STATES

    @property
    def is_done(self) -> bool:
        return self.state == JobState.DONE


class MonthlyReportQuerySet(ScopedQuerySet):
    """The office compiles its county's reports; the committee and region users read them;
    inspectors and principals never see county reports."""

    def latest_first(self):
        return self.order_by("-period_start", "-period_end", "-version")


class MonthlyReport(WorkerJob):
    """One issued version of a county's monthly report (月报) or report for a date range, with its
    workbook: a past month downloads exactly as it was issued. Compiling again makes a new
    version; while one is queued or compiling, asking again joins it (a partial unique index)."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="monthly_reports",
        on_delete=models.PROTECT,
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-period_start", "-period_end", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "period_start", "period_end", "version"],
                name="monthly_report_unique_version",
            ),
            models.UniqueConstraint(
                fields=["county", "period_start", "period_end"],
                condition=Q(state__in=["queued", "running"]),
                name="monthly_report_one_compiling",
            ),
            models.CheckConstraint(
                name="monthly_report_period_order",
                condition=Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.period_start:%Y-%m} v{self.version}"

    @property
    def period(self):
        from reports.periods import Period

        start, end = self.period_start, self.period_end
        month = Period.month(start.year, start.month)
        if (month.start, month.end) == (start, end):
            return month
        return Period.date_range(start, end)

    @property
    def download_name(self) -> str:
        return f"{self.county.name}督导月报-{self.period.key}-v{self.version}.xlsx"


class ExportKind(models.TextChoices):
    VISITS = "visits", _("Visit records")
    RECTIFICATIONS = "rectifications", _("Rectification items")
    SCHOOLS = "schools", _("Schools")
    INSPECTORS = "inspectors", _("Inspectors")
    COMPLAINTS = "complaints", _("Public submissions")


class ExportJobQuerySet(ScopedQuerySet):
    """An export is its requester's own: the rows in it are what they may read."""

    def for_user(self, user, action: str = VIEW):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(WorkerJob):
    """A list export too long to write during the request: the worker writes it with the
    requester's permissions and filters, and the list page's link downloads it when ready."""

    kind = models.CharField(_("list"), max_length=20, choices=ExportKind.choices)
    query = models.CharField(
        _("filters"), max_length=2000, blank=True, help_text=_("The list's query string.")
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    filename = models.CharField(_("file name"), max_length=200)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename


class AssessmentAdjustment(models.Model):
    """A manual change to an inspector's yearly assessment score, with its written reason.

    Never edited or deleted: a correction is another adjustment, so the history stays whole."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="assessment_adjustments",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("inspector"),
        related_name="assessment_adjustments",
        on_delete=models.PROTECT,
    )
    points = models.DecimalField(
        _("points"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(-20), MaxValueValidator(20)],
        help_text=_("Added to the score; negative to deduct. At most 20 either way."),
    )
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        related_name="assessment_adjustments",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment adjustment")
        verbose_name_plural = _("assessment adjustments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="assessment_adjustment_within_limit",
                condition=Q(points__gte=-20, points__lte=20) & ~Q(points=0),
            ),
            models.CheckConstraint(
                name="assessment_adjustment_has_reason", condition=~Q(reason="")
            ),
        ]

    def __str__(self):
        return f"{self.inspector} {self.year}: {self.points:+}"


class Commendation(models.Model):
    """An inspector commended as excellent (表彰优秀督学) for a year, by the office."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="commendations",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("inspector"),
        related_name="commendations",
        on_delete=models.PROTECT,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        related_name="commendations",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-year", "inspector__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "year"], name="commendation_once_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.inspector} {self.year}"
