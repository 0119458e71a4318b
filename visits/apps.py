from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        from accounts.home import HomeCard, register
        from accounts.models import Role
        from visits import home

        register(
            HomeCard("visits/home/month.html", frozenset({Role.INSPECTOR}), home.month_card, 10),
            HomeCard(
                "visits/home/feedback.html", frozenset({Role.PRINCIPAL}), home.feedback_card, 20
            ),
            HomeCard(
                "visits/home/due.html", frozenset({Role.OFFICE, Role.COMMITTEE}), home.due_card, 30
            ),
        )
