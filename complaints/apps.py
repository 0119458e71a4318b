"""Public supervision: an app of its own because it holds the only pages open without a login
and links complaints to the rectification items they become (it sits above ``rectifications``)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Public supervision")

    def ready(self):
        from accounts.home import HomeCard, register
        from accounts.models import Role
        from complaints.home import to_answer

        register(
            HomeCard("complaints/home/to_answer.html", frozenset({Role.INSPECTOR}), to_answer, 70)
        )
