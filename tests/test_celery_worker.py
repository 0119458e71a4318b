"""The real stack: a Celery worker on the Redis broker answers, and /healthz sees it.

Every other test runs tasks eagerly; this one alone talks to the broker.
"""

import os

import pytest

from accounts import health
from dudao.celery import app


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_is_seen_by_the_health_check(settings):
    from celery.contrib.testing.worker import start_worker

    settings.REDIS_URL = os.environ["REDIS_URL"]
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = settings.REDIS_URL
    app.conf.task_always_eager = False
    try:
        assert health.check(include_details=False)["celery_worker"] == "degraded"  # none yet
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            report = health.check(include_details=False)
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
    assert report == {
        "database": "ok",
        "redis": "ok",
        "celery_worker": "ok",
        "status": "ok",
    }
