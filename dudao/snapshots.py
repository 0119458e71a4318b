"""Parts of a page counted at most a few minutes ago, shown with the time they were counted.

The figures pages count every record of a county (or of a province's hundred counties) on each
visit: 0.1 s for a county, a second for a province. Their figures part is kept, rendered, in the
cache for the minutes the county chose (``CountySettings.figures_refresh_minutes``) and the
page says when it was counted and offers to count again. A figure that must be exact now (a
to-do list, a record's page) is never kept for minutes; it may be kept under the version of
everything it is made from (``kept_for_version``: the coverage page under the county's registry
version), which is exact.

The cache is Redis in production and fails open (``dudao.cache``): without Redis every visit
counts afresh, as with 0 minutes.
"""

import copy
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

T = TypeVar("T")

# Raised whenever what a snapshot holds changes shape, so none of an older release is shown.
VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    """A rendered page part (or none, for figures kept as values) and when its figures were
    counted (``dudao/_counted_at.html`` says so)."""

    html: SafeString
    counted_at: datetime.datetime
    minutes: int  # how long it is kept; 0: counted for this visit only
    fresh_query: str = ""  # the page's query string asking to count again now

    @property
    def is_kept(self) -> bool:
        return self.minutes > 0


def snapshot_key(name: str, *parts) -> str:
    """The cache key of a page part: its name, what it depends on and the language it is in."""
    described = repr((VERSION, name, get_language(), *parts)).encode()
    return f"snapshot:{name}:{hashlib.sha256(described).hexdigest()}"


# While one request counts a snapshot that is due again, the others show the one before it for
# at most this long (a province's count takes a second or two; a failed one frees it then).
COUNTING_SECONDS = 60


def kept(
    key: str, *, minutes: int, count: Callable[[], T], fresh: bool
) -> tuple[T, datetime.datetime]:
    """What ``count()`` gave less than ``minutes`` ago under ``key`` and when it was counted,
    else ``count()`` now, kept for ``minutes``. ``fresh``: count again now. The value must
    pickle (plain data or rendered HTML).

    A value past its time is still kept for as long again: when it falls due, the first request
    counts and the others meanwhile show it (with its true time) instead of all counting at
    once, which on a province's page would load the database with the same second-long count
    twenty times over."""
    if minutes and not fresh:
        found = cache.get(key)
        if found is not None:
            value, counted_at = found
            due = timezone.now() - counted_at >= datetime.timedelta(minutes=minutes)
            if not due or not cache.add(f"{key}:counting", True, timeout=COUNTING_SECONDS):
                return value, counted_at
    counted_at = timezone.now()
    value = count()
    if minutes:
        cache.set(key, (value, counted_at), timeout=2 * minutes * 60)
        cache.delete(f"{key}:counting")
    return value, counted_at


def snapshot(key: str, *, minutes: int, render: Callable[[], str], fresh: bool) -> Snapshot:
    """The part rendered by ``render()`` as ``kept`` keeps it."""
    html, counted_at = kept(key, minutes=minutes, count=lambda: str(render()), fresh=fresh)
    # Rendered by this app from its own figures; escaped when it was rendered.
    return Snapshot(SafeString(html), counted_at, minutes)


def reader_key(user, name: str, parts: tuple) -> str:
    """The key of ``name`` for what the user may count (the figures are for county-wide
    readers: their role and place decide it) and ``parts``, what else the figures depend on."""
    reader = ("superuser",) if user.is_superuser else (user.role, user.county_id, user.region_id)
    return snapshot_key(name, reader, *parts)


def _for_reader(request, name: str, parts: tuple) -> tuple[str, bool]:
    """``reader_key`` and whether the request asks to count again now (``?fresh=1``)."""
    return reader_key(request.user, name, parts), request.GET.get("fresh") == "1"


def _fresh_query(request) -> str:
    """The page's query string asking to count again now."""
    query = request.GET.copy()
    query["fresh"] = "1"
    return query.urlencode()


def figures_snapshot(
    request, name: str, *, counties, parts: tuple, template: str, context: Callable[[], dict]
) -> Snapshot:
    """The figures part of a page (``template`` with ``context()``), as counted at most the
    counties' ``figures_refresh_minutes`` ago for this reader and ``parts``. The part's own
    links (pages, filters) never carry ``fresh``, or every reader who follows one would count
    again."""
    key, fresh = _for_reader(request, name, (tuple(county.pk for county in counties), *parts))
    shown = copy.copy(request)
    shown.GET = request.GET.copy()
    shown.GET.pop("fresh", None)
    part = snapshot(
        key,
        minutes=min(county.settings.figures_refresh_minutes for county in counties),
        render=lambda: render_to_string(template, context(), shown),
        fresh=fresh,
    )
    return replace(part, fresh_query=_fresh_query(request))


def figures_kept(
    request, name: str, *, minutes: int, parts: tuple, count: Callable[[], T]
) -> tuple[T, Snapshot]:
    """``count()`` (plain values) as counted at most ``minutes`` ago for this reader and
    ``parts``, with a ``Snapshot`` without HTML saying when."""
    key, fresh = _for_reader(request, name, parts)
    value, counted_at = kept(key, minutes=minutes, count=count, fresh=fresh)
    return value, Snapshot(SafeString(""), counted_at, minutes, _fresh_query(request))


# How long what is kept under its data's version stays in the cache unused. A change to the data
# gives it a new version, so a new key, at once: this only makes room.
VERSIONED_SECONDS = 3600


def kept_for_version(key: str, make: Callable[[], T]) -> T:
    """``make()`` kept in the cache under ``key``, which holds the version of everything it is
    made from (``schools.models.RegistryVersion``, whose every write makes a new one): what is
    kept is never out of date, so the page says no "counted at". The value must pickle."""
    found = cache.get(key)
    if found is None:
        found = make()
        cache.set(key, found, timeout=VERSIONED_SECONDS)
    return found


def versioned_part(
    request, name: str, *, version, parts: tuple, template: str, context: Callable[[], dict]
) -> SafeString:
    """``template`` rendered with ``context()`` for this reader, kept while ``version`` and
    ``parts`` stay as they are (``kept_for_version``)."""
    html = kept_for_version(
        reader_key(request.user, name, (version, *parts)),
        lambda: str(render_to_string(template, context(), request)),
    )
    # Rendered by this app from its own records; escaped when it was rendered.
    return SafeString(html)
