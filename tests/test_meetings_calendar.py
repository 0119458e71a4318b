"""Each user's private calendar feed: valid iCalendar (read back by the library) with zero or
many events, at a secret address that a reset or a deactivation stops, with titles, times,
places and links only."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import ical
from meetings.calendar_views import NEW_ADDRESS_KEY
from meetings.models import CalendarFeed, Decision, DecisionOwner, ReplyKind
from rectifications.models import RectificationItem, SourceKind
from tests.factories_notices import make_meeting, make_notice
from tests.factories_rectifications import make_item

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def _new_address(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("meetings:calendar_reset"))
    assert response.status_code == 302
    page = client.get(reverse("meetings:calendar"))
    address = page.context["address"]
    assert address and page.context["webcal"].startswith("webcal://")
    # Shown once: the next visit no longer has it.
    assert client.get(reverse("meetings:calendar")).context["address"] == ""
    return address


def _fetch(client, address):
    client.logout()  # a phone's calendar has no session
    return client.get(address.removeprefix("http://127.0.0.1:8000"))


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_an_empty_feed_is_a_valid_calendar(client, personas):
    address = _new_address(client, personas.committee)
    calendar = _parse(_fetch(client, address))
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar.events == []


def test_the_feed_holds_meetings_deadlines_and_reply_dates(client, personas):
    meetings = [
        make_meeting(
            personas,
            starts_in=datetime.timedelta(days=day),
            invite=[personas.principal],
            title=f"校长汇报反馈交流例会 {day}",
        )
        for day in range(1, 13)
    ]
    item = make_item(personas)  # at the principal's school
    make_notice(personas, to=[personas.principal], reply_kind=ReplyKind.TEXT, due_in_days=4)
    make_meeting(personas, starts_in=HOUR, invite=[personas.inspector_user], title="别人的会")

    address = _new_address(client, personas.principal)
    calendar = _parse(_fetch(client, address))
    events = calendar.events
    assert len(events) == 14
    by_uid = {str(event["UID"]): event for event in events}
    first = by_uid[f"meeting-{meetings[0].pk}@dudao"]
    assert str(first["SUMMARY"]) == "校长汇报反馈交流例会 1"
    assert str(first["LOCATION"]) == "县教育局三楼会议室"
    assert first.decoded("DTSTART") == timezone.localtime(meetings[0].starts_at).replace(
        microsecond=0
    )
    assert str(first.decoded("DTSTART").tzinfo) == "Asia/Shanghai"
    assert str(first["URL"]).endswith(f"/meetings/{meetings[0].pk}/")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    deadline = by_uid[f"item-{item.pk}-deadline@dudao"]
    assert deadline.decoded("DTSTART") == item.deadline  # an all-day event
    assert personas.school_a.name in str(deadline["SUMMARY"])
    reply_due = [e for e in events if str(e["UID"]).startswith("notice-")]
    assert len(reply_due) == 1
    # Titles, times, places and links only: never a problem's text.
    assert item.description not in response_text(calendar)
    assert "别人的会" not in response_text(calendar)


def response_text(calendar: Calendar) -> str:
    return calendar.to_ical().decode()


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(client, personas):
    meeting = make_meeting(personas, starts_in=HOUR * 30, invite=[personas.inspector_user])
    meeting.status, meeting.sequence = "cancelled", 1
    meeting.cancelled_at, meeting.cancel_reason = timezone.now(), "改期"
    meeting.save()
    address = _new_address(client, personas.inspector_user)
    (event,) = _parse(_fetch(client, address)).events
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)


def test_the_office_sees_decisions_without_a_school_and_the_owner_user_too(client, personas):
    meeting = make_meeting(personas, starts_in=-HOUR * 48)
    item = RectificationItem.objects.create(
        county=personas.county,
        severity="general",
        description="落实学校周边交通安全设施",
        required_change="设置减速带",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        source=SourceKind.MEETING,
        owner_name=str(personas.committee),
        created_by=personas.office,
    )
    Decision.objects.create(
        meeting=meeting,
        item=item,
        number=1,
        owner_kind=DecisionOwner.USER,
        owner_user=personas.committee,
    )
    for user in (personas.office, personas.committee):
        events = _parse(_fetch(client, _new_address(client, user))).events
        summaries = [str(event["SUMMARY"]) for event in events]
        assert any(str(personas.committee) in summary for summary in summaries), user


def test_reset_makes_a_new_address_and_the_old_stops(client, personas):
    old = _new_address(client, personas.principal)
    new = _new_address(client, personas.principal)
    assert old != new
    assert _fetch(client, old).status_code == 404
    assert _fetch(client, new).status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_stop_and_deactivation_end_the_feed(client, personas):
    address = _new_address(client, personas.principal)
    personas.principal.is_active = False
    personas.principal.save()
    assert _fetch(client, address).status_code == 404
    personas.principal.is_active = True
    personas.principal.save()
    client.force_login(personas.principal)
    client.post(reverse("meetings:calendar_stop"))
    assert _fetch(client, address).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_token_is_long_and_only_its_hash_is_stored(client, personas):
    address = _new_address(client, personas.principal)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    stored = CalendarFeed.objects.get()
    assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(client.session.items())
    assert NEW_ADDRESS_KEY not in client.session


def test_a_made_up_token_is_not_found(client, personas):
    _new_address(client, personas.principal)
    client.logout()
    guess = reverse("meetings:calendar_feed", kwargs={"token": "A" * 43})
    assert client.get(guess).status_code == 404


def test_the_feed_is_written_in_the_users_language(client, personas):
    personas.inspector_user.language = "en"
    personas.inspector_user.save()
    address = _new_address(client, personas.inspector_user)
    calendar = _parse(_fetch(client, address))
    assert str(calendar["X-WR-CALNAME"]) == "Dudao: meetings and deadlines"


def test_feed_queries_do_not_grow_with_events(client, personas, django_assert_max_num_queries):
    for day in range(1, 20):
        make_meeting(personas, starts_in=datetime.timedelta(days=day), invite=[personas.principal])
        make_notice(personas, to=[personas.principal], reply_kind=ReplyKind.TEXT, due_in_days=day)
    address = _new_address(client, personas.principal)
    client.logout()
    # The session and lockout middleware, the token, one read per kind of event.
    with django_assert_max_num_queries(14):
        assert len(_parse(_fetch(client, address)).events) == 38


def test_build_feed_for_a_user_without_anything(personas):
    calendar = Calendar.from_ical(ical.build_feed(personas.other_office))
    assert calendar.events == [] and calendar.walk("VTIMEZONE") == []
