from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification, PendingTask, SweepRecord, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "county", "region", "school", "is_active")
    list_filter = (
        "role",
        "county",
        "region",
        "is_active",
        "must_change_password",
        "is_superuser",
    )
    search_fields = ("username", "display_name", "phone", "school__name", "inspector__name")
    list_select_related = ("county", "school")
    raw_id_fields = ("school", "inspector")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("County and role"),
            {
                "fields": (
                    "county",
                    "region",
                    "role",
                    "school",
                    "inspector",
                    "display_name",
                    "phone",
                    "must_change_password",
                )
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("County and role"), {"fields": ("county", "region", "role", "school", "inspector")}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = ["read_at", "created_at"]
    search_fields = ["title", "body", "user__username", "user__display_name", "dedupe_key"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    """The outbox, read-only: what waits for the worker, what ran, and what gave up."""

    list_display = ("task_name", "args", "created_at", "done_at", "attempts")
    search_fields = ("task_name", "last_error")
    list_filter = ("task_name",)
    readonly_fields = [field.name for field in PendingTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SweepRecord)
class SweepRecordAdmin(admin.ModelAdmin):
    """When each periodic sweep last ran, read-only."""

    list_display = ("name", "last_run_at", "every")
    search_fields = ("name",)
    readonly_fields = ("name", "last_run_at", "every")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
