"""Point the Celery app at a broker for one test, and wait for conditions without guessing."""

import time
from collections.abc import Callable
from contextlib import contextmanager

from dudao.celery import app

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def _drop_connections():
    # The app caches its connection pool per broker; a new URL needs a new pool.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Send tasks to ``url`` instead of running them eagerly, for the duration of the block."""
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _drop_connections()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        _drop_connections()


def wait_until(condition: Callable, *, timeout: float = 60, what: str = "the condition"):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds.

    The timeout only bounds a hang: on a busy machine the wait is as long as it needs to be.
    """
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.05)
    return result
