from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from meetings.models import CommitteeMember
from schools.forms import CountyFormMixin, date_input, form_actions


class TermDatesMixin:
    """A term cannot end before it starts: said on the field, in the user's language."""

    def clean(self):
        cleaned = super().clean()
        starts = cleaned.get("term_starts_on") or self.instance.term_starts_on
        ends = cleaned.get("term_ends_on")
        if starts and ends and ends < starts:
            self.add_error("term_ends_on", _("The term cannot end before it starts."))
        return cleaned


class CommitteeMemberForm(TermDatesMixin, CountyFormMixin, forms.ModelForm):
    """Add or edit a member of the county's supervision committee."""

    class Meta:
        model = CommitteeMember
        fields = ["name", "role", "organisation", "user", "term_starts_on", "term_ends_on"]
        labels = {"name": _("Full name")}
        widgets = {"term_starts_on": date_input(), "term_ends_on": date_input()}

    def __init__(self, *args, user, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.bind_county(user)
        self.limit_to_county("user", User.objects.for_user(user).filter(is_active=True))
        self.fields["user"].help_text = _("The member's login, if they have one.")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["county"] if "county" in self.fields else []),
            Row(Column("name", css_class="col-md-6"), Column("role", css_class="col-md-6")),
            "organisation",
            "user",
            Row(
                Column("term_starts_on", css_class="col-6"),
                Column("term_ends_on", css_class="col-6"),
            ),
            form_actions(_("Save"), cancel_url),
        )


class TermEndForm(TermDatesMixin, forms.ModelForm):
    """End a member's term on a date; the member stays on record as a former member."""

    class Meta:
        model = CommitteeMember
        fields = ["term_ends_on"]
        widgets = {"term_ends_on": date_input()}

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_ends_on"].required = True
        if self.instance.term_ends_on is None:
            self.initial["term_ends_on"] = timezone.localdate()
        self.helper = FormHelper()
        self.helper.attrs = {
            "data-confirm": _("End the committee term of %(name)s?") % {"name": self.instance.name}
        }
        self.helper.layout = Layout(
            Row(Column("term_ends_on", css_class="col-md-4")),
            form_actions(_("End term"), cancel_url),
        )
