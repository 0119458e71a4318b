"""Helpers for tests where two requests act on one row at the same moment (PostgreSQL)."""

import threading

from django.db import connection


def race(*steps, refused: tuple[type[Exception], ...]):
    """Run the steps in threads (one connection each), released together; return the outcomes.

    A step ends "done", or "refused" when it raises one of ``refused``.
    """
    barrier = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, step):
        try:
            barrier.wait()
            step()
            outcomes[index] = "done"
        except refused:
            outcomes[index] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def slow_down_saves(monkeypatch, model) -> None:
    """Widen the window between reading a row and saving ``model``, as a slow request would."""
    original = model.save

    def save(self, *args, **kwargs):
        threading.Event().wait(0.3)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", save)
