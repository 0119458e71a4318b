"""Admin: submissions are read here, handled on the site (where views of personal data are
recorded); announcements may be edited."""

from django.contrib import admin

from complaints.models import (
    Announcement,
    OverdueReminder,
    PersonalDataView,
    Submission,
    SubmissionEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    fields = ("at", "action", "actor", "inspector", "department", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OverdueReminderInline(admin.TabularInline):
    model = OverdueReminder
    extra = 0
    fields = ("claimed_at", "inspector", "due_on")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    # The complainant's name, phone, words and photo stay out of the admin: see them on the
    # site, where each view is recorded.
    list_display = ("pk", "school", "channel", "category", "state", "due_on", "assigned_inspector")
    list_filter = ("state", "channel", "category", "school__county")
    search_fields = ("school__name",)
    fields = (
        "school",
        "channel",
        "category",
        "matter",
        "state",
        "assigned_inspector",
        "received_at",
        "due_on",
        "verified_summary",
        "public_reply",
        "answered_at",
        "rectification_item",
        "department",
    )
    inlines = [EventInline, OverdueReminderInline]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "submission", "purpose")
    list_filter = ("purpose",)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "county", "published_on", "is_published")
    list_filter = ("county", "is_published")
    search_fields = ("title",)
    raw_id_fields = ("created_by",)
