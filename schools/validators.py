"""Field rules shared by the models, so their forms, the admin and the import agree."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PHONE_CHARACTERS = re.compile(r"[0-9+()\-]+")
MAX_PEOPLE = 1_000_000


def validate_phone(value: str) -> None:
    """A landline or mobile number as written, e.g. 0971-2222333 or 138-0000-0001.

    The value is already normalised (full-width digits folded, spaces removed); the import's
    ``cells.phone`` and the forms normalise before this check.
    """
    if not value:
        return
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARACTERS.fullmatch(value) or not 7 <= len(digits) <= 15 or len(value) > 20:
        raise ValidationError(
            _("Not a phone number: use digits and '-', e.g. 0971-2222333."), code="phone"
        )


def validate_not_future(value) -> None:
    """A date that has already come, by the county's local date (Asia/Shanghai)."""
    if value and value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")
