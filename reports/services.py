"""Operations of the reports app that span several models: asking for a monthly report, running
a worker job with stored progress, and the office's changes to the yearly assessment."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.outbox import send_later
from reports.models import (
    BUSY_STATES,
    AssessmentAdjustment,
    Commendation,
    ExportJob,
    JobState,
    MonthlyReport,
)
from reports.periods import Period
from schools.models import County

logger = logging.getLogger(__name__)

# A job that has shown no progress for this long was left by a worker that stopped.
STALE_AFTER = datetime.timedelta(minutes=30)


def _release_stale(jobs) -> None:
    cutoff = timezone.now() - STALE_AFTER
    jobs.filter(state__in=BUSY_STATES, updated_at__lt=cutoff).update(
        state=JobState.FAILED, error="stopped: no progress for 30 minutes"
    )


def request_monthly_report(
    *, county: County, period: Period, user=None
) -> tuple[MonthlyReport, bool]:
    """Queue the next version of the county's report for ``period``; if one is already queued
    or compiling, return it instead (``created`` False): never two at once."""
    same = MonthlyReport.objects.filter(
        county=county, period_start=period.start, period_end=period.end
    )
    _release_stale(same)
    with transaction.atomic():
        # The county row serialises version numbers; the partial unique index is the net.
        County.objects.select_for_update().filter(pk=county.pk).first()
        busy = same.filter(state__in=BUSY_STATES).first()
        if busy is not None:
            return busy, False
        version = (same.aggregate(Max("version"))["version__max"] or 0) + 1
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    county=county,
                    period_start=period.start,
                    period_end=period.end,
                    version=version,
                    requested_by=user,
                )
        except IntegrityError:
            return same.filter(state__in=BUSY_STATES).first() or same.latest("version"), False
        from reports.tasks import compile_monthly_report

        send_later(compile_monthly_report, report.pk)
    return report, True


def claim(jobs, pk: int) -> bool:
    """Take a queued job for this worker; False if another worker has it or it is finished."""
    return bool(
        jobs.filter(pk=pk, state=JobState.QUEUED).update(
            state=JobState.RUNNING, started_at=timezone.now(), progress=1, updated_at=timezone.now()
        )
    )


class JobProgress:
    """Writes a job's progress to its row as the worker goes (each write commits at once), so
    any web process can show it."""

    def __init__(self, job):
        self.rows = type(job).objects.filter(pk=job.pk)

    def __call__(self, percent: int, step: str = "") -> None:
        self.rows.update(
            progress=max(1, min(percent, 99)), step=str(step)[:100], updated_at=timezone.now()
        )

    def finish(self, content, name: str) -> None:
        """Store the result (bytes, or an open binary file, copied in chunks) and mark it done."""
        job = self.rows.get()
        job.file.save(
            name, ContentFile(content) if isinstance(content, bytes) else File(content), save=False
        )
        self.rows.update(
            file=job.file.name,
            state=JobState.DONE,
            progress=100,
            step="",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )

    def fail(self, error: Exception) -> None:
        self.rows.update(
            state=JobState.FAILED,
            error=repr(error)[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


def compile_report(report: MonthlyReport) -> None:
    """Build the workbook of a claimed report and store it; a failure is recorded, not raised
    (the page shows it and the office can compile again)."""
    from reports.monthly import build_workbook

    progress = JobProgress(report)
    try:
        content = build_workbook(
            report.county, report.period, version=report.version, progress=progress
        )
    except Exception as error:
        logger.exception("Monthly report %s failed", report.pk)
        progress.fail(error)
        return
    progress.finish(content, "report.xlsx")
    logger.info("Monthly report %s compiled (%d bytes)", report.pk, len(content))


def queue_export(*, kind: str, query: str, rows: int, filename: str, user) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind, query=query, rows=rows, filename=filename, requested_by=user
        )
        from reports.tasks import run_export

        send_later(run_export, job.pk)
    return job


def adjust_score(*, county, year: int, inspector, points: Decimal, reason: str, user):
    """Append a manual adjustment; the history is never edited."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write the reason for the adjustment."))
    if inspector.county_id != county.pk:
        raise ValidationError(_("The inspector belongs to another county."))
    return AssessmentAdjustment.objects.create(
        county=county,
        year=year,
        inspector=inspector,
        points=points,
        reason=reason,
        created_by=user,
    )


def set_commendation(*, county, year: int, inspector, commended: bool, note: str, user) -> None:
    """Mark (or unmark) an inspector as commended for the year."""
    if inspector.county_id != county.pk:
        raise ValidationError(_("The inspector belongs to another county."))
    if not commended:
        Commendation.objects.filter(county=county, year=year, inspector=inspector).delete()
        return
    Commendation.objects.update_or_create(
        county=county,
        year=year,
        inspector=inspector,
        defaults={"note": note.strip(), "created_by": user},
    )
