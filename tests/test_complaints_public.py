"""The public side without a login: a school's page from its QR code, sending a complaint,
tracking it by code, the county's page; and what the public can never reach."""

import datetime
import logging
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from complaints import tracking
from complaints.models import Announcement, Submission
from dudao.cache import FailOpenRedisCache
from dudao.ratelimit import client_key
from inspectors.models import Assignment
from tests import factories
from tests.factories_complaints import submission
from tests.factories_plaques import jpeg_upload, plaque_of, with_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plaque(personas):
    return plaque_of(personas.school_b)


def school_url(plaque) -> str:
    return reverse("public:school", args=[plaque.slug])


def form_data(client, plaque, **overrides) -> dict:
    """What the page's form sends: its fresh form token and a complaint."""
    page = client.get(school_url(plaque)).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {
        "form_token": token,
        "category": "complaint",
        "matter": "",
        "text": "学校门口上下学时段车辆拥堵，没有人疏导。",
        "name": "",
        "phone": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_school_page_opens_without_a_login_and_stays_small(
    client, personas, plaque, django_assert_max_num_queries
):
    with_photo(personas.inspector)
    with django_assert_max_num_queries(6):
        response = client.get(school_url(plaque))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert personas.school_b.name in page and personas.inspector.name in page
    assert "校园及周边安全" in page  # the supervision matters
    assert 'name="text"' in page and 'enctype="multipart/form-data"' in page
    assert "bootstrap" not in page and "<script>" not in page and 'style="' not in page
    assert len(response.content) < 20_000
    thumbnail = reverse("public:thumbnail", args=[plaque.slug, personas.inspector.pk])
    assert thumbnail in page
    image = client.get(thumbnail)
    assert image["Content-Type"] == "image/jpeg" and image["Referrer-Policy"] == "no-referrer"
    assert image.content.startswith(b"\xff\xd8") and b"Exif" not in image.content[:200]


def test_thumbnails_only_of_the_schools_current_plaque_inspectors(client, personas, plaque):
    with_photo(personas.inspector)
    elsewhere = with_photo(factories.InspectorFactory(county=personas.county))
    factories.AssignmentFactory(inspector=elsewhere, school=personas.school_a)
    assert (
        client.get(reverse("public:thumbnail", args=[plaque.slug, elsewhere.pk])).status_code == 404
    )
    Assignment.objects.filter(inspector=personas.inspector).update(ended_on=timezone.localdate())
    own = reverse("public:thumbnail", args=[plaque.slug, personas.inspector.pk])
    assert client.get(own).status_code == 404


def test_a_submission_gives_a_tracking_code_and_reaches_the_lead_inspector(
    client, personas, plaque, django_capture_on_commit_callbacks
):
    inspector_user = personas.inspector_user
    inspector_user.email = "li@example.org"
    inspector_user.save()
    data = form_data(client, plaque, name="王女士", phone="139 0000 2222", matter="")
    data["photo"] = jpeg_upload(size=(640, 480))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(school_url(plaque), data)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    stored = Submission.objects.get()
    shown = re.search(r"data-code>([^<]+)<", response.content.decode()).group(1)
    assert shown == stored.grouped_code and len(stored.tracking_code) == 12
    assert set(stored.tracking_code) <= set(tracking.ALPHABET)
    assert not set("01OI") & set(stored.tracking_code)
    assert stored.assigned_inspector == personas.inspector
    assert (stored.name, stored.phone) == ("王女士", "13900002222")
    assert stored.photo and stored.photo_thumbnail
    county_settings = personas.county.settings
    assert stored.due_on == county_settings.add_working_days(timezone.localdate(), 5)
    (note,) = Notification.objects.filter(user=inspector_user)
    assert personas.school_b.name in note.title and "王女士" not in note.title + note.body


def test_sending_the_same_form_twice_stores_it_once(client, plaque):
    data = form_data(client, plaque)
    first = client.post(school_url(plaque), data)
    again = client.post(school_url(plaque), data)
    assert Submission.objects.count() == 1
    code = Submission.objects.get().grouped_code
    assert code in first.content.decode() and code in again.content.decode()


def test_the_form_page_is_never_stored_so_going_back_fetches_a_fresh_token(client, plaque):
    first, second = client.get(school_url(plaque)), client.get(school_url(plaque))
    assert first["Cache-Control"] == "private, no-store"
    tokens = {
        re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
        for page in (first, second)
    }
    assert len(tokens) == 2


def test_a_replayed_form_token_with_new_content_stores_a_new_submission(client, personas, plaque):
    """Back to the cached form, a new complaint: the old token must not swallow it."""
    data = form_data(client, plaque)
    first = client.post(school_url(plaque), data)
    first_code = Submission.objects.get().grouped_code
    assert first_code in first.content.decode()

    other_text = client.post(school_url(plaque), dict(data, text="另一件事：校车司机超速。"))
    other_category = client.post(school_url(plaque), dict(data, category="suggestion"))
    other_school = client.post(school_url(plaque_of(personas.school_a)), data)
    assert Submission.objects.count() == 4
    codes = set(Submission.objects.values_list("tracking_code", flat=True))
    assert len(codes) == 4
    for response, school in (
        (other_text, personas.school_b),
        (other_category, personas.school_b),
        (other_school, personas.school_a),
    ):
        shown = re.search(r"data-code>([^<]+)<", response.content.decode()).group(1)
        assert shown != first_code
        assert Submission.objects.get(tracking_code=shown.replace("-", "")).school == school
    assert Submission.objects.filter(text="另一件事：校车司机超速。").count() == 1
    # The identical one sent again is still the first.
    assert first_code in client.post(school_url(plaque), data).content.decode()
    assert Submission.objects.count() == 4


def test_the_same_token_and_content_arriving_at_once_is_stored_once(personas):
    """The unique (token, school, content) row decides when two requests race."""
    from complaints import services

    sent = {
        "school": personas.school_b,
        "channel": "online",
        "category": "complaint",
        "text": "同时到达的两次提交。",
        "form_token": "t" * 32,
    }
    first, new = services.receive(**sent)
    assert new
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            school=personas.school_b,
            channel="online",
            category="complaint",
            text="同时到达的两次提交。",
            form_token=first.form_token,
            content_sha256=first.content_sha256,
            tracking_code="ABCDEFGHJKLM",
            due_on=first.due_on,
        )
    again, new = services.receive(**sent)
    assert (again, new) == (first, False)


