"""The stretch of time a report covers: a month, a term (dates are county settings), a calendar
year, or any date range. Days are Asia/Shanghai days, as everywhere else in the app."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from visits.models import SHANGHAI

MONTH = "month"
TERM = "term"
YEAR = "year"
RANGE = "range"


def _month_day(text: str, year: int) -> datetime.date:
    month, day = (int(part) for part in text.split("-"))
    if (month, day) == (2, 29) and not _is_leap(year):
        day = 28
    return datetime.date(year, month, day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _last_day(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """``start`` and ``end`` are both included; ``key`` names it in a query string."""

    kind: str
    start: datetime.date
    end: datetime.date
    key: str

    # Construction -------------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(
            MONTH, datetime.date(year, month, 1), _last_day(year, month), f"{year}-{month:02d}"
        )

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))

    @classmethod
    def term(cls, county_settings, school_year: int, number: int) -> "Period":
        """Term 1 of school year Y starts in the autumn of Y; term 2 in the spring of Y + 1."""
        if number == 1:
            start = _month_day(county_settings.first_term_starts, school_year)
            end = _month_day(county_settings.first_term_ends, school_year)
        else:
            start = _month_day(county_settings.second_term_starts, school_year + 1)
            end = _month_day(county_settings.second_term_ends, school_year + 1)
        if end < start:  # the first term runs over the new year
            end = end.replace(year=end.year + 1)
        return cls(TERM, start, end, f"{school_year}-{number}")

    @classmethod
    def date_range(cls, start: datetime.date, end: datetime.date) -> "Period":
        return cls(RANGE, start, end, f"{start.isoformat()}~{end.isoformat()}")

    @classmethod
    def current_term(cls, county_settings, today: datetime.date) -> "Period":
        """The term ``today`` falls in, or the last one to start before it (in a holiday)."""
        candidates = [
            cls.term(county_settings, year, number)
            for year in (today.year - 2, today.year - 1, today.year)
            for number in (1, 2)
        ]
        started = [term for term in candidates if term.start <= today]
        return max(started, key=lambda term: term.start)

    @classmethod
    def parse(cls, kind: str, key: str, county_settings) -> "Period":
        """The period a query string names; ValueError for anything malformed."""
        key = (key or "").strip()
        if kind == MONTH and (match := re.fullmatch(r"(\d{4})-(\d{1,2})", key)):
            year, month = int(match[1]), int(match[2])
            if 2000 <= year <= 2100 and 1 <= month <= 12:
                return cls.month(year, month)
        match = re.fullmatch(r"(\d{4})-([12])", key) if kind == TERM else None
        if match and 2000 <= int(match[1]) <= 2100:
            return cls.term(county_settings, int(match[1]), int(match[2]))
        if kind == YEAR and re.fullmatch(r"\d{4}", key) and 2000 <= int(key) <= 2100:
            return cls.year(int(key))
        raise ValueError(key)

    # What it covers -----------------------------------------------------------------------

    @property
    def start_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, SHANGHAI)

    @property
    def end_at(self) -> datetime.datetime:
        """The first instant after the period."""
        following = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(following, datetime.time.min, SHANGHAI)

    def months(self, *, until: datetime.date | None = None) -> list[tuple[int, int]]:
        """The calendar months the period touches, up to the month of ``until`` if given."""
        last = min(self.end, until) if until else self.end
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (last.year, last.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def as_of(self, today: datetime.date) -> datetime.date:
        """The last day whose records the period can already hold."""
        return min(self.end, today)

    def is_current(self, today: datetime.date) -> bool:
        return self.start <= today <= self.end

    def query(self) -> dict[str, str]:
        """The period as query parameters of the report pages."""
        if self.kind == RANGE:
            return {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.kind, self.kind: self.key}

    def date_query(self) -> dict[str, str]:
        """The period as the date-range filters of the list pages."""
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == YEAR:
            return _("Year %(year)d") % {"year": self.start.year}
        if self.kind == TERM:
            school_year, number = (int(part) for part in self.key.split("-"))
            text = (
                _("%(first)d–%(second)d school year, first term")
                if number == 1
                else _("%(first)d–%(second)d school year, second term")
            )
            return text % {"first": school_year, "second": school_year + 1}
        return _("%(start)s to %(end)s") % {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    def __str__(self):
        return self.label


def last_full_month(today: datetime.date) -> Period:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return Period.month(first.year, first.month)
