"""Forms of public supervision: the public's (drawn by hand, no Bootstrap) and the office's and
inspectors' (crispy, like the rest of the site)."""

import secrets

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from complaints.models import (
    SUMMARY_MAX,
    TEXT_MAX,
    Announcement,
    Category,
    Channel,
    Relation,
    Submission,
    SubmissionState,
)
from dudao.photos import process_photo
from inspectors.forms import InspectorSearchField
from inspectors.models import Inspector, Plaque
from rectifications.models import Severity, deadline_error
from rectifications.services import default_deadline
from schools.forms import date_input, form_actions, search_bar_helper
from schools.models import County, Department, SupervisionMatter
from schools.validators import validate_phone


def _clean_phone(value: str) -> str:
    value = (value or "").replace(" ", "").replace("　", "")
    validate_phone(value)
    return value


def _photo(upload, *, school, max_bytes: int):
    """An uploaded photo re-encoded like a visit photo (EXIF and GPS dropped), or None."""
    if not upload:
        return None
    stamp = f"{school.name} {timezone.localdate():%Y-%m-%d}"
    return process_photo(upload, stamp_text=stamp, max_bytes=max_bytes)


class PublicSubmissionForm(forms.Form):
    """What a parent sends from the school's public page. Drawn field by field in the public
    template (its own small stylesheet, no Bootstrap: the page must stay light on a weak
    connection). ``website`` is a honeypot: hidden from people, filled in by bots."""

    category = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        initial=Category.COMPLAINT,
    )
    matter = forms.ModelChoiceField(
        SupervisionMatter.objects.none(),
        label=_("What is it about?"),
        required=False,
        empty_label=_("Not sure / something else"),
    )
    text = forms.CharField(
        label=_("What happened, or your suggestion"),
        max_length=TEXT_MAX,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
        help_text=_("At most %(max)d characters.") % {"max": TEXT_MAX},
        error_messages={
            "required": _("Please write what happened or what you suggest."),
            "min_length": _("Please write at least a few words (5 characters or more)."),
        },
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_(
            "Only the supervision office and the responsible inspector see your name and phone."
        ),
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["matter"].queryset = school.county.supervision_matters.filter(is_active=True)
        if not self.is_bound:
            self.initial["form_token"] = secrets.token_urlsafe(24)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        limit = self.school.county.settings.photo_max_megabytes * 1024 * 1024
        return _photo(upload, school=self.school, max_bytes=limit)


class UnechoedInput(forms.TextInput):
    """A text box that never writes back what was typed: a wrong code and a malformed one come
    back as the same page, and a code is not left in the page."""

    def format_value(self, value):
        return None


class TrackForm(forms.Form):
    """The tracking code, sent by POST so it never appears in a URL or a log."""

    # No max_length: an over-long code must get the answer a wrong one gets.
    code = forms.CharField(
        label=_("Tracking code"),
        widget=UnechoedInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "maxlength": 40,
            }
        ),
        help_text=_("12 letters and digits, e.g. K7QW-M3XP-9HRT; upper or lower case."),
        error_messages={"required": _("Enter your tracking code.")},
    )

    def clean_code(self):
        return self.cleaned_data["code"][:100]


class SchoolSearchForm(forms.Form):
    q = forms.CharField(label=_("School name"), max_length=50, required=False)


# Office and inspectors ------------------------------------------------------------------------


