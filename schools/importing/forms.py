"""The upload form of the import page."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("schools", _("Schools")),
    ("inspectors", _("Inspectors")),
    ("assignments", _("Assignments of inspectors to schools")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file contains"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="schools",
    )
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    create_logins = forms.BooleanField(
        label=_("Create logins and give me the one-time passwords"),
        required=False,
        help_text=_(
            "Inspectors get their own logins, schools a login for their principal; those who "
            "already have one are skipped. Not used for assignments."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "import-form"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Field("kind"),
            Field("file"),
            Field("create_logins"),
            Div(
                StrictButton(_("Import"), type="submit", name="import", css_class="btn-primary"),
                StrictButton(
                    _("Check only, import nothing"),
                    type="submit",
                    name="check",
                    css_class="btn-outline-secondary",
                ),
                css_class="d-flex flex-wrap gap-2",
            ),
        )
