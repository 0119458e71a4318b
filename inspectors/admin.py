from django import forms
from django.contrib import admin

from dudao.imaging import PhotoField
from inspectors.models import Assignment, Inspector, Plaque, PlaquePosting, PlaquePrint
from schools.forms import cleaned_like_the_import
from schools.importing import cells


class InspectorAdminForm(forms.ModelForm):
    class Meta:
        field_classes = {"photo": PhotoField}  # re-encoded, as the office's form does

    def clean_phone(self):
        """Stored as its 11 digits, like the office's form and the import."""
        return cleaned_like_the_import(cells.mobile_key, self.cleaned_data["phone"])


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ("school",)
    fields = ("school", "started_on", "ended_on", "note")


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    form = InspectorAdminForm
    list_display = (
        "name",
        "kind",
        "status",
        "phone",
        "certificate_no",
        "zone",
        "term_ends_on",
        "county",
    )
    search_fields = ("name", "phone", "certificate_no", "employer")
    list_filter = ("kind", "status", "county", "zone")
    list_select_related = ("county", "zone")
    raw_id_fields = ("employer_school", "zone")
    filter_horizontal = ("themes",)
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("inspector", "school", "started_on", "ended_on", "note")
    search_fields = ("inspector__name", "inspector__phone", "school__name", "school__code")
    list_filter = (
        ("ended_on", admin.EmptyFieldListFilter),
        "school__county",
        "inspector__kind",
    )
    list_select_related = ("inspector", "school")
    raw_id_fields = ("inspector", "school")
    date_hierarchy = "started_on"


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlaquePrintInline(ReadOnlyInline):
    model = PlaquePrint
    fields = ("printed_at", "printed_by")
    readonly_fields = fields


class PlaquePostingInline(ReadOnlyInline):
    model = PlaquePosting
    fields = ("posted_on", "printed", "recorded_by", "recorded_at", "note")
    readonly_fields = fields


@admin.register(Plaque)
class PlaqueAdmin(admin.ModelAdmin):
    """Read here; issued, printed and posted on the site (the number and address never change)."""

    list_display = ("number", "school", "public_url", "created_at")
    search_fields = ("number", "school__name", "slug")
    list_filter = ("county", "year")
    list_select_related = ("school",)
    fields = ("county", "school", "number", "public_url", "created_at")
    readonly_fields = fields
    inlines = [PlaquePrintInline, PlaquePostingInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
