"""The options of a select and a widget's attributes, written in Python: template library
``widgets`` (settings.TEMPLATES), used by the project's ``django/forms/widgets/`` templates; and
the project's form renderer (``FORM_RENDERER``), which writes the inputs and selects themselves
in Python as those templates would.

Django's select renders a template per option, and even ``format_html`` per option spends about
180 Python calls on escaping through lazy-aware wrappers: a county's townships cost more than the
rest of a list page's filter bar. The HTML is Django's: every value, label and attribute escaped
(``html.escape``, which Django's ``escape`` calls; text already marked safe kept as it is),
attributes written as ``attrs.html`` does (True as a bare name, False left out).
"""

from html import escape

from django import template
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeString

register = template.Library()


def escaped(value) -> str:
    """As the template's ``{{ value }}`` writes it: text escaped, HTML marked safe kept."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


@register.filter(name="widget_attrs")
def _attrs(attrs: dict) -> SafeString:
    """A widget's attributes as Django's ``attrs.html`` writes them (used by the project's
    ``attrs.html``, ``input.html`` and ``select.html``: an include and a loop of template
    tags per widget cost a filter bar more than its own markup)."""
    # Safe: every name and value goes through escaped().
    return SafeString(
        "".join(
            f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def _option(option: dict) -> str:
    value, label = escaped(option["value"]), escaped(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'


@register.filter
def select_options(optgroups) -> SafeString:
    """The ``<option>``s (and ``<optgroup>``s) of a select widget's ``optgroups``."""
    parts = []
    for group_name, choices, _index in optgroups:
        options = "".join(_option(option) for option in choices)
        if group_name:
            options = f'<optgroup label="{escaped(group_name)}">\n{options}</optgroup>\n'
        parts.append(options)
    # Safe: every value written above went through escaped().
    return SafeString("".join(parts))


WIDGETS = "django/forms/widgets/"
SELECT = f"{WIDGETS}select.html"
# Django's templates of these widgets include input.html (and a renderer strips the line breaks).
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "input",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _input(widget: dict) -> str:
    """The project's ``input.html``: ``value`` as ``stringformat:'s'`` writes it, escaped."""
    value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
    name, kind = escaped(widget["name"]), escaped(widget["type"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


class FormRenderer(TemplatesSetting):
    """Widgets rendered with the project's template settings (cached loader, ``templates/``
    first), but an input or a select, most of every form and each filter bar, written here:
    the same bytes as their templates (tests compare) without a template render each, which
    cost a list's filter bar a tenth of the page."""

    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return _input(context["widget"])
        if template_name == SELECT:
            widget = context["widget"]
            name, attrs = escaped(widget["name"]), _attrs(widget["attrs"])
            return f'<select name="{name}"{attrs}>\n{select_options(widget["optgroups"])}</select>'
        return super().render(template_name, context, request)
