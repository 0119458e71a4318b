"""Lighter rendering, same HTML: the project's select (templates/django/forms/widgets/select.html)
writes Django's options with one template per select instead of one per option, and the filter
bars' fields written in Python (dudao.layout.FilterHelper) are crispy-bootstrap5's markup."""

import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer
from django.template import Context, Template
from django.test.signals import template_rendered
from django.utils.safestring import mark_safe

from dudao.layout import FilterHelper, LeanHelper
from dudao.widgets import FormRenderer


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


class EveryWidget(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(
            attrs={
                "placeholder": 'x "y" <z>',
                "data-on": True,
                "off": False,
                "safe": mark_safe("<b>"),
            }
        )
    )
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    tick = forms.BooleanField()
    ticks = forms.MultipleChoiceField(
        choices=[(1, "a"), (2, "b")], widget=forms.CheckboxSelectMultiple
    )
    radio = forms.ChoiceField(choices=[(1, "a"), (2, "b")], widget=forms.RadioSelect)
    hidden = forms.CharField(widget=forms.HiddenInput)
    upload = forms.FileField()
    count = forms.IntegerField()
    mail = forms.EmailField()
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    site = forms.URLField(assume_scheme="https")
    clock = forms.TimeField()
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A & <b>")])
    kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
    plain = forms.CharField(widget=forms.widgets.Input(attrs={"type": "month"}))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": "v&<", "day": "2026-01-02", "note": "x", "tick": "on", "ticks": ["1"]},
        {"radio": "2", "hidden": '"h"'},
        {
            "count": "12<",
            "mail": "a'b\"@x",
            "secret": "<s>",
            "site": "http://x?a=1&b=2",
            "clock": "25:00",
            "kind": "a",
            "kinds": ["a", "b"],
            "plain": "2026-11",
        },
    ],
)
def test_every_widget_writes_djangos_html_with_the_project_attributes(data):
    """The project's form renderer writes inputs and selects in Python, and its input.html and
    attrs.html write the attributes in Python (``dudao.widgets``); the HTML is Django's to the
    byte."""

    def rendered(renderer, names=EveryWidget.base_fields):
        form = EveryWidget(data, renderer=renderer)
        return "".join(str(form[name]) for name in names)

    assert isinstance(get_default_renderer(), FormRenderer)
    assert rendered(get_default_renderer()) == rendered(TemplatesSetting())
    # Django's select writes its options indented (see the tests above); all else is the same.
    unselected = [name for name in EveryWidget.base_fields if name not in ("kind", "kinds")]
    assert rendered(get_default_renderer(), unselected) == rendered(DjangoTemplates(), unselected)


class FilterBar(forms.Form):
    q = forms.CharField(label='Search "<b>"', required=False, help_text="Name or code")
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All"), ("a", "A")])
    day = forms.DateField(
        label="Day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    flagged = forms.BooleanField(label="Flagged", required=False)
    overdue = forms.BooleanField(label="Overdue", required=False)

    def __init__(self, *args, lean=False, show_labels=True, label_class="", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FilterHelper() if lean else FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_show_labels = show_labels
        self.helper.label_class = label_class
        self.helper.layout = Layout(
            Div("q", css_class="col-4", css_id="search-box", data_hint='a "b"'),
            Row(Column("kind", css_class="col-6"), Column("day"), css_class="g-2"),
            Div(Field("flagged"), css_class="pb-2"),
            Div("overdue"),
        )


def _markup(html):
    """Tags and text, whatever the whitespace; without crispy's unstyled widget classes."""
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*(<|>)\s*", r"\1", html).replace(" >", ">")
    return re.sub(r'class="(?:select|textinput|dateinput|checkboxinput) ', 'class="', html)


@pytest.mark.parametrize("label_class", ["", "visually-hidden"])
@pytest.mark.parametrize("show_labels", [True, False])
@pytest.mark.parametrize(
    "data",
    [None, {"q": "x", "kind": "a", "flagged": "on", "overdue": "on"}, {"kind": "z", "day": "x"}],
)
def test_the_filter_bars_fields_are_written_in_crispys_markup(rf, data, show_labels, label_class):
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    rendered, templates = [], []

    def record(sender, template, **kwargs):
        templates.append(template.name)

    template_rendered.connect(record)
    try:
        for lean in (False, True):
            templates.clear()
            form = FilterBar(data, lean=lean, show_labels=show_labels, label_class=label_class)
            form.is_valid()
            context = Context({"form": form, "request": rf.get("/")})
            rendered.append(_markup(template.render(context)))
    finally:
        template_rendered.disconnect(record)
    crispys, ours = rendered
    assert ours == crispys
    assert "Search &quot;&lt;b&gt;&quot;" in ours or not show_labels
    # The plain names and their divs were written in Python; the crispy Field kept its template.
    assert templates.count("bootstrap5/field.html") == 1
    containers = ("bootstrap5/layout/div.html", "bootstrap5/layout/row.html")
    assert not set(containers + ("bootstrap5/layout/column.html",)) & set(templates)
    if data and "day" in data:
        assert "is-invalid" in ours and 'class="invalid-feedback"' in ours


def test_a_filter_bars_help_text_is_escaped(rf):
    """crispy marks a help text safe; no filter needs markup, so the lean bar escapes it."""
    form = FilterBar(None, lean=True)
    form.fields["q"].help_text = "Name <i>or</i> code"
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": form, "request": rf.get("/")})
    )
    assert "Name &lt;i&gt;or&lt;/i&gt; code" in html and "<i>" not in html


class StepLike(forms.Form):
    """A small POST form as an item's steps are: required fields, a text area, radios and a
    file, the last two left to crispy (``dudao.layout.crispy_renders``)."""

    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.ChoiceField(label="Level", choices=[("a", "A"), ("b", "B")])
    deadline = forms.DateField(label="New deadline", widget=forms.DateInput(attrs={"type": "date"}))
    still = forms.ChoiceField(
        label="Still?", choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect
    )
    photo = forms.FileField(label="Photo", required=False, help_text="Up to 10")

    def __init__(self, *args, lean=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = LeanHelper() if lean else FormHelper()
        self.helper.form_action = "/step/"
        self.helper.layout = Layout(*self.fields)


@pytest.mark.parametrize("data", [None, {"reason": "", "level": "z", "deadline": "x"}])
def test_a_lean_forms_fields_are_written_in_crispys_markup(rf, data):
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    request = rf.get("/")
    rendered = []
    for lean in (False, True):
        form = StepLike(data, lean=lean)
        form.is_valid()
        html = template.render(Context({"form": form, "request": request}))
        rendered.append(_markup(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)))
    crispys, ours = rendered
    assert ours == crispys
    assert 'type="radio"' in ours and 'type="file"' in ours
    if data:
        assert ours.count('class="invalid-feedback"') >= 3
