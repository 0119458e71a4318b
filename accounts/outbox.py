"""Send a task to the worker without losing it when the broker is down.

``send_later(task, *ids)`` writes a ``PendingTask`` in the caller's transaction and, once that
commits, hands it to the broker. If the broker cannot be reached the request still succeeds (a
warning is logged) and the worker's sweep (``accounts.tasks.sweep_pending_tasks``) runs the task
when the broker is back. Either way the task runs once: ``run_pending`` claims the row first.
"""

import logging
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError

from accounts.models import PendingTask

logger = logging.getLogger(__name__)


def send_later(task, *args) -> PendingTask:
    """Record that ``task(*args)`` must run, and queue it once the current transaction commits."""
    pending = PendingTask.objects.create(task_name=task.name, args=list(args))
    transaction.on_commit(partial(_hand_to_worker, pending.pk))
    return pending


def _hand_to_worker(pending_id: int) -> None:
    from accounts.tasks import run_pending

    try:
        run_pending.delay(pending_id)
    except (OperationalError, OSError):
        logger.warning(
            "Broker unreachable: pending task %s waits for the worker's sweep", pending_id
        )
