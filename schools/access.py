"""Which county a county-wide registry page is about, and who may edit the registry.

Whole-page role checks live in ``accounts.access``; rows are scoped by ``accounts.scoping``.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.access import OFFICE, has_role
from schools.models import County


def may_change(user) -> bool:
    """Whether the user edits the registry (the office, and superusers)."""
    return has_role(user, OFFICE)


def _pickable(user):
    counties = County.objects.select_related("settings")
    if user.is_region:
        return counties.filter(region_id=user.region_id)
    return counties


def county_for(request) -> County:
    """The county a county-wide page shows: the user's own; a superuser or a region user picks
    one (of the region's) with ?county=."""
    user = request.user
    if user.county_id:
        if not user._meta.get_field("county").is_cached(user):
            # County pages read the county's settings too: one query for both.
            user.county = County.objects.select_related("settings").get(pk=user.county_id)
        return user.county
    counties = _pickable(request.user)
    code = request.GET.get("county")
    if code:
        return get_object_or_404(counties, code=code)
    county = counties.first()
    if county is None:
        raise PermissionDenied
    return county


def county_choices(request) -> list[County]:
    """Counties a superuser or a region user may switch between on county-wide pages; none for
    everyone else."""
    return [] if request.user.county_id else list(_pickable(request.user))
