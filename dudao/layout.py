"""Crispy layout objects that carry values safely, and the lean helper of filter bars and forms.

crispy's ``HTML()`` compiles its string as a Django template, so a URL or label placed in it
would be evaluated (``{{ request.COOKIES }}`` in a ``?next=`` would come out). These objects
render a fixed template and pass their values through the context, where they are escaped.
"""

from collections.abc import Callable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Row
from crispy_forms.templatetags.crispy_forms_field import (
    is_checkbox,
    is_checkboxselectmultiple,
    is_clearable_file,
    is_file,
    is_multivalue,
    is_radioselect,
    is_select,
)
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from dudao.snapshots import kept_for_version, snapshot_key
from dudao.widgets import escaped


class LinkButton:
    """A link styled as a button, e.g. "Cancel" back to where the user came from."""

    template = "dudao/link_button.html"

    def __init__(self, label, url: str, *, css_class: str = "btn btn-outline-secondary"):
        self.label = label
        self.url = url
        self.css_class = css_class

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return render_to_string(
            self.template, {"label": self.label, "url": self.url, "css_class": self.css_class}
        )


def _with_classes(field, css_class: str) -> str:
    """The field's widget HTML with crispy's class for the widget and ``css_class`` added, as
    crispy's ``{% crispy_field field 'class' css_class %}`` writes it."""
    widget = field.field.widget
    converters = getattr(settings, "CRISPY_CLASS_CONVERTERS", {})
    for each in getattr(widget, "widgets", [getattr(widget, "widget", widget)]):
        name = each.__class__.__name__.lower()
        name = converters.get(name, name)
        classes = each.attrs.get("class", "")
        if not classes:
            classes = name
        elif name not in classes:
            classes += f" {name}"
        for added in css_class.split():
            if added not in classes.split():
                classes += f" {added}"
        each.attrs["class"] = classes
    return str(field)


def filter_field_html(field, context) -> str:
    """A field of a ``LeanHelper`` form (not one ``crispy_renders``; not a horizontal form) in the
    markup of crispy-bootstrap5's field.html, written in Python: its template (a dozen checks,
    three includes, the whole context copied) cost a visit list's ten filters a fifth of the
    page. ``context`` holds the helper's settings (labels shown, label and field classes).
    Every value written is escaped (``escaped``) or the widget's own HTML."""
    if field.is_hidden:
        return str(field)  # the widget's HTML, safe
    show_labels = context.get("form_show_labels", True)
    label_class = context.get("label_class") or ""
    field_class = context.get("field_class") or ""
    wrapper_class = context.get("wrapper_class") or ""
    checkbox = is_checkbox(field)
    required = field.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    required_label = " requiredField" if required else ""
    invalid = " is-invalid" if field.errors else ""
    auto_id = escaped(field.auto_id)
    label = escaped(field.label) if field.label else ""
    parts = []
    if checkbox:
        parts.append('<div class="mb-3">')
        if label_class:
            offsets = "".join(
                f"{offset[7:14]}{offset[4:7]}{offset[14:16]} "
                for offset in context.get("bootstrap_checkbox_offsets") or ()
            )
            parts.append(f'<div class="{escaped(offsets)}{escaped(field_class)}">')
    classes = "form-check" if checkbox and show_labels else "mb-3"
    if wrapper_class:
        classes += f" {wrapper_class}"
    if field_css := field.css_classes():
        classes += f" {field_css}"
    parts.append(f'\n<div id="div_{auto_id}" class="{escaped(classes)}">\n')
    label_for = escaped(field.id_for_label)
    if label and not checkbox and show_labels:
        extra = f" {escaped(label_class)}" if label_class else ""
        parts.append(
            f'<label for="{label_for}" class="form-label{extra}{required_label}">'
            f"{label}{asterisk}</label>\n"
        )
    if checkbox and show_labels:
        parts.append(_with_classes(field, f"form-check-input{invalid}"))
        parts.append(
            f'\n<label for="{label_for}" class="form-check-label{required_label}">'
            f"{label}{asterisk}</label>\n"
        )
    else:
        if field_class:
            parts.append(f'<div class="{escaped(field_class)}">')
        kind = (
            "form-select"
            if is_select(field)
            else "form-check-input"
            if checkbox
            else "form-control"
        )
        parts.append(_with_classes(field, f"{kind}{invalid}"))
        parts.append("\n")
    if context.get("form_show_errors", True) and field.errors:
        spans = "".join(
            f'<span id="error_{number}_{auto_id}"><strong>{escaped(error)}</strong></span>'
            for number, error in enumerate(field.errors, 1)
        )
        parts.append(f'<div id="{auto_id}_error" class="invalid-feedback">{spans}</div>')
    if field.help_text:
        # Escaped: crispy marks it safe, no filter needs markup.
        parts.append(
            f'<div id="{auto_id}_helptext" class="form-text">{escaped(field.help_text)}</div>'
        )
    if field_class and (not checkbox or not show_labels):
        parts.append("</div>")
    parts.append("\n</div>")
    if checkbox:
        parts.append("</div>")
        if label_class:
            parts.append("</div>")
    return "".join(parts)


