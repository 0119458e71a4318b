"""The user's calendar feed: the page in their account area (make, reset or stop the secret
address) and the feed itself, which a phone fetches without a login.

It lives in ``meetings`` rather than ``accounts`` because a feed reads meetings, rectification
items and notices, and imports go one way (accounts never imports meetings); the account menu
only links to the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import absolute_url
from meetings import ical
from meetings.models import CalendarFeed

# The new address is handed from the POST to the page it redirects to, once, then forgotten.
NEW_ADDRESS_KEY = "calendar_feed_new_address"


@login_required
def calendar_page(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = request.session.pop(NEW_ADDRESS_KEY, "") if feed else ""
    return render(
        request,
        "meetings/notices/calendar.html",
        {
            "feed": feed,
            "address": address,
            "webcal": address.replace("https://", "webcal://").replace("http://", "webcal://"),
        },
    )


@login_required
@require_POST
def calendar_reset(request):
    """Make a new secret address; the old one, if any, stops working at once."""
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    token = ical.new_feed_token(request.user)
    request.session[NEW_ADDRESS_KEY] = absolute_url(ical.feed_path(token))
    if had_one:
        messages.success(request, _("A new address was made; the old one no longer works."))
    return redirect("meetings:calendar")


@login_required
@require_POST
def calendar_stop(request):
    if ical.stop_feed(request.user):
        messages.success(request, _("The calendar address no longer works."))
    return redirect("meetings:calendar")


@require_GET
@never_cache
def calendar_feed(request, token: str):
    """The .ics of the user whose token this is; 404 for any other token or an inactive user."""
    feed = ical.feed_for_token(token)
    if feed is None:
        raise Http404
    now = timezone.now()
    ical.note_fetch(feed, now)
    user = feed.user
    with user.own_language():
        content = ical.build_feed(user, now=now)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dudao.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
