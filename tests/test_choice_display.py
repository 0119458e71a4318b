"""``get_FOO_display`` (dudao.choices): the label shown, translated once per language."""

from unittest import mock

from django.apps import apps
from django.utils import translation

from schools.models import School, SchoolKind


def test_shows_the_label_in_the_active_language():
    school = School(kind=SchoolKind.PRIMARY)
    with translation.override("zh-hans"):
        assert school.get_kind_display() == "小学"
    with translation.override("en"):
        assert school.get_kind_display() == "Primary school"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert School(kind="unheard_of").get_kind_display() == "unheard_of"


def test_translates_only_the_label_it_shows_once_per_language():
    school = School(kind=SchoolKind.JUNIOR)
    with mock.patch(
        "django.utils.translation._trans.gettext", wraps=translation._trans.gettext
    ) as gettext:
        for language, label in (("zh-hans", "初级中学"), ("en", "Junior secondary school")):
            with translation.override(language):
                shown = [school.get_kind_display() for _ in range(3)]
            assert shown == [label] * 3
    assert gettext.call_count <= 2  # the label shown, in each language, and nothing else


def test_every_project_model_uses_it():
    from dudao.choices import _get_field_display

    replaced = [
        model.__dict__[f"get_{field.name}_display"]
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.choices and field.model is model
    ]
    assert replaced
    assert all(method.func is _get_field_display for method in replaced)
