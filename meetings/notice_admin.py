"""Admin of the notices part: work notices with their files and recipients, calendar feeds and
the reminders' claim rows (read-only: they are what was sent, not something to edit)."""

from django.contrib import admin

from meetings.models import (
    CalendarFeed,
    Notice,
    NoticeFile,
    NoticeRecipient,
    NoticeReply,
    Reminder,
)


class NoticeFileInline(admin.TabularInline):
    model = NoticeFile
    extra = 0
    fields = ("original_name", "kind", "size", "file")
    readonly_fields = fields


class NoticeRecipientInline(admin.TabularInline):
    model = NoticeRecipient
    extra = 0
    fields = ("user", "read_at")
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "county", "sent_by", "sent_at", "reply_kind", "reply_due_on")
    list_filter = ("county", "reply_kind")
    search_fields = ("title", "body", "sent_by__display_name")
    list_select_related = ("county", "sent_by")
    raw_id_fields = ("sent_by",)
    date_hierarchy = "sent_at"
    inlines = [NoticeFileInline, NoticeRecipientInline]


@admin.register(NoticeReply)
class NoticeReplyAdmin(admin.ModelAdmin):
    list_display = ("recipient", "replied_at", "original_name")
    search_fields = ("text", "recipient__notice__title", "recipient__user__display_name")
    list_select_related = ("recipient__notice", "recipient__user")
    raw_id_fields = ("recipient",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who has a calendar address; the token itself is never stored, only its hash."""

    list_display = ("user", "created_at", "last_fetched_at")
    search_fields = ("user__username", "user__display_name")
    readonly_fields = ("user", "token_sha256", "created_at", "last_fetched_at")

    def has_add_permission(self, request):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("occasion", "user", "kind", "outcome", "claimed_at", "sent_at")
    list_filter = ("kind", "outcome")
    search_fields = ("occasion", "user__username", "user__display_name")
    list_select_related = ("user",)
    date_hierarchy = "claimed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
