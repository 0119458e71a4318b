from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "county", "school", "is_active")
    list_filter = ("role", "county", "is_active", "must_change_password", "is_superuser")
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
        (_("County and role"), {"fields": ("county", "role", "school", "inspector")}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = ["read_at", "created_at"]
    search_fields = ["title", "body", "user__username", "user__display_name", "dedupe_key"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
