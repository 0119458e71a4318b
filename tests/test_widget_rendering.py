"""The project's select template (templates/django/forms/widgets/select.html) writes the same
options as Django's, with one template per select instead of one per option."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe


class ChoiceForm(forms.Form):
    single = forms.ChoiceField(
        choices=[
            ("", "All"),
            ("x", "X <b>"),
            ("safe", mark_safe("<i>kept</i>")),
            ('"q"', "Quote's & more"),
            ("Group <g>", [("g1", "G1"), ("g2", "G2")]),
        ],
        widget=forms.Select(
            attrs={"data-autosubmit": "", "aria-label": 'Single "one"', "disabled": False}
        ),
    )
    several = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two")])


def _rendered(renderer, data):
    form = ChoiceForm(data, renderer=renderer)
    return str(form["single"]) + str(form["several"])


def _tags(html):
    return re.sub(r">\s+<", "><", html)


def test_the_project_renderer_uses_the_project_select():
    html = _rendered(get_default_renderer(), None)
    assert "\n\n" not in html  # Django's includes leave a blank line after each option


def test_same_options_as_djangos_select():
    for data in (None, {"single": "g1", "several": ["2"]}, {"single": '"q"'}):
        ours = _rendered(get_default_renderer(), data)
        djangos = _rendered(DjangoTemplates(), data)
        assert _tags(ours) == _tags(djangos)
    assert '<option value="g1" selected>G1</option>' in _tags(
        _rendered(get_default_renderer(), {"single": "g1"})
    )
    assert "X &lt;b&gt;" in _rendered(get_default_renderer(), None)
