"""Term dates and assessment weights are county settings, edited on the county settings page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.assessment import assess
from reports.periods import Period
from tests.factories import county_settings_form_data
from tests.factories_reports import october

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
