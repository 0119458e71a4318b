"""Role scoping: the single place that decides which rows a user may see or change.

Every model a user can reach has a QuerySet derived from ``ScopedQuerySet`` and every view reads
through ``Model.objects.for_user(user, action)``. Rows outside the scope simply do not exist for
that user, so object views answer 404.

Users see only their county, or, for a region user (a city or province), their region's
counties, read-only: ``for_user`` has one branch for them, which refuses every change and reads
each county of the region as a committee member reads theirs (``User.is_county_reader``).
"""

from django.db import models

VIEW = "view"
CHANGE = "change"


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see.

    Subclasses name the lookup from the model to its county in ``county_lookup`` and refine the
    county-wide set per role in ``scope_for_role``.
    """

    county_lookup = "county"

    def for_user(self, user, action: str = VIEW):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_region:
            if action != VIEW or user.region_id is None:
                return self.none()
            in_region = self.filter(**{f"{self.county_lookup}__region": user.region_id})
            return in_region.scope_for_role(user, VIEW)
        if user.county_id is None:
            return self.none()
        in_county = self.filter(**{self.county_lookup: user.county_id})
        return in_county.scope_for_role(user, action)

    def scope_for_role(self, user, action: str):
        """Default: the office sees and changes its county; the committee (and a region user)
        only sees it."""
        if user.is_office:
            return self
        if user.is_county_reader and action == VIEW:
            return self
        return self.none()
