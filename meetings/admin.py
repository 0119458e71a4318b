from django.contrib import admin

from meetings.models import CommitteeMember


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "organisation", "term_starts_on", "term_ends_on", "county")
    search_fields = ("name", "organisation", "user__username")
    list_filter = ("role", "county")
    list_select_related = ("county", "user")
    raw_id_fields = ("user",)

# The notices part (work notices, calendar feeds, reminders) keeps its admin apart.
from meetings import notice_admin  # noqa: E402, F401
