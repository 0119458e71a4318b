"""The home-page card of public supervision (registered in this app's AppConfig.ready)."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.scoping import CHANGE
from complaints.models import OPEN_STATES, Submission


def to_answer(user) -> dict:
    """Submissions waiting for the user's answer (the office: all of the county's)."""
    today = timezone.localdate()
    return Submission.objects.for_user(user, CHANGE).aggregate(
        complaints_open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        complaints_overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
    )
