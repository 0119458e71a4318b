from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Schools")

    def ready(self):
        from accounts.home import HomeCard, register
        from accounts.models import Role
        from schools.home import coverage_card

        register(
            HomeCard(
                "schools/home/coverage.html",
                frozenset({Role.OFFICE, Role.COMMITTEE}),
                coverage_card,
                80,
            )
        )
