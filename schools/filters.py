"""County first in the filters of a list that a user of several counties reads; a list's
filter bar and rows kept under the registry version of the counties its reader reads.

A province has hundreds of townships and, each county keeping its own list, hundreds of
supervision matters: one select of them all is too long to use or to send. A region user (or a
superuser) therefore picks a county first, by its division code as on the other county pages
(``?county=630122``); the selects of a county's own rows then list that county's only, and until
one is chosen they hold a single choice that says so. A county user sees no county select.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dudao.snapshots import versioned_part
from schools.models import County, RegistryVersion


def reads_several_counties(user) -> bool:
    """A region user, or a superuser without a county of their own."""
    return not user.county_id and (user.is_region or user.is_superuser)


def counties_of(user):
    """The counties whose records ``user`` reads side by side: a region's, or all of them for a
    superuser."""
    if user.is_region:
        return County.objects.filter(region_id=user.region_id)
    return County.objects.all()


def registry_version_read_by(user):
    """The registry version of the counties ``user`` reads: the county's own, or each of the
    counties of a user of several counties."""
    if reads_several_counties(user):
        versions = RegistryVersion.objects.filter(county__in=counties_of(user))
        return tuple(versions.order_by("county").values_list("county", "token"))
    return RegistryVersion.objects.current(user.county_id)


def reader_scope(user) -> tuple:
    """What decides which registry rows ``user`` reads: themselves, their role and place, and
    the school or inspector their login is tied to."""
    return (
        user.pk,
        user.role,
        user.is_superuser,
        user.county_id,
        user.region_id,
        user.school_id,
        user.inspector_id,
    )


def registry_rows_part(request, name: str, *, template: str, context, parts: tuple = ()):
    """A list's rows and pages (``template`` with ``context()``), worked out from the registry
    and today's date alone, kept for the reader and the query (filters, page) under the
    registry version of the counties they read (``dudao.snapshots.versioned_part``).
    ``parts``: what else the rows depend on."""
    user = request.user
    return versioned_part(
        request,
        name,
        version=registry_version_read_by(user),
        parts=(reader_scope(user), timezone.localdate(), sorted(request.GET.lists()), *parts),
        template=template,
        context=context,
    )


def keep_filter_bar(form, user, *parts) -> None:
    """Keep ``form``'s filter bar (a ``dudao.layout.FilterHelper``) rendered for ``user`` under
    the registry version of their counties: its selects list only registry rows (townships,
    zones, matters, counties) that the user's own fields (role, place, school, inspector) scope,
    so the bar of one query changes only when one of those does. ``parts``: what else the
    form's choices depend on. A county's townships and matters were read and written out on
    every visit of the visit list and the board."""
    form.helper.kept_for = lambda: (reader_scope(user), registry_version_read_by(user), *parts)


class CountyFirstFilterForm(forms.Form):
    """A filter form whose ``county`` field comes before the per-county selects.

    Subclasses set each per-county select's queryset through ``per_county`` and filter by
    ``cleaned_data["county"]`` (None: every county the user reads)."""

    county = forms.ModelChoiceField(
        label=capfirst(_("county")),
        queryset=County.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Any county"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.several_counties = reads_several_counties(user)
        if self.several_counties:
            self.fields["county"].queryset = counties_of(user)
            self.chosen_county = self._county_asked_for()
        else:
            del self.fields["county"]
            self.chosen_county = None

    def _county_asked_for(self):
        """The county the bound data names, if it is one the user reads (the form's own
        validation reports any other)."""
        field = self.fields["county"]
        value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix("county"))
        try:
            return field.clean(value) if self.is_bound else None
        except ValidationError:
            return None

    def per_county(self, name: str, queryset):
        """Give select ``name`` the rows of ``queryset`` (already scoped to the user) that belong
        to the chosen county; none, with a hint, while a user of several counties has not
        chosen one."""
        field = self.fields[name]
        if self.chosen_county is not None:
            queryset = queryset.filter(county=self.chosen_county)
        elif self.several_counties:
            queryset = queryset.none()
            field.empty_label = _("Choose a county first")
        field.queryset = queryset
