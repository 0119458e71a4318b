from django.contrib import admin

from rectifications.models import (
    RectificationEvent,
    RectificationEvidence,
    RectificationItem,
    RectificationNotice,
)


class NeverDelete:
    """Rectification records are an archive: nothing is ever deleted, not even in the admin."""

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(NeverDelete, admin.TabularInline):
    model = RectificationEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RectificationItem)
class RectificationItemAdmin(NeverDelete, admin.ModelAdmin):
    list_display = ["pk", "school", "matter", "severity", "state", "owner_level", "deadline"]
    list_filter = ["state", "severity", "owner_level", "source", "school__county"]
    search_fields = ["description", "school__name", "source_note"]
    list_select_related = ["school", "matter"]
    raw_id_fields = ["school", "matter", "responsible_inspector", "visit", "created_by"]
    # States change only through the item's steps, which keep the history.
    readonly_fields = ["state", "reported_done_at", "closed_at", "followed_up_at", "created_at"]
    inlines = [EventInline]


@admin.register(RectificationEvent)
class RectificationEventAdmin(NeverDelete, admin.ModelAdmin):
    list_display = ["item", "at", "actor", "action", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["comment", "item__description"]
    raw_id_fields = ["item", "actor"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RectificationEvidence)
class RectificationEvidenceAdmin(NeverDelete, admin.ModelAdmin):
    list_display = ["pk", "event", "width", "height"]
    search_fields = ["event__item__school__name", "event__item__description"]
    raw_id_fields = ["event"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(NeverDelete, admin.ModelAdmin):
    list_display = ["number", "school", "issued_at", "acknowledged_at"]
    list_filter = ["county", "year"]
    search_fields = ["number", "school__name"]
    raw_id_fields = ["school", "inspector", "issued_by", "acknowledged_by", "items"]
    readonly_fields = ["county", "year", "serial", "number"]
