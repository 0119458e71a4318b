from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n as i18n_views
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from accounts import health, lockout, services
from accounts.access import office_required
from accounts.forms import (
    ChangePrincipalForm,
    InspectorLoginForm,
    PasswordChangeForm,
    PrincipalLoginForm,
    StaffLoginForm,
    UserFilterForm,
)
from accounts.models import User
from accounts.scoping import CHANGE
from accounts.sheets import one_time_password_response
from dudao.pagination import paginate
from dudao.pickers import picker_response
from dudao.qr import qr_data_uri
from inspectors.models import Inspector
from schools.models import County, School

ONE_TIME_SESSION_KEY = "one_time_passwords"


def set_language(request):
    """Django's language switch; a logged-in user's choice is also kept on their account, so
    the notifications and e-mails written to them follow it."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and language != user.language:
        user.language = language
        user.save(update_fields=["language"])
    return response


@cache_control(max_age=86400)
def favicon(request):
    """The site icon for pages without an icon link (the admin). A temporary redirect: the
    hashed static name it points at changes with each deploy."""
    return redirect(static("img/favicon.svg"))


class LogoutView(auth_views.LogoutView):
    """Log out and have the browser drop what it kept for offline work (draft text, cached
    record pages): on a shared phone the next person must not read the last one's visit."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@login_required
def home(request):
    """The landing page: what this user should do next, by role."""
    from accounts.home import home_context

    return render(request, "home.html", home_context(request.user))


@never_cache
def healthz(request):
    report = health.check(include_details=request.user.is_authenticated and request.user.is_staff)
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")
    template_name = "registration/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.user.must_change_password = False
        self.request.user.save(update_fields=["must_change_password"])
        messages.success(self.request, gettext_lazy("Your password has been changed."))
        return response


def _manageable_users(user):
    """County accounts the user may manage; superusers are managed in the admin only."""
    return User.objects.for_user(user, CHANGE).filter(is_superuser=False)


def _show_once(request, created: list[services.OneTimeLogin]):
    """Keep the one-time passwords for the next page, which shows them once and forgets them."""
    request.session[ONE_TIME_SESSION_KEY] = [
        {
            "pk": user.pk,
            "name": str(user),
            "username": user.username,
            "password": password,
            "school": user.school.name if user.school_id else "",
        }
        for user, password in created
    ]
    return redirect("accounts:one_time_passwords")


@office_required
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = form.filter(
        _manageable_users(request.user).select_related("county", "school", "inspector")
    ).order_by("role", "username")
    page = paginate(request, users, per_page=50)
    missing = _missing_logins(request.user)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "missing_inspectors": missing["inspectors"].count(),
            "missing_schools": missing["schools"].count(),
            "unused_principals": services.principals_never_logged_in(
                _manageable_users(request.user)
            ).count(),
        },
    )


@office_required
def user_detail(request, pk):
    account = get_object_or_404(
        _manageable_users(request.user).select_related("county", "school", "inspector"), pk=pk
    )
    return render(
        request,
        "accounts/user_detail.html",
        {"account": account, "locked_until": lockout.active_lock(account.username)},
    )


@office_required
@require_POST
def user_unlock(request, pk):
    """Lift the login lockout that repeated failed logins put on this username."""
    account = get_object_or_404(_manageable_users(request.user), pk=pk)
    services.unlock_login(user=account, actor=request.user)
    messages.success(request, _("%(user)s can try to log in again.") % {"user": account})
    return redirect("accounts:user_detail", pk=account.pk)


