"""Demo data for ``manage.py seed_demo``: a list of idempotent steps sharing one context.

A later feature adds its own demo history (visits, rectifications, meetings ...) by writing a step
in its own app, e.g. ``visits/demo.py``::

    def seed_visits(ctx: DemoContext) -> None:
        county = ctx.counties["huangzhong"]
        rng = ctx.random("visits")
        ...
        ctx.record("督导记录", len(created))

and appending ``"visits.demo.seed_visits"`` to ``DEMO_STEPS`` below. Every step:

- finds the demo counties in ``ctx.counties`` (keys ``"huangzhong"`` and ``"jintan"``) and reads
  schools, inspectors and assignments from the database;
- draws randomness only from ``ctx.random(topic)`` and dates only relative to ``ctx.today``, so
  every run builds the same data;
- creates only what is missing, keyed on natural keys (codes, phones, usernames), so a second run
  creates and changes nothing;
- tells what it created with ``ctx.record(label, count)`` and hands out demo logins with
  ``ctx.add_login(...)``; the command prints both.

All steps run in one transaction: a failing step leaves the database as it was.
"""

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

DEMO_PASSWORD = "dudao-demo-2026"

DEMO_STEPS = [
    "schools.demo.huangzhong.seed_huangzhong",
    "schools.demo.jintan.seed_jintan",
    "schools.demo.logins.seed_logins",
    "visits.demo.seed_visits",
    "rectifications.demo.seed_rectifications",
    "meetings.demo.seed_meetings",
    "meetings.notice_demo.seed_notices",
    "inspectors.demo.seed_plaques",
    "complaints.demo.seed_complaints",
    "reports.demo.seed_reports",  # last: its reports count what the steps above made
]


@dataclass(frozen=True)
class DemoLogin:
    """A demo account to print at the end of the command."""

    role: str
    username: str
    who: str


@dataclass
class DemoContext:
    """What the demo steps share: the day, the counties built so far, and what to report."""

    today: datetime.date
    log: Callable[[str], object] = print
    counties: dict = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)

    def random(self, topic: str) -> random.Random:
        """A generator of its own per topic, so one step's draws never shift another's."""
        return random.Random(f"dudao-demo/{topic}")

    def record(self, label: str, count: int) -> None:
        if count:
            self.created[label] += count

    def add_login(self, *, role: str, username: str, who: str) -> None:
        self.logins.append(DemoLogin(role=role, username=username, who=who))


def run_demo(
    *, log: Callable[[str], object] = print, steps: list[str] | None = None
) -> DemoContext:
    """Run every demo step in order inside one transaction and return the shared context."""
    ctx = DemoContext(today=timezone.localdate(), log=log)
    with transaction.atomic():
        for path in DEMO_STEPS if steps is None else steps:
            import_string(path)(ctx)
    return ctx
