"""The pages open without a login: a school's page (opened from its plaque's QR code) with the
form to send a complaint, the tracking page, the county's public page, and inspector thumbnails.

Nothing else is reachable from here: no list of submissions, no submission by id, no inspector
beyond a school's plaque. Every response sends ``Referrer-Policy: no-referrer``; the pages use
their own small stylesheet and system fonts, and work without JavaScript.
"""

from functools import wraps

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from complaints import services
from complaints.forms import PublicSubmissionForm, SchoolSearchForm, TrackForm
from complaints.models import Announcement, Channel
from dudao.client_ip import client_ip
from dudao.imaging import decode, jpeg_bytes
from dudao.ratelimit import allow, client_key
from inspectors.models import Assignment, Inspector, InspectorStatus, Plaque
from inspectors.plaques import current_assignments, plaque_content, readable_phone
from schools.models import County, School, Zone

HOUR = 3600
DAY = 24 * HOUR
THUMBNAIL_SIDE = 160
SEARCH_RESULTS = 20


def public_page(view):
    """No Referer leaves a public page (the school's address must not travel to other sites),
    and what a POST answered (a tracking code) is never cached.

    Without a Referer a browser sends ``Origin: null`` with the page's own forms, which Django's
    CSRF check refuses; these views act for nobody (no session, no login is read), so there is
    no one a forged request could act as, and they are exempt. Abuse is met by the rate limits
    and the honeypot instead, and a POST the browser marks as sent from another site's page
    (``is_cross_site``) is refused before it counts against anyone's limit.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        if request.method == "POST":
            response["Cache-Control"] = "no-store"
        return response

    return wrapped


def _plaque(slug: str) -> Plaque:
    return get_object_or_404(
        Plaque.objects.select_related("school__county__settings", "school__township"),
        slug=slug,
        school__is_active=True,
    )


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def school_page(request, slug: str):
    """The school, its inspectors as on the plaque, the supervision matters, and the form.

    The page is never stored: going Back to it fetches a fresh form token, and a form token
    re-sent anyway stores a new submission unless the content is the same (``receive``).
    """
    plaque = _plaque(slug)
    school = plaque.school
    files = request.FILES or None
    status, turned_away = 200, ""
    if request.method == "POST":
        if is_cross_site(request):
            status, turned_away = 403, CROSS_SITE
        elif not _may_try(request, school):
            status, turned_away = 429, TOO_MANY_ATTEMPTS
    if turned_away:
        # Refused before anything is read: no photo is even decoded; the text comes back.
        files = None
    form = PublicSubmissionForm(request.POST or None, files, school=school)
    if turned_away:
        form.is_valid()
        form.add_error(None, turned_away)
    elif request.method == "POST" and form.is_valid():
        refusal, status = _refusal(request, form, school)
        if refusal:
            form.add_error(None, refusal)
        else:
            data = form.cleaned_data
            submission, _new = services.receive(
                school=school,
                channel=Channel.ONLINE,
                category=data["category"],
                matter=data["matter"],
                text=data["text"],
                name=data["name"],
                phone=data["phone"],
                photo=data["photo"],
                form_token=data["form_token"],
            )
            return render(
                request,
                "complaints/public/submitted.html",
                {
                    "county": school.county,
                    "school": school,
                    "plaque": plaque,
                    "submission": submission,
                },
            )
    content = plaque_content(
        school,
        assignments=current_assignments([school]),
        matters=school.county.supervision_matters.filter(is_active=True),
        plaque=plaque,
    )
    response = render(
        request,
        "complaints/public/school.html",
        {
            "county": school.county,
            "school": school,
            "plaque": plaque,
            "content": content,
            "form": form,
        },
        status=400 if status == 200 and form.is_bound and form.errors else status,
    )
    # Each visitor's own form token: kept by no cache, fetched afresh when going Back.
    response["Cache-Control"] = "private, no-store"
    return response


CROSS_SITE = gettext_lazy(
    "This form was sent from another website, so it was not accepted. What you typed is kept "
    "below: check it and send it from this page."
)


def is_cross_site(request) -> bool:
    """A POST that another site's page made the visitor's browser send: browsers say so in
    ``Sec-Fetch-Site``. The page's own form (same-origin), the county's other sites
    (same-site), a bookmark (none) and old browsers that send no such header pass."""
    return request.headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site"


TOO_MANY_ATTEMPTS = gettext_lazy(
    "Too many attempts came from your network in the last hour. Your text is kept below: "
    "please send it again later, or call the complaint phone."
)


def _may_try(request, school) -> bool:
    """Every POST counts here, refused ones too, at a multiple of the county's limit of stored
    submissions: a bot sending forms that fail cannot make the server decode photos forever."""
    limit = max(20, 4 * school.county.settings.public_submissions_per_ip_hour)
    return allow("complaint-attempt-ip", client_key(client_ip(request)), limit=limit, window=HOUR)


def _refusal(request, form, school) -> tuple[str, int]:
    """Why a well-formed submission is refused (a bot, or too many) and the status to answer
    with, or ("", 200) to store it."""
    if form.is_bot:
        return _(
            "Please leave the last field (“Leave this field empty”) empty and send again."
        ), 400
    county_settings = school.county.settings
    if not allow(
        "complaint-ip",
        client_key(client_ip(request)),
        limit=county_settings.public_submissions_per_ip_hour,
        window=HOUR,
    ):
        return _(
            "Too many submissions came from your network in the last hour. Your text is kept "
            "below: please send it again later, or call the complaint phone."
        ), 429
    if not allow(
        "complaint-school",
        str(school.pk),
        limit=county_settings.public_submissions_per_school_day,
        window=DAY,
    ):
        return _(
            "This school has received too many submissions today. Your text is kept below: "
            "please send it again tomorrow, or call the complaint phone."
        ), 429
    return "", 200


@public_page
@require_safe
def inspector_thumbnail(request, slug: str, inspector_pk: int):
    """An inspector's photo, small and re-encoded, for the school's public page: only the
    school's current inspectors (those on its plaque)."""
    plaque = _plaque(slug)
    assignment = get_object_or_404(
        Assignment.objects.current().select_related("inspector"),
        school_id=plaque.school_id,
        inspector_id=inspector_pk,
        inspector__status=InspectorStatus.ACTIVE,
    )
    photo = assignment.inspector.photo
    if not photo:
        raise Http404
    key = f"public-thumbnail:{inspector_pk}:{photo.name}"
    content = cache.get(key)
    if content is None:
        try:
            with photo.open("rb") as handle:
                content = jpeg_bytes(decode(handle, max_side=THUMBNAIL_SIDE))
        except FileNotFoundError as missing:
            raise Http404 from missing
        cache.set(key, content, timeout=DAY)
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _county(code: str) -> County:
    return get_object_or_404(County.objects.select_related("settings"), code=code)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def track(request, code: str):
    """The tracking code, by POST, shows that one submission's state and public reply."""
    county = _county(code)
    form = TrackForm(request.POST or None)
    found = None
    allowed = True
    if request.method == "POST" and is_cross_site(request):
        # Not counted either: another site must not use up a visitor's look-ups.
        form.is_valid()
        form.add_error(None, CROSS_SITE_LOOKUP)
        return render(
            request,
            "complaints/public/track.html",
            {"county": county, "form": form, "status": None},
            status=403,
        )
    if request.method == "POST":
        allowed = allow(
            "track-ip",
            client_key(client_ip(request)),
            limit=county.settings.tracking_lookups_per_ip_hour,
            window=HOUR,
        )
        if not allowed:
            form.is_valid()
            form.add_error(
                None, _("Too many look-ups from your network. Please try again in an hour.")
            )
        elif form.is_valid():
            submission = services.find_by_code(county=county, typed=form.cleaned_data["code"])
            if submission is None:
                # The same answer for a wrong code and one that cannot be a code at all.
                form.add_error(
                    "code",
                    _("No submission has this tracking code. Check it and try again."),
                )
            else:
                found = services.public_status(submission)
                form = TrackForm()
    return render(
        request,
        "complaints/public/track.html",
        {"county": county, "form": form, "status": found},
        status=200 if request.method != "POST" or allowed else 429,
    )


