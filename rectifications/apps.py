from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationsConfig(AppConfig):
    """Rectification items (整改) and their closed loop.

    An app of its own because an item outlives and outgrows its source: it comes from a visit,
    a public complaint, a special supervision or a meeting decision, and has its own life cycle,
    board, notices and reminders that belong to none of those.
    """

    name = "rectifications"
    verbose_name = _("Rectifications")

    def ready(self):
        from accounts.home import HomeCard, register
        from accounts.models import Role
        from rectifications import home

        register(
            HomeCard(
                "rectifications/home/school.html",
                frozenset({Role.PRINCIPAL}),
                home.school_card,
                40,
            ),
            HomeCard(
                "rectifications/home/inspector.html",
                frozenset({Role.INSPECTOR}),
                home.item_counts,
                50,
            ),
            HomeCard(
                "rectifications/home/office.html",
                frozenset({Role.OFFICE, Role.COMMITTEE}),
                home.item_counts,
                60,
            ),
        )
