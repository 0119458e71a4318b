from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectorsConfig(AppConfig):
    name = "inspectors"
    verbose_name = _("Inspectors")

    def ready(self):
        from accounts.home import HomeCard, register
        from accounts.models import Role
        from inspectors.home import logins_card

        register(HomeCard("accounts/home/logins.html", frozenset({Role.OFFICE}), logins_card, 100))
