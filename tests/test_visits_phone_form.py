"""The record form on a phone: one-tap judgements, required fields marked, problems only in
problem rows, and co-inspectors picked from the school's own inspectors or found by name."""

import re

import pytest
from django.urls import reverse

from tests import factories
from visits.models import Judgement

pytestmark = pytest.mark.django_db


def edit_page(client, visit, **params) -> str:
    response = client.get(reverse("visits:visit_edit", args=[visit.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def co_inspector_values(page: str) -> set[str]:
    return set(re.findall(r'name="co_inspectors" id="[^"]+" value="(\d+)"', page))


def test_judgements_are_segmented_radio_buttons_without_a_tick(inspector_client, draft):
    page = edit_page(inspector_client, draft)
    assert "looked_at" not in page
    assert page.count('type="radio" class="btn-check"') == 8 * (len(Judgement.choices) + 1)
    assert page.count('name="matters-5-judgement"') == len(Judgement.choices) + 1
    assert 'value="" checked' in page  # "not looked at" until judged
    assert "其余均正常" in page and 'id="rest-normal-bar" hidden' in page


def test_required_fields_are_marked(inspector_client, draft):
    page = edit_page(inspector_client, draft)
    assert 'class="mb-3 toggle-field required-on-submit"' in page  # methods
    assert 'fieldset class="mb-3 required-on-submit" id="matters"' in page
    assert re.search(r'id="div_id_feedback_to_school" class="[^"]*required-on-submit', page)
    assert 'aria-required="true"' in page
    assert "提交记录时必填" in page


def test_problems_are_typed_only_into_problem_rows(inspector_client, draft):
    page = edit_page(inspector_client, draft)
    assert 'name="problems_text"' not in page
    assert "只有上方“需整改的问题”才会生成整改事项" in page  # under the suggestions
    draft.problems_text = "旧草稿里的问题"
    draft.save()
    page = edit_page(inspector_client, draft)
    assert 'name="problems_text"' in page and "不生成整改事项" in page


def test_co_inspectors_list_the_schools_own_not_the_whole_county(
    inspector_client, personas, draft, django_assert_max_num_queries
):
    own = factories.InspectorFactory(county=personas.county, name="何宗林")
    factories.AssignmentFactory(inspector=own, school=draft.school)
    others = [
        factories.InspectorFactory(county=personas.county, name=f"王督学{n}") for n in range(30)
    ]
    draft.co_inspectors.add(others[0])  # chosen before: stays listed
    with django_assert_max_num_queries(40):
        page = edit_page(inspector_client, draft)
    assert co_inspector_values(page) == {str(own.pk), str(others[0].pk)}
    assert str(personas.inspector.pk) not in co_inspector_values(page)  # not the visit's own

    # Without JavaScript: "Find" saves the draft and reopens it with the matches listed.
    response = inspector_client.post(
        reverse("visits:visit_edit", args=[draft.pk]),
        {"action": "find_co_inspectors", "co_search": "王督学1", "co_inspectors": [others[0].pk]},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        "?co=%E7%8E%8B%E7%9D%A3%E5%AD%A61"
    )
    page = edit_page(inspector_client, draft, co="王督学1")
    expected = {own, others[0], *(i for i in others if i.name.startswith("王督学1"))}
    assert co_inspector_values(page) == {str(i.pk) for i in expected}
    assert "已列在上方" in page


def test_co_inspector_search_finds_by_name_in_the_county_only(inspector_client, personas, draft):
    found = factories.InspectorFactory(county=personas.county, name="马海燕")
    factories.InspectorFactory(county=personas.other_county, name="马海龙")  # another county
    url = reverse("visits:co_inspector_search", args=[draft.pk])
    answer = inspector_client.get(url, {"q": "马海"}).json()
    assert answer == {"results": [{"id": found.pk, "name": "马海燕"}]}
    assert inspector_client.get(url, {"q": "李督学"}).json() == {"results": []}  # the visit's own
    assert inspector_client.get(url, {"q": "  "}).json() == {"results": []}
    assert inspector_client.get(url, {"q": "\x00"}).status_code == 400  # refused before the view
    for n in range(25):
        factories.InspectorFactory(county=personas.county, name=f"张{n}")
    assert len(inspector_client.get(url, {"q": "张"}).json()["results"]) == 20


def test_co_inspectors_chosen_from_a_search_are_saved(inspector_client, personas, draft):
    found = factories.InspectorFactory(county=personas.county, name="马海燕")
    stranger = factories.InspectorFactory(county=personas.other_county, name="周督学2")
    url = reverse("visits:visit_autosave", args=[draft.pk])
    inspector_client.post(url, {"co_inspectors": [found.pk]})
    assert list(draft.co_inspectors.all()) == [found]
    inspector_client.post(url, {"co_inspectors": [found.pk, stranger.pk]})  # tampered
    assert list(draft.co_inspectors.all()) == [found]
