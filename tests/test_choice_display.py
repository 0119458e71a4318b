"""``get_FOO_display`` (dudao.choices): one label translated per call, in the active language."""

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


def test_translates_only_the_label_it_shows():
    school = School(kind=SchoolKind.PRIMARY)
    with translation.override("zh-hans"):
        school.get_kind_display()  # the field's map is built once, untranslated
        with mock.patch(
            "django.utils.translation._trans.gettext", wraps=translation._trans.gettext
        ) as gettext:
            school.get_kind_display()
    assert gettext.call_count == 1


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
