"""The username and password login."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's login by username and password; the user of each request is read together with
    their county and its settings, which nearly every page shows (the county's name in the
    navigation bar) or consults (duties, deadlines): one query instead of three."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("county__settings")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
