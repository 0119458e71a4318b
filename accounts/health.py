"""Health of the parts the app depends on, for ``GET /healthz``."""

import logging

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        logger.exception("healthz: database check failed")
        return "degraded"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "eager"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
        return "ok"
    except Exception:
        logger.exception("healthz: redis check failed")
        return "degraded"


def _worker(redis_state: str) -> str:
    if redis_state == "eager":
        return "eager"
    if redis_state != "ok":
        return "degraded"
    from dudao.celery import app

    try:
        replies = app.control.ping(timeout=0.5)
    except Exception:
        logger.exception("healthz: celery ping failed")
        return "degraded"
    return "ok" if replies else "degraded"


def _outbox() -> str:
    """Degraded while a task the app must run waits longer than the sweep should take."""
    from accounts.models import PendingTask

    try:
        stuck = PendingTask.objects.filter(
            done_at__isnull=True, created_at__lt=timezone.now() - PendingTask.CLAIM_TIMEOUT
        ).exists()
    except Exception:
        logger.exception("healthz: outbox check failed")
        return "degraded"
    return "degraded" if stuck else "ok"


def _sweeps(redis_state: str) -> tuple[str, dict]:
    """When each periodic sweep last ran (beat runs them), and whether one is late.

    Without a broker there is no beat ("eager"); with one, a sweep missing for several of its
    periods, or none recorded at all, means beat or the worker has stopped.
    """
    from accounts.models import SweepRecord

    try:
        records = list(SweepRecord.objects.all())
    except Exception:
        logger.exception("healthz: sweep records unreadable")
        return "degraded", {}
    now = timezone.now()
    last_sweep = {record.name: record.last_run_at.isoformat() for record in records}
    if redis_state == "eager":
        return "eager", last_sweep
    late = not records or any(record.is_late(now) for record in records)
    return ("degraded" if late else "ok"), last_sweep


COMPONENTS = ("database", "redis", "celery_worker", "outbox", "beat")


def check(*, include_details: bool) -> dict:
    redis_state = _redis()
    beat_state, last_sweep = _sweeps(redis_state)
    report = {
        "database": _database(),
        "redis": redis_state,
        "celery_worker": _worker(redis_state),
        "outbox": _outbox(),
        "beat": beat_state,
        "last_sweep": last_sweep,
    }
    healthy = all(report[name] in ("ok", "eager") for name in COMPONENTS)
    report["status"] = "ok" if healthy else "degraded"
    if include_details:
        report["details"] = {
            "database_vendor": connection.vendor,
            "task_always_eager": settings.CELERY_TASK_ALWAYS_EAGER,
        }
    return report
