from django.contrib import admin

from visits.models import (
    Visit,
    VisitAmendment,
    VisitEvent,
    VisitMatterNote,
    VisitPhoto,
    VisitProblem,
)


class MatterNoteInline(admin.TabularInline):
    model = VisitMatterNote
    extra = 0


class ProblemInline(admin.TabularInline):
    model = VisitProblem
    extra = 0
    raw_id_fields = ("rectification_item",)


class PhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0
    fields = ("original_name", "width", "height", "uploaded_by", "taken_at", "uploaded_at")
    readonly_fields = fields


class AmendmentInline(admin.TabularInline):
    model = VisitAmendment
    extra = 0
    readonly_fields = ("author", "at", "text")
    can_delete = False


class EventInline(admin.TabularInline):
    model = VisitEvent
    extra = 0
    readonly_fields = ("actor", "at", "action")
    can_delete = False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = (
        "school",
        "arrived_at",
        "inspector",
        "kind",
        "status",
        "check_in_status",
        "read_at",
    )
    list_filter = ("status", "kind", "check_in_status", "school__county", "school__township")
    search_fields = ("school__name", "school__code", "inspector__name")
    date_hierarchy = "arrived_at"
    list_select_related = ("school", "inspector")
    # Ids, not selects: a county may have hundreds of inspectors (no select sends 200+ options).
    raw_id_fields = (
        "school",
        "inspector",
        "co_inspectors",
        "created_by",
        "submitted_by",
        "read_by",
        "replied_by",
    )
    readonly_fields = (
        "county",  # follows the school (Visit.save)
        "created_at",
        "updated_at",
        "submitted_at",
        "reminded_at",
        # Given on submission, in order: never typed.
        "record_county",
        "record_year",
        "record_serial",
        "record_number",
    )
    inlines = [MatterNoteInline, ProblemInline, PhotoInline, AmendmentInline, EventInline]


@admin.register(VisitAmendment)
class VisitAmendmentAdmin(admin.ModelAdmin):
    list_display = ("visit", "author", "at")
    search_fields = ("visit__school__name", "text")
    raw_id_fields = ("visit", "author")
