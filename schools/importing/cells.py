"""Turning spreadsheet cells into clean values.

Counties fill templates by hand, often with a Chinese input method switched to full-width mode,
so digits arrive as ０-９ and names carry stray (full-width) spaces. Every parser normalises
first and raises ``CellError`` with a message the office can act on.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from schools.validators import MAX_PEOPLE, validate_phone


class CellError(ValueError):
    """A cell's value is unusable; the message says why, in the user's language."""


ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")
SEPARATORS = re.compile(r"[、,;/\s]+")


def _width_fold(char: str) -> str:
    # Fold full-width letters, digits and spaces, but keep Chinese punctuation such as （）
    # and 、 as typed: they belong in school names.
    if char.isalnum() or char.isspace():
        return unicodedata.normalize("NFKC", char)
    return char


def text(value) -> str:
    """Free text: full-width letters and digits folded, whitespace collapsed.

    A space between two Chinese characters is dropped: it pads two-character names such as
    「王　芳」 to the width of three-character ones and is never part of the name.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    folded = "".join(_width_fold(char) for char in str(value).translate(ZERO_WIDTH))
    collapsed = " ".join(folded.split())
    return SPACE_BETWEEN_CJK.sub("", collapsed)


def token(value) -> str:
    """Codes, phones, numbers and dates: fully NFKC-folded with every space removed."""
    return "".join(unicodedata.normalize("NFKC", text(value)).split())


def limited_text(value, max_length: int) -> str:
    result = text(value)
    if len(result) > max_length:
        raise CellError(
            _("Too long: at most %(limit)d characters, this has %(length)d.")
            % {"limit": max_length, "length": len(result)}
        )
    return result


def school_code(value) -> str:
    code = token(value)
    if not re.fullmatch(r"\d{10}", code):
        raise CellError(_("A school code is exactly 10 digits."))
    return code


def mobile_key(value) -> str:
    """The 11 digits of a mainland mobile number: the key an inspector is known by."""
    raw = token(value)
    digits = re.sub(r"[-()]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not re.fullmatch(r"1\d{10}", digits):
        raise CellError(_("Not a mobile number: 11 digits starting with 1, e.g. 13800000001."))
    return digits


def phone(value) -> str:
    """A landline or mobile number as written, e.g. 0971-2222333; spaces removed.

    The rule is the model field's (``validate_phone``), so the form and the admin agree.
    """
    number = token(value)
    try:
        validate_phone(number)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return number


def count(value) -> int:
    """A whole number of people; empty means 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    else:
        raw = token(value).replace(",", "")
        if not raw:
            return 0
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(_("Not a number.")) from None
    if number != int(number) or number < 0:
        raise CellError(_("Must be a whole number, 0 or more."))
    if number > MAX_PEOPLE:
        raise CellError(_("Implausibly large number."))
    return int(number)


def coordinate(limit: int):
    """A latitude (limit 90) or longitude (limit 180) in decimal degrees, or None."""

    def parse(value) -> Decimal | None:
        raw = token(value)
        if not raw:
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(_("Not a number: use decimal degrees, e.g. 36.5012.")) from None
        if not number.is_finite() or not -limit <= number <= limit:
            raise CellError(
                _("Must be between -%(limit)d and %(limit)d degrees.") % {"limit": limit}
            )
        return number.quantize(Decimal("0.000001"))

    return parse


DATE_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]
EARLIEST_YEAR, LATEST_YEAR = 1949, 2100


def date(value) -> datetime.date | None:
    """A date from a date cell, an Excel serial number or text such as 2024-09-01, 2024/9/1,
    2024年9月1日 or 20240901; empty means None."""
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and value < 100_000:
        result = from_excel(value).date()
    else:
        raw = token(value)
        if not raw:
            return None
        result = _date_from_text(raw)
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise CellError(_("The year looks wrong: write the date as 2024-09-01."))
    return result


def _date_from_text(raw: str) -> datetime.date:
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            try:
                return datetime.date(*map(int, match.groups()))
            except ValueError:
                break  # e.g. 2024-02-30
    raise CellError(_("Not a date: write it as 2024-09-01."))


YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "×", "✗", ""}


def yes_no(value) -> bool:
    """是 / 否 (or Y/N, 1/0); empty means 否."""
    if isinstance(value, bool):
        return value
    raw = token(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(_("Write 是 or 否."))


def choice_words(options: dict) -> list[str]:
    """The name of each value: the first word listed for it (later words are synonyms)."""
    names: dict = {}
    for word, value in options.items():
        names.setdefault(value, word)
    return list(names.values())


def choice(options: dict[str, str], *, default: str | None = None):
    """One of a fixed list of Chinese words (with accepted synonyms) -> a model value.

    The first word given for each value is its name in messages; later ones are synonyms.
    """
    allowed = "、".join(choice_words(options))

    def parse(value) -> str:
        raw = token(value)
        if not raw and default is not None:
            return default
        try:
            return options[raw]
        except KeyError:
            raise CellError(
                _("Not an allowed value. Allowed: %(allowed)s.") % {"allowed": allowed}
            ) from None

    return parse


def split_list(value) -> list[str]:
    """Items separated by 、 , ; / or spaces (full-width ones too)."""
    return [item for item in SEPARATORS.split(unicodedata.normalize("NFKC", text(value))) if item]
