"""The printed rectification notice: seal, copy-to line, report-by sentence, Chinese dates, and
never a deadline before its own date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rectifications import services
from rectifications.models import EventAction, RectificationNotice, TransitionError
from tests import factories
from tests.factories import county_settings_form_data
from tests.factories_rectifications import make_item

pytestmark = pytest.mark.django_db


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _issue(personas, items, **kwargs):
    return services.issue_notice(
        school=personas.school_a,
        items=items,
        inspector=personas.inspector,
        actor=personas.office,
        **kwargs,
    )


def test_the_notice_has_a_seal_copy_to_line_and_report_by_the_latest_deadline(client, personas):
    today = timezone.localdate()
    soon, later = today + datetime.timedelta(days=10), today + datetime.timedelta(days=40)
    settings = personas.county.settings
    settings.notice_copy_to = "湟中区教育局、鲁沙尔镇中心学校"
    settings.save()
    notice = _issue(
        personas, [make_item(personas, deadline=soon), make_item(personas, deadline=later)]
    )
    # The printed notice keeps the copy-to line of its issue.
    settings.notice_copy_to = "另一个单位"
    settings.save()

    client.force_login(personas.principal)
    page = client.get(reverse("rectifications:notice", args=[notice.pk])).content.decode()
    assert "（盖章）" in page
    assert "抄送：湟中区教育局、鲁沙尔镇中心学校。" in page and "另一个单位" not in page
    assert f"请于{chinese(later)}前将整改情况书面报送湟中县教育督导室。" in page
    assert chinese(soon) in page and chinese(today) in page  # deadlines and the issue date
    assert today.isoformat() not in page


def test_no_copy_to_line_when_the_county_has_none(client, personas):
    settings = personas.county.settings
    settings.notice_copy_to = ""
    settings.save()
    notice = _issue(personas, [make_item(personas)])
    client.force_login(personas.office)
    page = client.get(reverse("rectifications:notice", args=[notice.pk])).content.decode()
    assert "抄送" not in page


def test_the_copy_to_line_is_a_county_setting(client, personas):
    assert personas.county.settings.notice_copy_to == "县教育局"  # the default
    client.force_login(personas.office)
    url = reverse("schools:county_settings")
    assert 'name="notice_copy_to"' in client.get(url).content.decode()
    data = county_settings_form_data(personas.county.settings, notice_copy_to="湟中区教育局")
    client.post(url, data)
    personas.county.settings.refresh_from_db()
    assert personas.county.settings.notice_copy_to == "湟中区教育局"


def _overdue_item(personas):
    item = make_item(personas)
    type(item).objects.filter(pk=item.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    item.refresh_from_db()
    return item


def test_an_overdue_item_is_refused_on_a_notice_without_a_new_deadline(client, personas):
    overdue, in_time = _overdue_item(personas), make_item(personas)
    with pytest.raises(TransitionError):
        _issue(personas, [overdue, in_time])
    client.force_login(personas.office)
    url = reverse("rectifications:notice_create", kwargs={"school_pk": personas.school_a.pk})
    assert 'name="extend_to"' in client.get(url).content.decode()
    response = client.post(url, {"items": [overdue.pk, in_time.pk]})
    assert response.status_code == 200
    assert "通知书的整改期限不能早于通知书的日期" in response.content.decode()
    assert not RectificationNotice.objects.exists()


def test_the_office_extends_overdue_items_when_issuing(client, personas):
    overdue, in_time = _overdue_item(personas), make_item(personas)
    new_deadline = timezone.localdate() + datetime.timedelta(days=15)
    client.force_login(personas.office)
    url = reverse("rectifications:notice_create", kwargs={"school_pk": personas.school_a.pk})
    data = {"items": [overdue.pk, in_time.pk], "extend_to": new_deadline.isoformat()}
    past = {**data, "extend_to": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()}
    assert client.post(url, past).status_code == 200  # the new deadline may not be past either
    assert not RectificationNotice.objects.exists()

    response = client.post(url, data)

    notice = RectificationNotice.objects.get()
    assert response["Location"] == reverse("rectifications:notice", args=[notice.pk])
    overdue.refresh_from_db()
    assert overdue.deadline == new_deadline
    assert overdue.events.filter(action=EventAction.DEADLINE_EXTENDED).count() == 1
    assert notice.item_deadlines[str(overdue.pk)] == new_deadline.isoformat()
    assert min(notice.item_deadlines.values()) >= timezone.localdate().isoformat()


def test_an_inspector_must_leave_overdue_items_off(client, personas):
    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    overdue = _overdue_item(personas)
    client.force_login(personas.inspector_user)
    url = reverse("rectifications:notice_create", kwargs={"school_pk": personas.school_a.pk})
    page = client.get(url).content.decode()
    assert 'name="extend_to"' not in page
    response = client.post(url, {"items": [overdue.pk], "extend_to": "2099-01-01"})
    assert "只有督导室可以延长期限" in response.content.decode()
    assert not RectificationNotice.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_notice_fits_a_phone_screen(phone_page, live_server, personas):
    from tests.e2e import login

    long_text = "学校食堂的留样记录不全，部分餐次没有留样，冰箱温度记录缺失，" * 3
    items = [make_item(personas) for _ in range(3)]
    type(items[0]).objects.filter(pk=items[0].pk).update(
        description=long_text, required_change=long_text
    )
    notice = _issue(personas, items)
    login(phone_page, live_server, "principal")
    phone_page.goto(live_server.url + reverse("rectifications:notice", args=[notice.pk]))
    widths = phone_page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " document.querySelector('.notice-table').getBoundingClientRect().right]"
    )
    assert widths[0] <= widths[1] == 375 and widths[2] <= 375
    # Each problem reads as labelled lines.
    label = phone_page.evaluate(
        "() => getComputedStyle(document.querySelector('.notice-table td[data-label]'),"
        " '::before').content"
    )
    assert "整改期限" in label or "事项" in label
    assert phone_page.csp_violations == []
