from django.contrib import admin

from rectifications.models import (
    RectificationEvent,
    RectificationEvidence,
    RectificationItem,
    RectificationNotice,
)


class ReadOnly:
    """Rectification records are an archive, changed only through the item's steps (which keep the
    history) and the notice service (which numbers): the admin views and searches, never adds,
    edits or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArchiveAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ArchiveInline(ReadOnly):
    extra = 0
    can_delete = False


class EventInline(ArchiveInline, admin.TabularInline):
    model = RectificationEvent
    fields = ["at", "actor", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields


@admin.register(RectificationItem)
class RectificationItemAdmin(ArchiveAdmin):
    list_display = ["pk", "school", "matter", "severity", "state", "owner_level", "deadline"]
    list_filter = ["state", "severity", "owner_level", "source", "county"]
    search_fields = ["description", "school__name", "source_note"]
    list_select_related = ["school", "matter"]
    raw_id_fields = ["school", "matter", "responsible_inspector", "visit", "created_by"]
    inlines = [EventInline]


@admin.register(RectificationEvent)
class RectificationEventAdmin(ArchiveAdmin):
    list_display = ["item", "at", "actor", "action", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["comment", "item__description"]
    raw_id_fields = ["item", "actor"]


@admin.register(RectificationEvidence)
class RectificationEvidenceAdmin(ArchiveAdmin):
    list_display = ["pk", "event", "width", "height"]
    search_fields = ["event__item__school__name", "event__item__description"]
    raw_id_fields = ["event"]


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(ArchiveAdmin):
    list_display = ["number", "school", "issued_at", "acknowledged_at"]
    list_filter = ["county", "year"]
    search_fields = ["number", "school__name"]
    raw_id_fields = ["school", "inspector", "issued_by", "acknowledged_by"]