class SubmissionFilterForm(forms.Form):
    """Filters of the submission list (a GET form)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=capfirst(_("state")),
        required=False,
        choices=[("", _("Any state")), ("overdue", _("Overdue")), *SubmissionState.choices],
    )
    channel = forms.ChoiceField(
        label=capfirst(_("channel")),
        required=False,
        choices=[("", _("Any channel")), *Channel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("School")
        self.helper = search_bar_helper(
            self,
            Column("q", css_class="col-12 col-md-5"),
            Column("state", css_class="col-6 col-md-3"),
            Column("channel", css_class="col-6 col-md-3"),
            autosubmit=("state", "channel"),
        )
        # Fixed choices only: the bar of one query is the same for everyone.
        self.helper.kept_for = tuple

    def filter(self, submissions):
        if not self.is_valid():
            return submissions
        data = self.cleaned_data
        if data["q"]:
            submissions = submissions.filter(school__name__icontains=data["q"].strip())
        if data["state"] == "overdue":
            submissions = submissions.overdue()
        elif data["state"]:
            submissions = submissions.filter(state=data["state"])
        if data["channel"]:
            submissions = submissions.filter(channel=data["channel"])
        return submissions


class OfficeSubmissionForm(forms.ModelForm):
    """A complaint that came by phone, letter or mailbox, typed in by the office."""

    photo_upload = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Submission
        fields = ["channel", "category", "matter", "relation", "name", "phone", "text"]
        labels = {"name": _("Caller's name (empty: anonymous)"), "text": _("Content")}
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX})}

    def __init__(self, *args, school, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.ONLINE]
        self.fields["matter"].queryset = school.county.supervision_matters.filter(is_active=True)
        self.fields["relation"].choices = [("", _("Unknown")), *Relation.choices]
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.layout = Layout(
            Row(
                Column("channel", css_class="col-md-4"),
                Column("category", css_class="col-md-4"),
                Column("matter", css_class="col-md-4"),
            ),
            Row(
                Column("name", css_class="col-md-4"),
                Column("phone", css_class="col-md-4"),
                Column("relation", css_class="col-md-4"),
            ),
            "text",
            "photo_upload",
            form_actions(_("Record the submission"), cancel_url),
        )

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])

    def clean_photo_upload(self):
        limit = self.school.county.settings.photo_max_megabytes * 1024 * 1024
        return _photo(self.cleaned_data.get("photo_upload"), school=self.school, max_bytes=limit)


class StepForm(forms.Form):
    """A form that takes one step on a submission; ``take`` does it."""

    action: str
    submit_label = _("Save")
    submit_class = "btn-primary"

    def __init__(self, *args, submission, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.helper = FormHelper()
        self.helper.form_action = reverse(
            "complaints:step", kwargs={"pk": submission.pk, "action": self.action}
        )
        button = Submit("submit", self.submit_label)
        button.field_classes = f"btn {self.submit_class}"
        self.helper.add_input(button)

    def take(self, actor):
        raise NotImplementedError


def _long_text(label, help_text=""):
    return forms.CharField(
        label=label,
        max_length=SUMMARY_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": SUMMARY_MAX}),
    )


class AcceptForm(StepForm):
    action = "accept"
    title = _("Start verifying")
    submit_label = _("I am verifying it")
    submit_class = "btn-outline-primary"

    def take(self, actor):
        return self.submission.accept(actor)


class AnswerForm(StepForm):
    action = "answer"
    title = _("Answer and close")
    submit_label = _("Answer and close")
    summary = _long_text(
        _("What the verification found"),
        _(
            "Principals and co-inspectors read this instead of the submitted text: leave out "
            "who complained."
        ),
    )
    reply = _long_text(_("Public reply"), _("The complainant reads it with the tracking code."))

    def take(self, actor):
        data = self.cleaned_data
        return self.submission.answer(actor, summary=data["summary"], reply=data["reply"])


class RectifyForm(StepForm):
    action = "rectify"
    title = _("Turn into a rectification item")
    submit_label = _("Open a rectification item")
    submit_class = "btn-danger"
    matter = forms.ModelChoiceField(SupervisionMatter.objects.none(), label=_("Supervision matter"))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = _long_text(
        _("Confirmed problem"),
        _("The school and the principal read this; leave out who complained."),
    )
    required_change = forms.CharField(
        label=_("What must change"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label=_("Rectification deadline"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty for the county's default deadline for this severity."),
    )
    reply = _long_text(_("Public reply"), _("The complainant reads it with the tracking code."))

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, submission=submission, **kwargs)
        county = submission.school.county
        self.fields["matter"].queryset = county.supervision_matters.filter(is_active=True)
        self.fields["matter"].initial = submission.matter_id

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and (problem := deadline_error(deadline)):
            raise ValidationError(problem)
        return deadline

    def take(self, actor):
        from complaints.services import open_rectification

        data = self.cleaned_data
        deadline = data["deadline"] or default_deadline(
            county_settings=self.submission.school.county.settings,
            severity=data["severity"],
            start=timezone.localdate(),
        )
        return open_rectification(
            submission=self.submission,
            actor=actor,
            matter=data["matter"],
            severity=data["severity"],
            description=data["description"],
            required_change=data["required_change"],
            deadline=deadline,
            reply=data["reply"],
        )


class ReassignForm(StepForm):
    action = "reassign"
    title = _("Reassign")
    submit_label = _("Reassign")
    submit_class = "btn-outline-secondary"
    office_only = True
    inspector = InspectorSearchField(Inspector.objects.none(), label=_("Inspector"))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, submission=submission, **kwargs)
        self.fields["inspector"].queryset = (
            Inspector.objects.filter(county_id=submission.county_id)
            .active()
            .responsible()
            .exclude(pk=submission.assigned_inspector_id)
        )

    def take(self, actor):
        from complaints.services import reassign

        data = self.cleaned_data
        return reassign(
            submission=self.submission,
            actor=actor,
            inspector=data["inspector"],
            reason=data["reason"],
        )


class HandOverForm(StepForm):
    action = "hand_over"
    title = _("Hand to another department")
    submit_label = _("Hand over")
    submit_class = "btn-outline-secondary"
    office_only = True
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Department"))
    reason = _long_text(_("Why it goes there"))
    reply = _long_text(_("Public reply"), _("e.g. which department now handles it."))

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, submission=submission, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            county_id=submission.county_id, is_active=True
        )
        self.fields["department"].help_text = _(
            "The county's departments are kept by the office with the meetings."
        )

    def take(self, actor):
        data = self.cleaned_data
        return self.submission.hand_over(
            actor, department=data["department"], reason=data["reason"], reply=data["reply"]
        )


STEP_FORMS = {
    form.action: form for form in (AcceptForm, AnswerForm, RectifyForm, ReassignForm, HandOverForm)
}


def step_forms_for(submission, user, bound=None) -> list[StepForm]:
    """The steps ``user`` may take on ``submission`` now (the bound one keeps its errors)."""
    if not submission.may_handle(user):
        return []
    office = user.is_office or user.is_superuser
    forms_ = []
    for action, form_class in STEP_FORMS.items():
        if action == "accept" and submission.state != SubmissionState.NEW:
            continue
        if getattr(form_class, "office_only", False) and not office:
            continue
        forms_.append(
            bound
            if bound is not None and bound.action == action
            else form_class(submission=submission)
        )
    return forms_


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "published_on", "body", "is_published"]
        widgets = {"published_on": date_input(), "body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("title", css_class="col-md-8"), Column("published_on", css_class="col-md-4")
            ),
            "body",
            "is_published",
            form_actions(_("Save"), cancel_url),
        )


class PublicSettingsForm(forms.ModelForm):
    """What the county's public pages and plaques say about the office.

    The public address may change (a county moves to its own domain), but a plaque's address is
    stored when it is issued and never rebuilt: the plaques already issued keep the address
    printed on them, and the form says so, with how many there are.
    """

    public_base_url = forms.URLField(
        label=County._meta.get_field("public_base_url").verbose_name,
        help_text=_(
            "Where the public reaches this county's pages, e.g. https://dudao.example.gov.cn; "
            "empty: the site's own address. Only plaques issued after a change use the new "
            "address: plaques already issued keep the address printed on them, so keep the old "
            "address reachable too."
        ),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address such as https://dudao.example.gov.cn.")},
    )

    class Meta:
        model = County
        fields = [
            "complaint_phone",
            "office_phone",
            "office_address",
            "office_email",
            "public_base_url",
        ]

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_base_url"].widget.attrs["placeholder"] = "https://dudao.example.gov.cn"
        self.issued_plaques = Plaque.objects.filter(county=self.instance).count()
        if self.issued_plaques:
            self.fields["public_base_url"].help_text = format_lazy(
                "{} {}",
                self.fields["public_base_url"].help_text,
                ngettext_lazy(
                    "%(count)d plaque is issued in this county and keeps its printed address.",
                    "%(count)d plaques are issued in this county and keep their printed address.",
                    "count",
                )
                % {"count": self.issued_plaques},
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("complaint_phone", css_class="col-md-4"),
                Column("office_phone", css_class="col-md-4"),
                Column("office_email", css_class="col-md-4"),
            ),
            "office_address",
            "public_base_url",
            form_actions(_("Save"), cancel_url),
        )

    def clean_complaint_phone(self):
        return _clean_phone(self.cleaned_data["complaint_phone"])

    def clean_office_phone(self):
        return _clean_phone(self.cleaned_data["office_phone"])

    def clean_public_base_url(self):
        url = self.cleaned_data["public_base_url"].strip().rstrip("/")
        if url.count("/") > 2:
            raise ValidationError(
                _("Give the address without a path, e.g. https://dudao.example.gov.cn.")
            )
        return url


class ExportForm(forms.Form):
    """The export leaves personal data out unless the office asks for it, knowingly."""

    personal = forms.BooleanField(
        label=_("Include the complainants' names, phones and texts"),
        required=False,
        help_text=_("Every case exported this way is recorded as a view of its personal data."),
    )
