"""Crispy layout objects that carry values safely.

crispy's ``HTML()`` compiles its string as a Django template, so a URL or label placed in it
would be evaluated (``{{ request.COOKIES }}`` in a ``?next=`` would come out). These objects
render a fixed template and pass their values through the context, where they are escaped.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.utils import TEMPLATE_PACK
from django.template.loader import render_to_string


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


# The field template of the GET filter bars above lists (``FormHelper.field_template``).
FILTER_FIELD_TEMPLATE = "dudao/filter_field.html"


def filter_helper(*, show_labels: bool = True, label_class: str = "", form_class: str = ""):
    """The FormHelper of a GET filter bar above a list: no CSRF token, the lean field template;
    the caller sets its ``layout``."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.disable_csrf = True
    helper.form_show_labels = show_labels
    helper.label_class = label_class
    helper.form_class = form_class
    helper.field_template = FILTER_FIELD_TEMPLATE
    return helper
