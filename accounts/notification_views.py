"""The in-app notifications: a user's own list, opening one (marks it read), marking all read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Notification
from dudao.pagination import paginate


@login_required
def notification_list(request):
    notifications = Notification.objects.for_user(request.user)
    page = paginate(request, notifications)
    return render(request, "accounts/notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read and go where it points (only ever a page of this site)."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    return redirect("notifications:list")
