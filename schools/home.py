"""The registry's card on the home page: how far the county is from full coverage."""

from django.utils import timezone

from schools.services import coverage_report


def coverage_card(user) -> dict:
    if user.county_id is None:  # a superuser picks a county on the coverage page itself
        return {"coverage": None}
    # The card shows only the counts.
    report = coverage_report(user=user, county=user.county, today=timezone.localdate(), limit=0)
    return {"coverage": report}