CROSS_SITE_LOOKUP = gettext_lazy(
    "This look-up was sent from another website, so it was not made. Type your tracking code "
    "on this page."
)


@public_page
@require_safe
def county_page(request, code: str):
    """The county's public page: the office's contacts and complaint phone, announcements, the
    responsibility zones with their inspectors, and a search for a school's public page."""
    county = _county(code)
    search = SchoolSearchForm(request.GET or None)
    results = None
    if search.is_valid() and (term := search.cleaned_data["q"].strip()):
        results = list(
            School.objects.filter(
                county=county, is_active=True, plaque__isnull=False, name__icontains=term
            )
            .select_related("plaque", "township")
            .order_by("name")[:SEARCH_RESULTS]
        )
    # Only inspectors on some school's plaque: the public learns nothing beyond the plaques.
    on_a_plaque = Exists(Assignment.objects.current().filter(inspector=OuterRef("pk")))
    inspectors = Inspector.objects.active().responsible().filter(on_a_plaque).order_by("name")
    zones = list(
        Zone.objects.filter(county=county)
        .select_related("township")
        .prefetch_related(Prefetch("inspectors", queryset=inspectors))
        .order_by("name")
    )
    for zone in zones:
        zone.people = [
            {
                "name": inspector.name,
                "phone": readable_phone(inspector.phone),
                "tel": inspector.phone,
            }
            for inspector in zone.inspectors.all()
        ]
    return render(
        request,
        "complaints/public/county.html",
        {
            "county": county,
            "search": search,
            "results": results,
            "zones": zones,
            "announcements": Announcement.objects.filter(county=county).published(
                timezone.localdate()
            )[:10],
        },
    )
