"""Term dates and assessment weights are county settings, edited on the county settings page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.assessment import assess
from reports.periods import Period
from tests.factories import county_settings_form_data
from tests.factories_reports import october
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_the_office_sets_the_terms_and_the_summary_follows(client, personas):
    settings = personas.county.settings
    client.force_login(personas.office)
    url = reverse("schools:county_settings")
    page = client.get(url).content.decode()
    assert "第一学期开始（月-日）" in page and "考核权重：督导完成率" in page
    refused = client.post(url, county_settings_form_data(settings, first_term_starts="13-40"))
    assert "请按“月-日”填写，如 09-01。" in refused.content.decode()
    settings.refresh_from_db()
    assert settings.first_term_starts == "09-01"
    client.post(url, county_settings_form_data(settings, first_term_starts="08-25"))
    settings.refresh_from_db()
    term = Period.term(settings, 2026, 1)
    assert (term.start, term.end) == (datetime.date(2026, 8, 25), datetime.date(2027, 1, 20))
    summary = client.get(reverse("reports:summary"), {"period": "term", "term": "2026-1"})
    assert "2026年8月25日" in summary.content.decode()


def test_the_weights_decide_the_score(personas):
    month = october(personas)
    settings = month.county.settings
    today = datetime.date(2026, 11, 5)

    def scores(**weights):
        for name in ("visits", "records", "rectifications", "complaints", "meetings", "notices"):
            setattr(settings, f"weight_{name}", weights.get(name, 0))
        settings.save()
        return {row.inspector.name: row.score for row in assess(month.county, 2026, today)}

    # Visits: each has one school owing a visit in 9 school months up to November, and one
    # month done (李 in October, 王 in September): 1/9.
    assert scores(visits=1) == {"李督学": Decimal("11.1"), "王督学": Decimal("11.1")}
    # Rectifications: 李 closed item 1 of items 1 and 2 (both due); 王 closed item 4, and item 3
    # is not due yet.
    assert scores(rectifications=1) == {"李督学": Decimal("50.0"), "王督学": Decimal("100.0")}
    # Both at equal weights: the mean of the two rates.
    assert scores(visits=1, rectifications=1) == {
        "李督学": Decimal("30.6"),
        "王督学": Decimal("55.6"),
    }
    # Complaints: 李 answered the one due on 17 October in time, and the one due on 4 November
    # not yet; 王 answered one late and the other is still being verified.
    assert scores(complaints=1) == {"李督学": Decimal("50.0"), "王督学": Decimal("0.0")}


def test_the_records_meetings_and_notices_weights(personas):
    month = october(personas)
    settings = month.county.settings
    today = datetime.date(2026, 11, 5)
    # 李 led three visits in October (B on the 8th and 22nd, A on the 15th); the one of the
    # 22nd was submitted five days later, past the two days the county allows.
    late = Visit.objects.get(school=month.school_b, arrived_at__day=22)
    Visit.objects.filter(pk=late.pk).update(submitted_at=late.arrived_at + datetime.timedelta(5))

    def scores(**weights):
        for name in ("visits", "records", "rectifications", "complaints", "meetings", "notices"):
            setattr(settings, f"weight_{name}", weights.get(name, 0))
        settings.save()
        return {row.inspector.name: row.score for row in assess(month.county, 2026, today)}

    # Records: 李 2 of 3 on time; 王 led the special visit of 16 October and the routine one of
    # 30 September, both submitted the same day (the draft of 20 October is not a record).
    assert scores(records=1) == {"李督学": Decimal("66.7"), "王督学": Decimal("100.0")}
    # Meetings: 李 was invited to the meeting of 9 October and came; 王 has no login, so was
    # invited to nothing: the part is left out and, with no other part, there is no score.
    assert scores(meetings=1) == {"李督学": Decimal("100.0"), "王督学": None}
    # Notices: 李 read the notice of 12 October; nothing was sent to 王.
    assert scores(notices=1) == {"李督学": Decimal("100.0"), "王督学": None}
    # Records weighted 3 and meetings 1: 李 (3 × 2/3 + 1 × 1) / 4 = 75.0; 王 only records.
    assert scores(records=3, meetings=1) == {"李督学": Decimal("75.0"), "王督学": Decimal("100.0")}
