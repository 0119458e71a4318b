"""The office's pages of public supervision: announcements (written, edited, refused when
wrong) and the public settings, whose address change never moves a printed plaque."""

import datetime

import pytest
from django.urls import reverse

from complaints.models import Announcement
from inspectors.models import Plaque
from tests.factories_plaques import plaque_of

pytestmark = pytest.mark.django_db


def announcement_data(**overrides):
    data = {
        "title": "关于公布责任督学名单的公告",
        "published_on": "2026-03-01",
        "body": "现将本县责任督学名单公布如下。",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_the_office_writes_an_announcement_that_the_public_page_shows(client, personas):
    client.force_login(personas.office)
    url = reverse("complaints:announcement_create")
    assert client.get(url).status_code == 200
    response = client.post(url, announcement_data(), follow=True)
    assert response.redirect_chain == [(reverse("complaints:announcements"), 302)]
    assert "公告已保存。" in response.content.decode()
    saved = Announcement.objects.get()
    assert (saved.county, saved.created_by) == (personas.county, personas.office)
    assert saved.published_on == datetime.date(2026, 3, 1) and saved.is_published
    public = client.get(reverse("public:county", args=[personas.county.code])).content.decode()
    assert saved.title in public and "2026-03-01" in public


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "这个字段是必填项。"),
        ({"body": "   "}, "这个字段是必填项。"),
        ({"published_on": "2026-13-45"}, "输入一个有效的日期。"),
        ({"body": "长" * 5001}, "5000"),
        ({"title": "题" * 101}, "100"),
    ],
)
def test_a_bad_announcement_is_refused_in_chinese_keeping_the_text(
    client, personas, overrides, message
):
    client.force_login(personas.office)
    data = announcement_data(**overrides)
    response = client.post(reverse("complaints:announcement_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    kept = data["body"] if data["body"].strip() else data["title"]
    assert kept in page
    assert not Announcement.objects.exists()


def test_the_office_edits_an_announcement_and_a_bad_edit_changes_nothing(client, personas):
    announcement = Announcement.objects.create(
        county=personas.county, title="旧标题", body="旧内容", created_by=personas.office
    )
    client.force_login(personas.office)
    url = reverse("complaints:announcement_edit", args=[announcement.pk])
    assert "旧标题" in client.get(url).content.decode()
    response = client.post(url, announcement_data(title="新标题", is_published=""))
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "新标题" and not announcement.is_published
    public = client.get(reverse("public:county", args=[personas.county.code])).content.decode()
    assert "新标题" not in public  # taken off the public page

    bad = client.post(url, announcement_data(title="", body="改过的内容"))
    assert bad.status_code == 200
    assert "这个字段是必填项。" in bad.content.decode() and "改过的内容" in bad.content.decode()
    announcement.refresh_from_db()
    assert (announcement.title, announcement.body) == ("新标题", "现将本县责任督学名单公布如下。")


def test_another_countys_announcement_cannot_be_edited(client, personas):
    foreign = Announcement.objects.create(
        county=personas.other_county, title="外县公告", body="内容", created_by=personas.office
    )
    client.force_login(personas.office)
    url = reverse("complaints:announcement_edit", args=[foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, announcement_data()).status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "外县公告"


# Public settings ------------------------------------------------------------------------------


def settings_data(**overrides):
    data = {
        "complaint_phone": "0971-2233445",
        "office_phone": "0971-2233446",
        "office_address": "鲁沙尔镇和平路1号",
        "office_email": "dudao@example.gov.cn",
        "public_base_url": "https://dudao.huangzhong.example.gov.cn",
    }
    data.update(overrides)
    return data


def test_changing_the_public_address_warns_and_keeps_the_printed_one(client, personas, settings):
    settings.SITE_URL = "http://testserver.example"
    plaque = plaque_of(personas.school_b)
    printed = plaque.public_url
    client.force_login(personas.office)
    url = reverse("complaints:public_settings")
    form = client.get(url).content.decode()
    assert "已制发的公示牌保留其上印制的地址" in form and "本县已制发 1 块公示牌" in form

    response = client.post(url, settings_data(), follow=True)
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "社会监督设置已保存。" in page
    assert "已制发的 1 块公示牌保留其上印制的地址（http://testserver.example/p/…）" in page
    county = personas.county
    county.refresh_from_db()
    assert county.public_base_url == "https://dudao.huangzhong.example.gov.cn"
    assert county.complaint_phone == "0971-2233445"
    assert Plaque.objects.get(pk=plaque.pk).public_url == printed
    assert plaque_of(personas.school_a).public_url.startswith(
        "https://dudao.huangzhong.example.gov.cn/p/"
    )
    # Saved again without a change of address: no warning.
    again = client.post(url, settings_data(office_phone="0971-2233447"), follow=True)
    assert "保留其上印制的地址（" not in again.content.decode()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("not a web address", "请输入有效的网址"),
        ("https://dudao.example.gov.cn/schools", "请填写不带路径的地址"),
    ],
)
def test_a_bad_public_address_is_refused_in_chinese(client, personas, address, message):
    client.force_login(personas.office)
    response = client.post(
        reverse("complaints:public_settings"),
        settings_data(public_base_url=address, office_address="新地址：和平路2号"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "新地址：和平路2号" in page
    county = personas.county
    county.refresh_from_db()
    assert county.public_base_url == "" and county.office_address == ""
