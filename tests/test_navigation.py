"""The navigation bar: every entry opens for the roles that see it, and the bar stays short."""

import pytest

from accounts.navigation import menu_for

pytestmark = pytest.mark.django_db


def _links(menu):
    for entry in menu:
        yield from entry["children"] or [entry]


@pytest.mark.parametrize("role", ["principal", "inspector", "committee", "office", "superuser"])
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
    assert len(menu) <= 8
    (manage,) = [entry for entry in menu if entry["children"]]
    assert [str(link["label"]) for link in manage["children"]] == [
        "督导委员会",
        "账号管理",
        "导入",
        "县区设置",
    ]
