"""The one-time passwords of a bulk creation as an .xlsx sheet to print and hand out."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import OneTimeLogin
from dudao.xlsx import sheet_response


def one_time_password_response(created: list[OneTimeLogin]) -> HttpResponse:
    """A download of the sheet; never cached, since it holds passwords."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = sheet_response(
        title=_("One-time passwords"),
        header=[_("Name"), _("Role"), _("School"), _("Username"), _("One-time password")],
        rows=(
            [
                user.display_name,
                user.get_role_display(),
                user.school.name if user.school_id else "",
                user.username,
                password,
            ]
            for user, password in created
        ),
        filename=f"one-time-passwords-{stamp}.xlsx",
        widths=(12, 10, 28, 18, 16),
    )
    response["Cache-Control"] = "no-store"
    return response
