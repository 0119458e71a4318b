"""The office's import page: upload a workbook, read the row-level report, get the passwords."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.access import office_required
from accounts.models import User
from accounts.sheets import one_time_password_response
from dudao.xlsx import workbook_response
from schools.access import county_for
from schools.importing import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    IMPORTERS,
    ImportFileError,
    template_workbook,
)
from schools.importing.forms import ImportForm
from schools.views import county_choices

PASSWORDS_SESSION_KEY = "import_one_time_passwords"
# A 2,000-row file with every row wrong lists many thousands of errors; the first ones show
# what to fix, and the page stays quick to load on a phone.
SHOWN_ERRORS = 300
SHOWN_UPDATES = 200
# Where to look at what an import brought in.
RESULT_PAGES = {
    "schools": "schools:school_list",
    "inspectors": "inspectors:inspector_list",
    "assignments": "schools:coverage",
}


@office_required
def import_upload(request):
    county = county_for(request)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": request.GET.get("kind", "schools")},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        importer = IMPORTERS[data["kind"]](county, actor=request.user)
        try:
            result = importer.run(
                data["file"],
                commit="check" not in request.POST,
                create_logins=data["create_logins"],
            )
        except ImportFileError as problem:
            form.add_error("file", str(problem))
        else:
            if result.logins:  # kept until downloaded, also across several imports
                request.session[PASSWORDS_SESSION_KEY] = request.session.get(
                    PASSWORDS_SESSION_KEY, []
                ) + [[user.pk, password] for user, password in result.logins]
            if result.committed:  # a fresh form: nothing left ticked for the next file
                form = ImportForm(initial={"kind": data["kind"]})
    return render(
        request,
        "schools/import.html",
        {
            "county": county,
            "counties": county_choices(request),
            "form": form,
            "result": result,
            "next_url": RESULT_PAGES[result.kind] if result else "",
            "errors": result.errors[:SHOWN_ERRORS] if result else [],
            "updates": result.updates[:SHOWN_UPDATES] if result else [],
            "kinds": [(kind, IMPORTERS[kind].label) for kind in IMPORTERS],
            "max_rows": IMPORT_MAX_ROWS,
            "max_bytes": IMPORT_MAX_BYTES,
        },
    )


@office_required
def import_template(request, kind: str):
    if kind not in IMPORTERS:
        raise Http404
    importer = IMPORTERS[kind](county_for(request))
    filename = _("%(kind)s import template.xlsx") % {"kind": importer.label}
    return workbook_response(template_workbook(importer), filename)


@office_required
@never_cache
def import_passwords(request):
    """The one-time passwords of the logins the last import created, as a sheet: once only."""
    issued = request.session.pop(PASSWORDS_SESSION_KEY, [])
    users = (
        User.objects.for_user(request.user)
        .select_related("school")
        .in_bulk([pk for pk, _password in issued])
    )
    logins = [(users[pk], password) for pk, password in issued if pk in users]
    if not logins:
        messages.info(
            request,
            _(
                "The one-time passwords were already downloaded. To issue new ones, reset the "
                "passwords on the accounts pages."
            ),
        )
        return redirect("schools:import")
    return one_time_password_response(logins)