# Pages of other sites ------------------------------------------------------------------------


@pytest.mark.parametrize("fetch_site", ["same-origin", "same-site", "none", None])
def test_the_schools_own_form_and_old_browsers_are_accepted(client, plaque, fetch_site):
    headers = {"HTTP_SEC_FETCH_SITE": fetch_site} if fetch_site else {}
    response = client.post(school_url(plaque), form_data(client, plaque), **headers)
    assert response.status_code == 200
    assert Submission.objects.count() == 1


def test_a_post_from_another_sites_page_is_refused_keeping_the_text_and_counts_nothing(
    client, personas, plaque
):
    _limit(personas.county, public_submissions_per_school_day=1, public_submissions_per_ip_hour=1)
    for _attempt in range(25):  # more than the 20 attempts an IP has in an hour
        data = form_data(client, plaque, text="恶意网页代发的内容。")
        refused = client.post(school_url(plaque), data, HTTP_SEC_FETCH_SITE="cross-site")
        assert refused.status_code == 403
    page = refused.content.decode()
    assert "其他网站" in page and "恶意网页代发的内容。" in page
    assert not Submission.objects.exists()
    # Neither the school's daily cap nor the visitor's own limits were used up.
    real = form_data(client, plaque, text="家长本人的投诉：食堂不卫生。")
    accepted = client.post(school_url(plaque), real, HTTP_SEC_FETCH_SITE="same-origin")
    assert accepted.status_code == 200
    assert Submission.objects.get().text == "家长本人的投诉：食堂不卫生。"


