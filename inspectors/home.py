"""The office's home card of logins still to hand out (registered in ``InspectorsConfig``)."""

from accounts.models import User
from accounts.scoping import CHANGE
from accounts.services import inspectors_without_login, schools_without_login
from inspectors.models import Inspector
from schools.models import School


def logins_card(user) -> dict:
    users = User.objects.for_user(user, CHANGE).filter(is_superuser=False)
    return {
        "inspectors_without_login": inspectors_without_login(
            Inspector.objects.for_user(user, CHANGE)
        ).count(),
        "schools_without_login": schools_without_login(
            School.objects.for_user(user, CHANGE)
        ).count(),
        "pending_logins": users.filter(is_active=True, must_change_password=True).count(),
    }
