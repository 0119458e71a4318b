"""The navigation bar: every entry opens for the roles that see it, and the bar stays short."""

import pytest
from django.urls import reverse

from accounts.navigation import menu_for

pytestmark = pytest.mark.django_db


def _links(menu):
    for entry in menu:
        yield from entry["children"] or [entry]


@pytest.mark.parametrize(
    "role", ["principal", "inspector", "committee", "office", "superuser", "region"]
)
def test_every_entry_opens_for_its_role(client, personas, role):
    user = personas.by_role()[role]
    client.force_login(user)
    links = list(_links(menu_for(user)))
    assert links
    assert len({link["url"] for link in links}) == len(links), "an entry appears twice"
    for link in links:
        assert client.get(link["url"]).status_code == 200, (role, link["url"])


def test_office_bar_groups_the_management_pages(personas):
    menu = menu_for(personas.office)
    assert len(menu) <= 9
    groups = {str(entry["label"]): entry for entry in menu if entry["children"]}
    manage = groups["管理"]
    assert [str(link["label"]) for link in groups["社会监督"]["children"]] == [
        "投诉办理",
        "公示牌",
        "公告",
        "公开页面设置",
    ]
    assert [str(link["label"]) for link in manage["children"]] == [
        "督导委员会",
        "县直部门",
        "账号管理",
        "导入",
        "县区设置",
    ]


def test_the_bar_marks_the_page_it_is_on(client, personas):
    client.force_login(personas.office)
    page = client.get(reverse("inspectors:plaque_list")).content.decode()
    bar = page[
        page.index('<ul class="navbar-nav me-auto">') : page.index('<ul class="navbar-nav">')
    ]
    assert bar.count(" active") == 1
    assert f'<a class="dropdown-item active" href="{reverse("inspectors:plaque_list")}">' in bar
    # Every entry of the office's menu is a link of the bar, groups as dropdowns.
    for entry in menu_for(personas.office):
        assert str(entry["label"]) in bar
        for link in entry["children"]:
            assert f'href="{link["url"]}">{link["label"]}</a>' in bar
    assert bar.count('class="nav-item dropdown"') == sum(
        1 for entry in menu_for(personas.office) if entry["children"]
    )


# Error pages: the base layout in Chinese with a way home; 500 renders without a request ------


@pytest.mark.parametrize("role", ["anonymous", "principal", "office"])
def test_404_page_in_chinese_with_a_link_home(client, personas, role, settings):
    settings.DEBUG = False
    user = personas.by_role()[role]
    if user:
        client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到页面" in page and 'href="/"' in page
    assert 'class="navbar' in page  # the base layout


def test_404_for_another_schools_page_uses_the_page(client, personas, settings):
    settings.DEBUG = False
    client.force_login(personas.principal)
    response = client.get(f"/schools/{personas.school_b.pk}/")
    assert response.status_code == 404 and "找不到页面" in response.content.decode()


def test_403_page_in_chinese(client, personas, settings):
    settings.DEBUG = False
    client.force_login(personas.committee)
    response = client.post("/schools/settings/", {})
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


def test_500_page_renders_without_a_request(settings):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错" in page and 'href="/"' in page and "style=" not in page


def test_principal_bar_links_to_their_own_school(client, personas):
    principal = personas.principal
    own = reverse("schools:school_detail", args=[personas.school_a.pk])
    links = {str(link["label"]): link["url"] for link in _links(menu_for(principal))}
    assert links["本校"] == own
    client.force_login(principal)
    page = client.get(own).content.decode()
    assert f'class="nav-link active" href="{own}"' in page
    # A principal login not tied to a school gets no such entry rather than a broken link.
    principal.school = None
    assert "本校" not in {str(link["label"]) for link in _links(menu_for(principal))}


def test_the_bar_is_written_once_per_set_of_roles_and_marks_each_page(client, personas):
    """Kept per roles, language and the user's own links (``navigation.menu_html``): the active
    link follows the page, each principal gets their own school and English stays English."""
    from accounts import navigation
    from tests import factories

    navigation._menus.clear()
    client.force_login(personas.office)
    visits, schools = reverse("visits:visit_list"), reverse("schools:school_list")
    on_visits = client.get(visits).content.decode()
    on_schools = client.get(schools).content.decode()
    assert f'class="nav-link active" href="{visits}"' in on_visits
    assert f'class="nav-link" href="{schools}"' in on_visits
    assert f'class="nav-link active" href="{schools}"' in on_schools
    assert f'class="nav-link" href="{visits}"' in on_schools
    assert len(navigation._menus) == 1

    client.force_login(personas.principal)
    own = reverse("schools:school_detail", args=[personas.school_a.pk])
    assert f'href="{own}">本校' in client.get(reverse("home")).content.decode()
    other = factories.UserFactory(
        username="principal_b", county=personas.county, role="principal", school=personas.school_b
    )
    client.force_login(other)
    theirs = reverse("schools:school_detail", args=[personas.school_b.pk])
    page = client.get(reverse("home")).content.decode()
    assert f'href="{theirs}">本校' in page and f'href="{own}"' not in page

    client.force_login(personas.office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(visits).content.decode()
    assert f'class="nav-link active" href="{visits}">Visit records' in english
