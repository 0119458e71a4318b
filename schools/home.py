"""The registry's card on the home page: how far the county is from full coverage."""

from django.utils import timezone

from dudao.snapshots import kept_for_version, reader_key
from schools.models import RegistryVersion
from schools.services import coverage_report


def coverage_card(user) -> dict:
    if user.county_id is None:  # a superuser picks a county on the coverage page itself
        return {"coverage": None}
    county, today = user.county, timezone.localdate()
    # The card shows only the counts, worked out from the registry and the date alone.
    version = RegistryVersion.objects.current(county)
    report = kept_for_version(
        reader_key(user, "coverage-card", (version, today)),
        lambda: coverage_report(user=user, county=county, today=today, limit=0),
    )
    return {"coverage": report}
