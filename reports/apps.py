from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports: see the package docstring for why this is an app."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts.home import HomeCard, register
        from accounts.models import Role
        from reports.home import figures_card

        register(
            HomeCard(
                "reports/home/figures.html",
                frozenset({Role.OFFICE, Role.COMMITTEE, Role.REGION}),
                figures_card,
                110,
            )
        )
