"""Dates as printed documents (visit records, rectification notices) write them.

Chinese official documents write dates with Arabic numerals and 年月日, without leading zeros:
2026年11月27日 (GB/T 9704). Other languages keep their locale's long date. The filters are the
template library ``documents`` (``{% load documents %}``, registered in settings.TEMPLATES).
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


@register.filter
def document_date(value) -> str:
    """2026年11月27日 (Chinese) or the locale's date, e.g. Nov. 27, 2026; empty for no date."""
    if not isinstance(value, datetime.date):
        return ""
    value = _local(value)
    if _chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return date_format(value, "DATE_FORMAT")


@register.filter
def document_datetime(value) -> str:
    """2026年11月27日 09:05 (Chinese) or the locale's date and time; empty for no time."""
    if not isinstance(value, datetime.datetime):
        return document_date(value)
    value = _local(value)
    return f"{document_date(value)} {value:%H:%M}"