def test_a_lookup_from_another_sites_page_is_refused_and_not_counted(client, personas):
    _limit(personas.county, tracking_lookups_per_ip_hour=1)
    case = submission(personas.school_b)
    refused = track(client, personas.county, case.tracking_code, HTTP_SEC_FETCH_SITE="cross-site")
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "其他网站" in page and "等待督学核实" not in page
    found = track(client, personas.county, case.tracking_code, HTTP_SEC_FETCH_SITE="same-origin")
    assert found.status_code == 200 and "等待督学核实" in found.content.decode()


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", True),  # one /64
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),  # the next /64
        ("203.0.113.5", "::ffff:203.0.113.5", True),  # IPv4 seen through IPv6
        ("203.0.113.5", "203.0.113.6", False),
    ],
)
def test_ipv6_clients_are_counted_per_64(first, second, same):
    assert (client_key(first) == client_key(second)) is same


def test_the_rate_limit_counts_an_ipv6_clients_whole_64(client, personas, plaque, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    _limit(personas.county, public_submissions_per_ip_hour=1)
    send = lambda ip, text: client.post(  # noqa: E731
        school_url(plaque), form_data(client, plaque, text=text), HTTP_X_FORWARDED_FOR=ip
    )
    assert send("2001:db8:1:2::10", "家长甲反映：操场器材损坏。").status_code == 200
    assert send("2001:db8:1:2::abcd:20", "家长甲换个地址：操场器材损坏。").status_code == 429
    assert send("2001:db8:1:3::10", "另一户家长：操场器材损坏。").status_code == 200
    assert Submission.objects.count() == 2


def test_the_honeypot_refuses_and_keeps_the_text(client, plaque):
    data = form_data(client, plaque, website="http://spam.example")
    response = client.post(school_url(plaque), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请将最后一栏" in page and data["text"] in page
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请写下发生了什么"),
        ("   ", "请写下发生了什么"),
        ("x" * 2001, "2000"),
    ],
)
def test_bad_text_is_answered_clearly_and_nothing_is_stored(client, plaque, text, message):
    response = client.post(school_url(plaque), form_data(client, plaque, text=text))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.exists()


