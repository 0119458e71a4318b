from django.contrib import admin

from meetings.models import (
    CommitteeMember,
    Decision,
    Invitee,
    Meeting,
    MeetingFile,
    MeetingSeries,
    SignIn,
)


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "organisation", "term_starts_on", "term_ends_on", "county")
    search_fields = ("name", "organisation", "user__username")
    list_filter = ("role", "county")
    list_select_related = ("county", "user")
    raw_id_fields = ("user",)


# The notices part (work notices, calendar feeds, reminders) keeps its admin apart.
from meetings import notice_admin  # noqa: E402, F401


class InviteeInline(admin.TabularInline):
    model = Invitee
    extra = 0
    raw_id_fields = ("user",)
    fields = ("name", "organisation", "phone", "user", "group", "response", "attendance")


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    raw_id_fields = ("item", "township", "department", "owner_user")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "place", "status", "county")
    search_fields = ("title", "place")
    list_filter = ("kind", "status", "county")
    list_select_related = ("county",)
    date_hierarchy = "starts_at"
    raw_id_fields = ("series", "created_by", "minutes_filed_by")
    inlines = [InviteeInline, DecisionInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "week_of_month", "weekday", "start_time", "county")
    search_fields = ("title", "place")
    list_filter = ("kind", "county")
    raw_id_fields = ("created_by",)


@admin.register(MeetingFile)
class MeetingFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "size", "meeting", "uploaded_at")
    search_fields = ("original_name", "meeting__title")
    raw_id_fields = ("meeting", "uploaded_by")


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    """QR sign-ins are the invitees' own record: read here, never edited."""

    list_display = ("invitee", "at")
    search_fields = ("invitee__name", "invitee__meeting__title")
    list_select_related = ("invitee",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