def crispy_renders(field) -> bool:
    """Whether ``filter_field_html`` leaves the field to crispy: a file input (crispy writes
    its own markup around it), radios, check boxes of a multiple choice, a multi-value
    widget."""
    return (
        is_file(field)
        or is_clearable_file(field)
        or is_radioselect(field)
        or is_checkboxselectmultiple(field)
        or is_multivalue(field)
    )


def _div_html(div, inner: str) -> str:
    """crispy-bootstrap5's div.html, row.html or column.html around ``inner``."""
    css_class = div.css_class or ""
    if isinstance(div, Row):
        classes = f"row {css_class}"
    elif isinstance(div, Column):
        classes = css_class if "col" in css_class else f"col-md {css_class}"
    else:
        classes = css_class
    css_id = f' id="{escaped(div.css_id)}"' if div.css_id else ""
    css = f' class="{escaped(classes)}"' if classes else ""
    # flat_attrs: crispy's flatatt(), its values escaped there.
    return f"<div{css_id}{css} {div.flat_attrs}>{inner}</div>"


# Containers whose markup _div_html writes: exactly these classes, with their own templates.
LEAN_CONTAINERS = (Div, Row, Column)


class LeanHelper(FormHelper):
    """A FormHelper whose layout's fields (plain names) and the plain ``Div``/``Row``/``Column``s
    around them are written in Python (``filter_field_html``, ``_div_html``) in
    crispy-bootstrap5's markup. A file input, radios, a multi-value widget and anything else (a
    crispy ``Field`` with its attributes, a button) render as crispy renders them. For forms
    whose labels sit above their fields (not horizontal); the form sets ``layout``."""

    # What else than the form's class and data its fields depend on, when that is known (a filter
    # bar's registry version): they are then kept rendered under it (``kept_for_version``).
    # Called only when the form is rendered.
    kept_for: Callable[[], tuple] | None = None

    def render_layout(self, form, context, template_pack=TEMPLATE_PACK):
        if self.kept_for is None:
            return self._written_layout(form, context, template_pack)
        key = snapshot_key(
            "filter-bar",
            type(form).__qualname__,
            form.prefix,
            sorted(form.data.lists()),
            *self.kept_for(),
        )
        html = kept_for_version(
            key, lambda: str(self._written_layout(form, context, template_pack))
        )
        # Written by _written_layout, escaped there.
        return SafeString(html)

    def _written_layout(self, form, context, template_pack):
        if self.render_unmentioned_fields or self.render_hidden_fields:
            return super().render_layout(form, context, template_pack)
        form.rendered_fields = set()
        form.crispy_field_template = self.field_template

        def written(item) -> str:
            if isinstance(item, str):
                if crispy_renders(form[item]):
                    return render_field(item, form, context, template_pack=template_pack)
                form.rendered_fields.add(item)
                return filter_field_html(form[item], context)
            if type(item) in LEAN_CONTAINERS and template_pack == "bootstrap5":
                if item.template != type(item).template:
                    return item.render(form, context, template_pack=template_pack)
                return _div_html(item, "".join(written(child) for child in item.fields))
            return str(item.render(form, context, template_pack=template_pack))

        # Safe: each part is escaped where written or rendered by crispy or a widget.
        return SafeString("".join(written(item) for item in self.layout.fields))


class FilterHelper(LeanHelper):
    """The ``LeanHelper`` of a GET filter bar above a list: no CSRF token."""

    def __init__(self, form=None):
        super().__init__(form)
        self.form_method = "get"
        self.disable_csrf = True


def filter_helper(*, show_labels: bool = True, label_class: str = "", form_class: str = ""):
    """A ``FilterHelper``; the caller sets its ``layout``."""
    helper = FilterHelper()
    helper.form_show_labels = show_labels
    helper.label_class = label_class
    helper.form_class = form_class
    return helper
