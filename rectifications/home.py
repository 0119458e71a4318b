"""The home-page cards of the rectification loop (registered in this app's AppConfig.ready)."""

from django.db.models import Count, Q
from django.utils import timezone

from rectifications.models import (
    SCHOOL_MOVE_STATES,
    UNRESOLVED_STATES,
    OwnerLevel,
    RectificationItem,
    RectificationNotice,
    RectificationState,
)


def item_counts(user) -> dict:
    """Inspector and office cards: items to verify, unresolved, overdue, escalated ones."""
    today = timezone.localdate()
    return RectificationItem.objects.for_user(user).aggregate(
        rect_todo=Count("pk", filter=Q(state__in=SCHOOL_MOVE_STATES)),
        rect_unresolved=Count("pk", filter=Q(state__in=UNRESOLVED_STATES)),
        rect_overdue=Count("pk", filter=Q(state__in=SCHOOL_MOVE_STATES, deadline__lt=today)),
        rect_awaiting=Count("pk", filter=Q(state=RectificationState.AWAITING_VERIFICATION)),
        rect_escalated=Count(
            "pk", filter=Q(state__in=UNRESOLVED_STATES) & ~Q(owner_level=OwnerLevel.SCHOOL)
        ),
    )


def school_card(user) -> dict:
    """Principal: what the school still has to fix, what is overdue, notices to sign."""
    notices = RectificationNotice.objects.for_user(user).filter(acknowledged_at__isnull=True)
    return {**item_counts(user), "rect_notices_to_sign": notices.count()}
