from django.contrib import admin

from reports.models import AssessmentAdjustment, Commendation, ExportJob, MonthlyReport


class ReadOnly:
    """Issued reports, export jobs and assessment adjustments are records of what happened:
    the admin views and searches them, never adds or edits (a correction is a new version or a
    new adjustment, made on the report pages)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["county", "period_start", "period_end", "version", "state", "finished_at"]
    list_filter = ["state", "county"]
    search_fields = ["county__name", "county__code"]
    list_select_related = ["county"]
    date_hierarchy = "period_start"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["filename", "kind", "rows", "requested_by", "state", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["filename", "requested_by__username", "requested_by__display_name"]
    list_select_related = ["requested_by"]


@admin.register(AssessmentAdjustment)
class AssessmentAdjustmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["inspector", "year", "points", "created_by", "created_at"]
    list_filter = ["year", "county"]
    search_fields = ["inspector__name", "reason"]
    list_select_related = ["inspector", "created_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ["inspector", "year", "county", "created_by", "created_at"]
    list_filter = ["year", "county"]
    search_fields = ["inspector__name", "note"]
    list_select_related = ["inspector", "county", "created_by"]
    raw_id_fields = ["inspector", "created_by"]