@office_required
@require_POST
def user_reset_password(request, pk):
    account = get_object_or_404(_manageable_users(request.user), pk=pk)
    try:
        password = services.reset_password(user=account, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:user_detail", pk=account.pk)
    return _show_once(request, [(account, password)])


def _set_active(request, pk, active: bool):
    account = get_object_or_404(_manageable_users(request.user), pk=pk)
    try:
        services.set_active(user=account, active=active, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        template = (
            _("%(user)s can log in again.") if active else _("%(user)s can no longer log in.")
        )
        messages.success(request, template % {"user": account})
    return redirect("accounts:user_detail", pk=account.pk)


@office_required
@require_POST
def user_deactivate(request, pk):
    return _set_active(request, pk, active=False)


@office_required
@require_POST
def user_reactivate(request, pk):
    return _set_active(request, pk, active=True)


@office_required
@never_cache
def one_time_passwords(request):
    """Shows the passwords just issued, once: a reload finds them gone."""
    logins = request.session.pop(ONE_TIME_SESSION_KEY, [])
    context = {"logins": logins}
    if logins:  # printed as login slips: the site's address and its QR code on each
        context.update(site_url=settings.SITE_URL, site_qr=qr_data_uri(settings.SITE_URL))
    return render(request, "accounts/one_time_passwords.html", context)


@office_required
@require_POST
def reissue_unused_passwords(request):
    """New one-time passwords for the principals who never logged in, shown once with their
    login slips to print."""
    unused = services.principals_never_logged_in(_manageable_users(request.user))
    issued = services.reissue_unused_passwords(
        users=unused.select_related("school").order_by("school__name"), actor=request.user
    )
    if not issued:
        messages.info(request, _("Every principal has logged in already."))
        return redirect("accounts:user_list")
    return _show_once(request, issued)


def _create_login_view(form_class, title, create):
    @office_required
    def view(request):
        form = form_class(request.POST or None, user=request.user)
        if found := picker_response(request, form):
            return found
        if form.is_valid():
            try:
                with transaction.atomic():
                    created = create(form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _show_once(request, [created])
        return render(request, "accounts/create_login.html", {"form": form, "title": title})

    return view


create_inspector_login = _create_login_view(
    InspectorLoginForm,
    gettext_lazy("New login for an inspector"),
    lambda form: services.create_inspector_login(inspector=form.cleaned_data["inspector"]),
)
create_principal_login = _create_login_view(
    PrincipalLoginForm,
    gettext_lazy("New login for a principal"),
    lambda form: services.create_principal_login(school=form.cleaned_data["school"]),
)
create_staff_login = _create_login_view(
    StaffLoginForm,
    gettext_lazy("New login for office or committee staff"),
    lambda form: services.create_staff_login(
        county=form.county_for_login(),
        role=form.cleaned_data["role"],
        display_name=form.cleaned_data["display_name"],
        phone=form.cleaned_data["phone"],
    ),
)


def _missing_logins(user) -> dict:
    return {
        "inspectors": services.inspectors_without_login(Inspector.objects.for_user(user, CHANGE)),
        "schools": services.schools_without_login(School.objects.for_user(user, CHANGE)),
    }


@office_required
def create_missing_logins(request):
    """GET: what is missing; POST: create it all and download the one-time passwords."""
    missing = _missing_logins(request.user)
    if request.method != "POST":
        return render(
            request,
            "accounts/create_missing_logins.html",
            {
                "inspectors": missing["inspectors"].order_by("name"),
                "schools": missing["schools"].order_by("name"),
            },
        )
    inspectors, schools = list(missing["inspectors"]), list(missing["schools"])
    county_ids = {row.county_id for row in [*inspectors, *schools]}
    created = []
    for county in County.objects.filter(pk__in=county_ids):
        created += services.create_logins(
            county=county,
            inspectors=[row for row in inspectors if row.county_id == county.pk],
            schools=[row for row in schools if row.county_id == county.pk],
        )
    if not created:
        messages.info(request, _("Every inspector and school already has a login."))
        return redirect("accounts:user_list")
    messages.success(
        request,
        _("%(count)d logins created; their one-time passwords were downloaded as a sheet.")
        % {"count": len(created)},
    )
    return one_time_password_response(created)


@office_required
def change_principal(request, pk):
    school = get_object_or_404(School.objects.for_user(request.user, CHANGE), pk=pk)
    form = ChangePrincipalForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tenure, password = services.change_principal(
                school=school,
                name=data["name"],
                phone=data["phone"],
                create_login=data["create_login"],
                started_on=data["started_on"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is now the principal of %(school)s.")
                % {"name": data["name"], "school": school.name},
            )
            if password:
                return _show_once(request, [(tenure.user, password)])
            return redirect("schools:school_detail", pk=school.pk)
    tenures = school.principal_tenures.select_related("user").order_by("-started_on")
    return render(
        request,
        "accounts/change_principal.html",
        {"school": school, "form": form, "tenures": tenures},
    )
