"""The home-page cards of the visits feature (registered in this app's AppConfig.ready)."""

from schools.models import School
from visits.models import Visit
from visits.services import (
    due_schools_queryset,
    inspector_month,
    month_duty,
    today_in_shanghai,
)


def month_card(user) -> dict:
    """Inspector: how many of their schools still need this month's visit."""
    if not (user.is_inspector and user.inspector_id):
        return {"visits_due_count": 0, "visits_duty": None}
    duty, rows = inspector_month(user, today=today_in_shanghai())
    return {"visits_due_count": sum(row.is_due for row in rows), "visits_duty": duty}


def feedback_card(user) -> dict:
    """Principal: submitted visits to their school not read yet."""
    unread = Visit.objects.for_user(user).submitted().filter(read_at__isnull=True)
    return {"visits_unread_count": unread.count()}


def due_card(user) -> dict:
    """Office and committee: schools behind on this month's duty, visits this month."""
    today = today_in_shanghai()
    county_settings = user.county.settings if user.county_id else None
    due = due_schools_queryset(
        School.objects.for_user(user),
        year=today.year,
        month=today.month,
        county_settings=county_settings,
    )
    duty = (
        month_duty(county_settings, year=today.year, month=today.month) if county_settings else None
    )
    return {
        "visits_school_due_count": due.count(),
        "visits_month_count": Visit.objects.for_user(user)
        .submitted()
        .in_month(today.year, today.month)
        .count(),
        "visits_duty": duty,
    }
