"""Celery tasks of the reports app: compiling monthly reports and writing long exports.

Both are queued through the outbox (``accounts.outbox.send_later``), so a broker that is down
loses nothing, and both claim their row before working (QUEUED → RUNNING by a conditional
UPDATE), so a task delivered twice compiles once. Progress is written to the row as they go.
"""

import logging
import tempfile

from celery import shared_task
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation

from reports import services
from reports.models import BUSY_STATES, ExportJob, JobState, MonthlyReport
from reports.periods import last_full_month
from schools.models import County

logger = logging.getLogger(__name__)


@shared_task
def compile_monthly_report(report_id: int) -> bool:
    """Compile one queued report; False if it was already taken or finished."""
    if not services.claim(MonthlyReport.objects, report_id):
        return False
    report = MonthlyReport.objects.select_related("county__settings").get(pk=report_id)
    with translation.override(settings.LANGUAGE_CODE):
        services.compile_report(report)
    return True


@shared_task
def compile_last_month() -> int:
    """Beat, on the 1st: last month's report for every county that has none yet (a failed one
    is compiled again). Run twice, it queues each county's report once."""
    period = last_full_month(timezone.localdate())
    queued = 0
    for county in County.objects.select_related("settings").order_by("pk"):
        issued = (
            MonthlyReport.objects.filter(
                county=county, period_start=period.start, period_end=period.end
            )
            .filter(state__in=(*BUSY_STATES, JobState.DONE))
            .exists()
        )
        if issued:
            continue
        _report, created = services.request_monthly_report(county=county, period=period)
        queued += created
    logger.info("Monthly reports for %s queued for %d counties", period.key, queued)
    return queued


@shared_task
def run_export(job_id: int) -> bool:
    """Write one queued list export with its requester's permissions and filters."""
    from reports.exports import EXPORTS
    from reports.models import ExportKind

    if not services.claim(ExportJob.objects, job_id):
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    progress = services.JobProgress(job)
    user = job.requested_by
    language = user.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language), tempfile.TemporaryFile() as spool:
            export = EXPORTS[ExportKind(job.kind)]
            if not user.is_active or not export.may_export(user):
                raise PermissionError("the requester may no longer export this list")
            queryset = export.queryset(user, QueryDict(job.query))
            total = max(job.rows, 1)
            from dudao.xlsx import write_sheet

            written = write_sheet(
                spool,
                title=export.title(),
                header=export.header(),
                rows=export.rows(
                    queryset,
                    progress=lambda done: progress(done * 95 // total, f"{done} / {total}"),
                ),
            )
            spool.seek(0)
            ExportJob.objects.filter(pk=job.pk).update(rows=written)
            progress.finish(spool, "export.xlsx")
    except Exception as error:
        logger.exception("Export %s failed", job.pk)
        progress.fail(error)
        return False
    return True
