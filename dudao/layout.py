"""Crispy layout objects that carry values safely.

crispy's ``HTML()`` compiles its string as a Django template, so a URL or label placed in it
would be evaluated (``{{ request.COOKIES }}`` in a ``?next=`` would come out). These objects
render a fixed template and pass their values through the context, where they are escaped.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field
from crispy_forms.templatetags.crispy_forms_field import is_checkbox, is_select
from crispy_forms.utils import TEMPLATE_PACK
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


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


def _with_classes(field, css_class: str) -> SafeString:
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


def filter_field_html(field, context) -> SafeString:
    """A field of a list's filter bar (GET; no files, no radios, not a horizontal form) in the
    markup of crispy-bootstrap5's field.html, written in Python: its template (a dozen checks,
    three includes, the whole context copied) cost a visit list's ten filters a fifth of the
    page. ``context`` holds the helper's settings (labels shown, label and field classes)."""
    if field.is_hidden:
        return str(field)  # the widget's HTML, safe
    show_labels = context.get("form_show_labels", True)
    label_class = context.get("label_class") or ""
    field_class = context.get("field_class") or ""
    wrapper_class = context.get("wrapper_class") or ""
    checkbox = is_checkbox(field)
    required = field.field.required
    asterisk = mark_safe('<span class="asteriskField">*</span>') if required else ""
    invalid = " is-invalid" if field.errors else ""
    parts = []
    if checkbox:
        parts.append(mark_safe('<div class="mb-3">'))
        if label_class:
            offsets = "".join(
                f"{offset[7:14]}{offset[4:7]}{offset[14:16]} "
                for offset in context.get("bootstrap_checkbox_offsets") or ()
            )
            parts.append(format_html('<div class="{}{}">', offsets, field_class))
    classes = "form-check" if checkbox and show_labels else "mb-3"
    if wrapper_class:
        classes += f" {wrapper_class}"
    if field_css := field.css_classes():
        classes += f" {field_css}"
    parts.append(format_html('\n<div id="div_{}" class="{}">\n', field.auto_id, classes))
    if field.label and not checkbox and show_labels:
        parts.append(
            format_html(
                '<label for="{}" class="form-label{}{}">{}{}</label>\n',
                field.id_for_label,
                f" {label_class}" if label_class else "",
                " requiredField" if required else "",
                field.label,
                asterisk,
            )
        )
    if checkbox and show_labels:
        parts.append(_with_classes(field, f"form-check-input{invalid}"))
        parts.append(
            format_html(
                '\n<label for="{}" class="form-check-label{}">{}{}</label>\n',
                field.id_for_label,
                " requiredField" if required else "",
                field.label,
                asterisk,
            )
        )
    else:
        if field_class:
            parts.append(format_html('<div class="{}">', field_class))
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
        spans = format_html_join(
            "",
            '<span id="error_{}_{}"><strong>{}</strong></span>',
            ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
        )
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, spans
            )
        )
    if field.help_text:
        parts.append(
            format_html(
                '<div id="{}_helptext" class="form-text">{}</div>',
                field.auto_id,
                field.help_text,  # escaped: crispy marks it safe, no filter needs markup
            )
        )
    if field_class and (not checkbox or not show_labels):
        parts.append(mark_safe("</div>"))
    parts.append(mark_safe("\n</div>"))
    if checkbox:
        parts.append(mark_safe("</div>"))
        if label_class:
            parts.append(mark_safe("</div>"))
    return format_html_join("", "{}", ((part,) for part in parts))


class FilterField(Field):
    """A field of a filter bar, written by ``filter_field_html`` instead of a template."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        for name in self.fields:
            form.rendered_fields.add(name)
        return format_html_join(
            "", "{}", ((filter_field_html(form[name], context),) for name in self.fields)
        )


def _lean_fields(container) -> None:
    """Name by name, the fields the layout lists as plain names become ``FilterField``s (one
    wrapped in a crispy ``Field`` keeps crispy's template and its attributes)."""
    for index, item in enumerate(container.fields):
        if isinstance(item, str):
            container.fields[index] = FilterField(item)
        elif hasattr(item, "fields") and not isinstance(item, Field):
            _lean_fields(item)


class FilterHelper(FormHelper):
    """The FormHelper of a GET filter bar above a list: no CSRF token, fields written in Python
    (``filter_field_html``). The form sets ``layout`` after making the helper."""

    def __init__(self, form=None):
        super().__init__(form)
        self.form_method = "get"
        self.disable_csrf = True

    def render_layout(self, form, context, template_pack=TEMPLATE_PACK):
        _lean_fields(self.layout)
        return super().render_layout(form, context, template_pack)


def filter_helper(*, show_labels: bool = True, label_class: str = "", form_class: str = ""):
    """A ``FilterHelper``; the caller sets its ``layout``."""
    helper = FilterHelper()
    helper.form_show_labels = show_labels
    helper.label_class = label_class
    helper.form_class = form_class
    return helper
