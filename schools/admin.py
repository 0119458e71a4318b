from django.contrib import admin
from django.db import models

from schools.models import (
    County,
    CountySettings,
    Department,
    PrincipalTenure,
    Region,
    RegistryVersion,
    School,
    SupervisionMatter,
    Township,
    Zone,
)


class CountySettingsInline(admin.StackedInline):
    model = CountySettings
    can_delete = False


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "city", "province", "complaint_phone")
    search_fields = ("code", "name", "city", "province")
    list_filter = ("province", "region")
    inlines = [CountySettingsInline]
    # As the office's own form does (complaints.forms): an address typed without a scheme is
    # https, and Django 6's default is settled now (no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(RegistryVersion)
class RegistryVersionAdmin(admin.ModelAdmin):
    """Read only: a version changes with every write to the county's registry, and a version
    taken away could bring back what was kept under the county's first one."""

    list_display = ("county", "token")
    search_fields = ("county__name", "county__code")
    list_select_related = ("county",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Cities and provinces; a county joins one on its own page (``County.region``)."""

    list_display = ("code", "name", "kind")
    search_fields = ("code", "name")
    list_filter = ("kind",)


@admin.register(CountySettings)
class CountySettingsAdmin(admin.ModelAdmin):
    list_display = (
        "county",
        "monthly_visit_duty",
        "school_load_per_inspector",
        "min_inspectors_per_central_school",
        "rotation_years",
        "term_warning_days",
        "inspectors_see_county",
    )
    search_fields = ("county__name", "county__code")
    list_filter = ("inspectors_see_county",)
    list_select_related = ("county",)


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "county")
    search_fields = ("name", "county__name")
    list_filter = ("kind", "county")
    list_select_related = ("county",)


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "township", "county")
    search_fields = ("name", "township__name", "county__name")
    list_filter = ("county",)
    list_select_related = ("county", "township")
    raw_id_fields = ("township",)


class PrincipalTenureInline(admin.TabularInline):
    model = PrincipalTenure
    extra = 0
    raw_id_fields = ("user",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "kind",
        "township",
        "is_central",
        "is_boarding",
        "is_public",
        "is_active",
        "county",
    )
    search_fields = ("name", "code", "principal_name", "address")
    list_filter = ("kind", "is_central", "is_boarding", "is_public", "is_active", "county")
    list_select_related = ("county", "township")
    raw_id_fields = ("township", "zone", "central_school")
    inlines = [PrincipalTenureInline]


@admin.register(PrincipalTenure)
class PrincipalTenureAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "started_on", "ended_on", "user")
    search_fields = ("name", "school__name", "school__code", "user__username")
    list_filter = ("school__county", ("ended_on", admin.EmptyFieldListFilter))
    list_select_related = ("school", "user")
    raw_id_fields = ("school", "user")
    date_hierarchy = "started_on"


@admin.register(SupervisionMatter)
class SupervisionMatterAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "county", "is_active")
    search_fields = ("name", "county__name")
    list_filter = ("is_active", "county")
    list_select_related = ("county",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_name", "contact_phone", "county", "is_active")
    search_fields = ("name", "contact_name", "county__name")
    list_filter = ("is_active", "county")
    list_select_related = ("county",)
