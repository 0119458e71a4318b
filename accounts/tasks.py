"""Celery tasks of the accounts app: the outbox that keeps what must be sent in the database.

``run_pending`` runs one ``PendingTask`` after claiming it with a conditional UPDATE, so a task
sent twice (by the request and by the sweep, or retried) runs once. ``sweep_pending_tasks``,
run by beat every minute, runs what the broker never delivered (it was down, or a worker died).
"""

import datetime
import logging

from celery import current_app, shared_task
from django.db.models import F
from django.utils import timezone

from accounts.models import PendingTask, SweepRecord
from dudao.celery import OUTBOX_SWEEP_EVERY

logger = logging.getLogger(__name__)

# What a request has just queued is left to the broker this long before the sweep takes it.
SWEEP_GRACE = datetime.timedelta(minutes=1)
SWEEP_BATCH = 500


@shared_task
def run_pending(pending_id: int) -> bool:
    """Claim one pending task and run it here; False if it was done or claimed elsewhere."""
    now = timezone.now()
    claimed = (
        PendingTask.objects.due(now)
        .filter(pk=pending_id)
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    pending = PendingTask.objects.get(pk=pending_id)
    try:
        current_app.tasks[pending.task_name].run(*pending.args)
    except Exception as error:
        # Released for the next sweep, up to MAX_ATTEMPTS; notifications it made stay deduped.
        PendingTask.objects.filter(pk=pending.pk).update(claimed_at=None, last_error=repr(error))
        raise
    PendingTask.objects.filter(pk=pending.pk).update(done_at=timezone.now(), last_error="")
    return True


@shared_task
def sweep_pending_tasks() -> int:
    """Run the pending tasks the broker did not deliver; returns how many ran."""
    SweepRecord.objects.touch("outbox", every=OUTBOX_SWEEP_EVERY)
    cutoff = timezone.now() - SWEEP_GRACE
    ids = list(
        PendingTask.objects.due(timezone.now())
        .filter(created_at__lt=cutoff)
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ran = 0
    for pending_id in ids:
        try:
            ran += run_pending(pending_id)
        except Exception:
            logger.exception("Outbox sweep: pending task %s failed", pending_id)
    if ids:
        logger.info("Outbox sweep: %s of %s pending tasks ran", ran, len(ids))
    return ran
