from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logins, roles and the one place that scopes data to a user.

    A separate app because a login spans every other app: office staff and committee members are
    neither schools nor inspectors, and the custom user model must exist from the first migration.
    """

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from dudao.choices import install_choice_display

        install_choice_display()