def test_script_tags_are_stored_as_text_and_shown_escaped(client, personas, plaque):
    text = '<script>alert("x")</script>食堂卫生差'
    bad = client.post(school_url(plaque), form_data(client, plaque, text=text, phone="abc"))
    assert bad.status_code == 400
    assert "<script>alert" not in bad.content.decode()
    assert "&lt;script&gt;alert" in bad.content.decode()  # kept, escaped
    client.post(school_url(plaque), form_data(client, plaque, text=text))
    stored = Submission.objects.get()
    assert stored.text == text
    client.force_login(personas.office)
    page = client.get(reverse("complaints:detail", args=[stored.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)" in page


def test_a_file_that_is_not_a_photo_is_refused_and_the_text_kept(client, plaque):
    data = form_data(client, plaque)
    data["photo"] = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    response = client.post(school_url(plaque), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "不是照片" in page and data["text"] in page
    assert not Submission.objects.exists()


def _limit(county, **numbers):
    settings = county.settings
    for name, value in numbers.items():
        setattr(settings, name, value)
    settings.save()


def test_rate_limit_per_client_ip_without_a_trusted_proxy(client, personas, plaque, settings):
    settings.TRUSTED_PROXIES = []
    _limit(personas.county, public_submissions_per_ip_hour=2)
    for number in range(2):
        # Without a trusted proxy a forged X-Forwarded-For changes nothing.
        data = form_data(client, plaque, text=f"第{number}条意见：校车超载。")
        assert (
            client.post(
                school_url(plaque), data, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
            ).status_code
            == 200
        )
    data = form_data(client, plaque, text="第三条意见：校车超载。")
    refused = client.post(school_url(plaque), data, HTTP_X_FORWARDED_FOR="10.0.0.9")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "一小时内" in page and "第三条意见：校车超载。" in page
    assert Submission.objects.count() == 2


def test_rate_limit_per_client_ip_behind_a_trusted_proxy(client, personas, plaque, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    _limit(personas.county, public_submissions_per_ip_hour=1)
    send = lambda ip, text: client.post(  # noqa: E731
        school_url(plaque), form_data(client, plaque, text=text), HTTP_X_FORWARDED_FOR=ip
    )
    assert send("203.0.113.5", "家长甲反映：午餐分量不足。").status_code == 200
    assert send("203.0.113.6", "家长乙反映：午餐分量不足。").status_code == 200
    assert send("203.0.113.5", "家长甲再次反映：午餐分量不足。").status_code == 429
    assert Submission.objects.count() == 2


def test_failing_attempts_are_limited_too_before_any_photo_is_decoded(
    client, personas, plaque, monkeypatch
):
    _limit(personas.county, public_submissions_per_ip_hour=1)  # 20 attempts an hour
    decoded = []
    monkeypatch.setattr("complaints.forms.process_photo", lambda *args, **kwargs: decoded.append(1))
    for _attempt in range(20):
        data = form_data(client, plaque, text="")
        data["photo"] = jpeg_upload()
        assert client.post(school_url(plaque), data).status_code == 400
    data = form_data(client, plaque, text="这次写了内容：学校乱收费。")
    data["photo"] = jpeg_upload()
    refused = client.post(school_url(plaque), data)
    assert refused.status_code == 429
    assert "尝试次数过多" in refused.content.decode()
    assert "这次写了内容：学校乱收费。" in refused.content.decode()
    assert len(decoded) == 20 and not Submission.objects.exists()


def test_rate_limit_per_school(client, personas, plaque, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    _limit(personas.county, public_submissions_per_school_day=2)
    for number in range(3):
        response = client.post(
            school_url(plaque),
            form_data(client, plaque, text=f"第{number}位家长：厕所太脏。"),
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    assert response.status_code == 429 and "今天收到的反映过多" in response.content.decode()
    assert Submission.objects.count() == 2


def test_rate_limits_fail_open_when_the_cache_is_down(
    client, personas, plaque, monkeypatch, caplog
):
    _limit(personas.county, public_submissions_per_ip_hour=1)

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("dudao.ratelimit.cache.add", down)
    with caplog.at_level(logging.WARNING, logger="dudao.ratelimit"):
        for number in range(3):
            data = form_data(client, plaque, text=f"第{number}次反映：操场积水。")
            assert client.post(school_url(plaque), data).status_code == 200
    assert Submission.objects.count() == 3
    assert "cache is unavailable" in caplog.text


def test_rate_limits_fail_open_when_redis_is_down(client, personas, plaque, monkeypatch, caplog):
    """Production's cache with its Redis unreachable: every submission goes through, logged."""
    _limit(personas.county, public_submissions_per_ip_hour=1)
    monkeypatch.setattr("dudao.ratelimit.cache", FailOpenRedisCache("redis://127.0.0.1:1/0", {}))
    with caplog.at_level(logging.WARNING, logger="dudao.cache"):
        for number in range(2):
            data = form_data(client, plaque, text=f"第{number}次反映：宿舍没有热水。")
            assert client.post(school_url(plaque), data).status_code == 200
    assert Submission.objects.count() == 2
    assert "Cache unavailable" in caplog.text


@pytest.mark.redis
def test_rate_limits_count_in_redis(client, personas, plaque, monkeypatch):
    redis_cache = FailOpenRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-complaints"})
    redis_cache.clear()
    monkeypatch.setattr("dudao.ratelimit.cache", redis_cache)
    _limit(personas.county, public_submissions_per_ip_hour=1)
    first = form_data(client, plaque, text="第一次反映：宿舍没有热水。")
    assert client.post(school_url(plaque), first).status_code == 200
    second = form_data(client, plaque, text="第二次反映：宿舍没有热水。")
    assert client.post(school_url(plaque), second).status_code == 429
    redis_cache.clear()


# Tracking -----------------------------------------------------------------------------------


def track(client, county, code, **extra):
    return client.post(reverse("public:track", args=[county.code]), {"code": code}, **extra)


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_the_code_shows_only_that_submissions_state_and_reply(client, personas, plaque):
    case = submission(personas.school_b, name="赵家长", phone="13900003333")
    case.answer(
        personas.inspector_user,
        summary="核实属实，已约谈学校。",
        reply="已督促学校整改，谢谢监督。",
    )
    other = submission(personas.school_b, text="另一条投诉的内容")
    typed = " ".join(case.grouped_code.lower().split("-"))  # lower case, spaces: still found
    response = track(client, personas.county, typed)
    page = response.content.decode()
    assert response.status_code == 200 and response["Referrer-Policy"] == "no-referrer"
    assert "已督促学校整改，谢谢监督。" in page and "已答复办结" in page
    assert case.text not in page and "赵家长" not in page and "13900003333" not in page
    assert other.text not in page and "核实属实" not in page


def test_wrong_and_malformed_codes_get_the_same_answer(client, personas, plaque):
    submission(personas.school_b)
    answers = {
        _without_tokens(track(client, personas.county, code).content.decode())
        for code in ("ABCD-EFGH-JKLM", "0000-OOOO-1111", "x", "' OR 1=1 --" * 20, "A" * 12)
    }
    assert len(answers) == 1
    assert "没有与此查询码对应的记录" in answers.pop()


def test_a_code_is_found_only_in_its_own_county(client, personas):
    case = submission(personas.school_b)
    page = track(client, personas.other_county, case.tracking_code).content.decode()
    assert "没有与此查询码对应的记录" in page


def test_tracking_is_rate_limited(client, personas, settings):
    settings.TRUSTED_PROXIES = []
    _limit(personas.county, tracking_lookups_per_ip_hour=3)
    case = submission(personas.school_b)
    for _attempt in range(3):
        track(client, personas.county, "ABCD-EFGH-JKLM")
    refused = track(client, personas.county, case.tracking_code)
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    assert "等待督学核实" not in refused.content.decode()


def test_nothing_lists_or_reaches_submissions_without_a_login(client, personas, plaque):
    case = submission(personas.school_b)
    for url in (
        reverse("complaints:list"),
        reverse("complaints:detail", args=[case.pk]),
        reverse("complaints:photo", args=[case.pk, "full"]),
        reverse("complaints:export"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # A code in a URL is never read; guessed addresses do not exist.
    assert (
        case.tracking_code
        not in client.get(
            reverse("public:track", args=[personas.county.code]) + f"?code={case.tracking_code}"
        ).content.decode()
    )
    assert client.get(f"/p/{'a' * 10}").status_code == 404
    assert client.get(f"/p/{plaque.slug}/{case.pk}").status_code == 404
    closed = personas.school_b
    closed.is_active = False
    closed.save()
    assert client.get(school_url(plaque)).status_code == 404


def test_the_county_page_lists_contacts_announcements_zones_and_finds_schools(
    client, personas, plaque, django_assert_max_num_queries
):
    county = personas.county
    county.complaint_phone = "0971-2233445"
    county.office_address = "鲁沙尔镇和平路1号"
    county.save()
    zone = factories.ZoneFactory(county=county, name="鲁沙尔责任区")
    personas.inspector.zone = zone
    personas.inspector.save()
    # An inspector of the zone who covers no school is on no plaque: not shown.
    factories.InspectorFactory(county=county, zone=zone, name="闲置督学")
    Announcement.objects.create(
        county=county,
        title="关于公布责任督学名单的公告",
        body="现将名单公布如下。",
        published_on=datetime.date(2026, 3, 1),
        created_by=personas.office,
    )
    Announcement.objects.create(
        county=county,
        title="草稿公告",
        body="未发布",
        is_published=False,
        created_by=personas.office,
    )
    url = reverse("public:county", args=[county.code])
    with django_assert_max_num_queries(8):
        page = client.get(url, {"q": "第二小学"}).content.decode()
    assert "0971-2233445" in page and "鲁沙尔镇和平路1号" in page
    assert "关于公布责任督学名单的公告" in page and "2026-03-01" in page and "草稿公告" not in page
    assert "鲁沙尔责任区" in page and personas.inspector.name in page
    assert "闲置督学" not in page
    assert school_url(plaque) in page
    # A school without a plaque has no public page to find.
    assert personas.school_a.name not in client.get(url, {"q": "中心学校"}).content.decode()
