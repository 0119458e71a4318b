from django.utils.functional import SimpleLazyObject

from accounts.models import Notification
from accounts.navigation import menu_html


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": ""}
    return {
        "nav_menu": SimpleLazyObject(lambda: menu_html(user, request.path)),
        # Lazy: one COUNT on the (user, read_at) index, only when the navbar shows it.
        "unread_notification_count": SimpleLazyObject(
            lambda: Notification.objects.for_user(user).unread().count()
        ),
    }
