"""Login lockout: a username tried from one client IP is refused for a while after repeated
failures (django-axes, counting in the database).

Only the username + IP pair is locked, never the account: anyone can type a principal's
username, and locking the account would let them keep every principal out. An unknown username
is counted and locked exactly like a known one, so the answers tell nothing about who exists.
The office lifts the lock of its county's accounts on the account page (``services.unlock_login``).
"""

import datetime

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked username + IP pair before any password is checked.

    Every login form passes the request; code calling ``authenticate()`` without one (the
    shell, Django's test client ``login()``) has no client to count and is let through to the
    next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return gettext(
        "Too many failed logins. Try again in %(minutes)d minutes, or ask the supervision "
        "office to unlock your login."
    ) % {"minutes": minutes}


def lockout_response(request, original_response, credentials):
    """The login page as the form rendered it (with ``lockout_message``), answered 429.

    Called by axes' middleware for the request that reached the limit and every one refused
    while locked."""
    if original_response is None:
        return HttpResponse(lockout_message(), status=429)
    original_response.status_code = 429
    return original_response


def active_lock(username: str) -> datetime.datetime | None:
    """When the lock of ``username`` lifts by itself (the latest of its client IPs), or None."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
        .first()
    )
    return locked["last"] + settings.AXES_COOLOFF_TIME if locked else None
