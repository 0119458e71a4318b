"""Forms of the rectification pages: one per step, the item form, the board filters, notices."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import CHANGE
from dudao.layout import LeanHelper, filter_helper
from dudao.photos import process_photo
from dudao.pickers import SearchTextField, text_search_q
from inspectors.forms import InspectorSearchField
from inspectors.models import Inspector
from rectifications.models import (
    SCHOOL_MOVE_STATES,
    UNRESOLVED_STATES,
    EventAction,
    OwnerLevel,
    RectificationItem,
    RectificationState,
    Severity,
    SourceKind,
    deadline_error,
)
from rectifications.services import overdue_on_notice_message
from schools.filters import CountyFirstFilterForm, keep_filter_bar
from schools.forms import SchoolSearchField
from schools.models import School, SupervisionMatter, Township

MAX_PHOTOS_PER_STEP = 10
PHOTO_BUTTON = "rectifications/fields/photo_button.html"  # the visit record's styled button


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one file input (a phone camera or the gallery)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(PhotosField, self).clean(f, initial) for f in files]


class StepForm(forms.Form):
    """A form that takes one step on an item; ``take`` calls the item's transition method."""

    action: str
    submit_label = _("Save")
    submit_class = "btn-primary"

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.item = item
        # A page of an item shows up to three of these: crispy's own templates cost it a fifth.
        self.helper = LeanHelper()
        self.helper.layout = Layout(*self.fields)
        self.helper.form_action = reverse(
            "rectifications:item_action", kwargs={"pk": item.pk, "action": self.action}
        )
        button = Submit("submit", self.submit_label)
        button.field_classes = f"btn {self.submit_class}"
        self.helper.add_input(button)

    def take(self, actor):
        raise NotImplementedError


class PhotosStepForm(StepForm):
    """A step with photos attached (cleaned and stamped on upload)."""

    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Take photos or choose them from the phone; up to 10."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            *(
                Field(name, template=PHOTO_BUTTON) if name == "photos" else name
                for name in self.fields
            )
        )

    def clean_photos(self):
        uploads = self.cleaned_data["photos"]
        if len(uploads) > MAX_PHOTOS_PER_STEP:
            raise ValidationError(
                _("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS_PER_STEP}
            )
        county_settings = self.item.county.settings
        stamp = f"{self.item.owner_display} {timezone.localtime():%Y-%m-%d %H:%M}"
        return [
            process_photo(
                upload,
                stamp_text=stamp,
                max_bytes=county_settings.photo_max_megabytes * 1024 * 1024,
            )
            for upload in uploads
        ]


class PhotoStepForm(PhotosStepForm):
    """A step of the school's, with text and photos."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    field_order = ["text", "photos"]


class PlanForm(PhotoStepForm):
    action = EventAction.PLAN_SUBMITTED
    submit_label = _("Submit the plan")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Rectification plan: what you will do and by when")

    def take(self, actor):
        return self.item.submit_plan(actor, self.cleaned_data["text"], self.cleaned_data["photos"])


class ProgressForm(PhotoStepForm):
    action = EventAction.PROGRESS_REPORTED
    submit_label = _("Report progress")
    submit_class = "btn-outline-primary"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Progress so far")

    def take(self, actor):
        return self.item.report_progress(
            actor, self.cleaned_data["text"], self.cleaned_data["photos"]
        )


class DoneForm(PhotoStepForm):
    action = EventAction.DONE_REPORTED
    submit_label = _("Report completion")
    submit_class = "btn-success"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("What was done")
        if not self.item.office_owned:
            self.fields["photos"].required = True
            self.fields["photos"].help_text = _("At least one photo showing the fix; up to 10.")

    def take(self, actor):
        return self.item.report_done(actor, self.cleaned_data["text"], self.cleaned_data["photos"])


class VerifyForm(PhotosStepForm):
    action = EventAction.VERIFIED
    submit_label = _("Verified: close the item")
    submit_class = "btn-success"

    comment = forms.CharField(
        label=_("Verification note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["comment", "photos"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _("Photos taken at the check, if any; up to 10.")

    def take(self, actor):
        return self.item.verify(actor, self.cleaned_data["comment"], self.cleaned_data["photos"])


class ReturnForm(PhotosStepForm):
    action = EventAction.RETURNED
    submit_label = _("Return to the school")
    submit_class = "btn-warning"

    reason = forms.CharField(
        label=_("Why the fix is not sufficient"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["reason", "photos"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _("Photos of what is still wrong, if any; up to 10.")

    def take(self, actor):
        return self.item.return_to_school(
            actor, self.cleaned_data["reason"], self.cleaned_data["photos"]
        )


class EscalateForm(StepForm):
    action = EventAction.ESCALATED
    submit_label = _("Escalate")
    submit_class = "btn-outline-danger"

    level = forms.ChoiceField(
        label=_("Escalate to"),
        choices=[c for c in OwnerLevel.choices if c[0] != OwnerLevel.SCHOOL],
    )
    reason = forms.CharField(
        label=_("Why the school cannot solve it"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def take(self, actor):
        return self.item.escalate(actor, self.cleaned_data["level"], self.cleaned_data["reason"])


class ExtendForm(StepForm):
    action = EventAction.DEADLINE_EXTENDED
    submit_label = _("Extend the deadline")
    submit_class = "btn-outline-secondary"

    new_deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_new_deadline(self):
        new_deadline = self.cleaned_data["new_deadline"]
        if problem := deadline_error(new_deadline):
            raise ValidationError(problem)
        if new_deadline <= self.item.deadline:
            raise ValidationError(
                _("The new deadline must be after the current one (%(date)s).")
                % {"date": self.item.deadline.isoformat()}
            )
        return new_deadline

    def take(self, actor):
        return self.item.extend_deadline(
            actor, self.cleaned_data["new_deadline"], self.cleaned_data["reason"]
        )


class FollowUpForm(StepForm):
    action = EventAction.FOLLOWED_UP
    submit_label = _("Record the follow-up check")
    submit_class = "btn-outline-primary"

    still_fixed = forms.TypedChoiceField(
        label=_("Result of the check"),
        choices=[
            ("yes", _("Still fixed")),
            ("no", _("The problem is back: reopen the item")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What was seen"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def take(self, actor):
        return self.item.follow_up(
            actor, self.cleaned_data["still_fixed"], self.cleaned_data["comment"]
        )


STEP_FORMS = {
    form.action: form
    for form in (
        PlanForm,
        ProgressForm,
        DoneForm,
        VerifyForm,
        ReturnForm,
        EscalateForm,
        ExtendForm,
        FollowUpForm,
    )
}


class ItemForm(forms.ModelForm):
    """An item from a complaint, a special supervision or a meeting (visits make their own)."""

    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the county's default deadline for this severity."),
    )

    class Meta:
        model = RectificationItem
        fields = [
            "school",
            "matter",
            "severity",
            "description",
            "required_change",
            "deadline",
            "responsible_inspector",
            "source",
            "source_note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "required_change": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"school": SchoolSearchField, "responsible_inspector": InspectorSearchField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        schools = School.objects.for_user(user, CHANGE).active()
        self.fields["school"].queryset = schools
        # Matters are the county's list; inspectors may not browse it, but use it here.
        self.fields["matter"].queryset = SupervisionMatter.objects.filter(
            county__in=schools.values("county"), is_active=True
        )
        self.fields["responsible_inspector"].queryset = (
            Inspector.objects.for_user(user).active().responsible()
        )
        if user.is_inspector:
            self.fields["responsible_inspector"].initial = user.inspector_id
        self.fields["source"].choices = [c for c in SourceKind.choices if c[0] != SourceKind.VISIT]
        self.fields["source"].initial = SourceKind.COMPLAINT
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("school", css_class="col-md-6"), Column("matter", css_class="col-md-6")),
            Row(
                Column("severity", css_class="col-md-4"),
                Column("deadline", css_class="col-md-4"),
                Column("responsible_inspector", css_class="col-md-4"),
            ),
            "description",
            "required_change",
            Row(
                Column("source", css_class="col-md-4"), Column("source_note", css_class="col-md-8")
            ),
        )
        self.helper.add_input(Submit("submit", _("Open the item")))

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline and (problem := deadline_error(deadline)):
            raise ValidationError(problem)
        return deadline

    def clean(self):
        data = super().clean()
        school, matter = data.get("school"), data.get("matter")
        if school and matter and matter.county_id != school.county_id:
            self.add_error("matter", _("This matter belongs to another county."))
        inspector = data.get("responsible_inspector")
        if inspector is None and self.user.is_inspector:
            inspector = data["responsible_inspector"] = self.user.inspector
        if school and inspector and inspector.county_id != school.county_id:
            self.add_error("responsible_inspector", _("This inspector belongs to another county."))
        return data


class BoardFilterForm(CountyFirstFilterForm):
    """The filters above the office board (GET); unknown or foreign ids are simply invalid.

    ``show`` picks what awaits the office (the board opens on it) or every item. A user of
    several counties chooses a county before its townships and matters."""

    AWAITING_OFFICE = "office"
    ALL_ITEMS = "all"

    show = forms.ChoiceField(
        label=_("Show"),
        choices=[(AWAITING_OFFICE, _("Awaiting the office")), (ALL_ITEMS, _("All items"))],
        required=False,
        widget=forms.HiddenInput,
    )

    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.none(), required=False
    )
    school = SearchTextField(label=_("School"), placeholder=_("School name or code"))
    matter = forms.ModelChoiceField(
        label=_("Matter"), queryset=SupervisionMatter.objects.none(), required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Any severity")), *Severity.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any state")), *RectificationState.choices],
        required=False,
    )
    inspector = SearchTextField(label=_("Inspector"), placeholder=_("Responsible inspector"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    escalated = forms.BooleanField(label=_("Escalated only"), required=False)
    verification_overdue = forms.BooleanField(label=_("Verification overdue only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["township"].empty_label = _("Any township")
        self.fields["matter"].empty_label = _("Any matter")
        self.per_county("township", Township.objects.for_user(user))
        self.per_county("matter", SupervisionMatter.objects.for_user(user))
        county = [Column("county", css_class="col-6 col-md-3")] if self.several_counties else []
        # Selects explain themselves by their "any ..." choice; the check boxes need their label.
        self.helper = filter_helper(label_class="visually-hidden")
        self.helper.layout = Layout(
            "show",
            Row(
                *county,
                Column("township", css_class="col-6 col-md-3"),
                Column("school", css_class="col-6 col-md-3"),
                Column("matter", css_class="col-6 col-md-3"),
                Column("inspector", css_class="col-6 col-md-3"),
                Column("severity", css_class="col-6 col-md-3"),
                Column("state", css_class="col-6 col-md-3"),
                Column("overdue", css_class="col-6 col-md-2"),
                Column("escalated", css_class="col-6 col-md-2"),
                Column("verification_overdue", css_class="col-12 col-md-4"),
                Column(
                    Submit("filter", _("Apply filters"), css_class="btn-sm w-100"),
                    css_class="col-12 col-md-2",
                ),
                css_class="g-2 align-items-center",
            ),
        )
        keep_filter_bar(self, user)

    @property
    def shows_awaiting_office(self) -> bool:
        return self.is_valid() and self.cleaned_data["show"] == self.AWAITING_OFFICE

    def filter(self, items, *, with_state: bool = True):
        """Narrow ``items`` by the valid filters; an invalid form filters nothing out."""
        if not self.is_bound or not self.is_valid():
            return items
        data = self.cleaned_data
        if data["show"] == self.AWAITING_OFFICE:
            items = items.awaiting_office()
        if data.get("county"):
            items = items.filter(county=data["county"])
        if data["township"]:
            items = items.filter(school__township=data["township"])
        if data["school"]:
            items = items.filter(
                text_search_q(data["school"], SchoolSearchField.search_lookups, "school__")
            )
        if data["matter"]:
            items = items.filter(matter=data["matter"])
        if data["severity"]:
            items = items.filter(severity=data["severity"])
        if data["state"] and with_state:
            items = items.filter(state=data["state"])
        if data["inspector"]:
            lookups = InspectorSearchField.search_lookups
            items = items.filter(
                text_search_q(data["inspector"], lookups, "responsible_inspector__")
            )
        if data["overdue"]:
            items = items.overdue()
        if data["escalated"]:
            items = items.escalated()
        if data["verification_overdue"]:
            items = items.verification_overdue()
        return items


class SummaryPlaceForm(CountyFirstFilterForm):
    """The county a user of several counties reads the summary of (GET); others have no field."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.helper = filter_helper(label_class="visually-hidden")
        self.helper.layout = Layout(
            Row(
                Column("county", css_class="col-8 col-md-4"),
                Column(Submit("show", _("Show"), css_class="btn-sm"), css_class="col-4 col-md-2"),
                css_class="g-2 align-items-center",
            )
        )


class NoticeForm(forms.Form):
    """Which of a school's unresolved items a written notice lists, and the inspector signing it."""

    items = forms.ModelMultipleChoiceField(
        label=_("Items on the notice"),
        queryset=RectificationItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    inspector = forms.ModelChoiceField(
        label=_("Responsible inspector"), queryset=Inspector.objects.none(), required=False
    )
    extend_to = forms.DateField(
        label=_("New deadline for items past their deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "A notice cannot give a deadline before its own date: chosen items that are past "
            "their deadline get this one, recorded on each item as an extension."
        ),
    )

    def __init__(self, *args, school, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        items = RectificationItem.objects.for_user(user, CHANGE).filter(
            school=school, state__in=UNRESOLVED_STATES
        )
        # Only the office extends deadlines; others leave overdue items off or ask the office.
        self.may_extend = user.is_office
        if not (self.may_extend and items.filter(deadline__lt=self.today).exists()):
            del self.fields["extend_to"]
        self.fields["items"].queryset = items.select_related("matter")
        self.fields["items"].initial = list(
            items.filter(state__in=SCHOOL_MOVE_STATES).values_list("pk", flat=True)
        )
        self.fields["items"].label_from_instance = lambda item: (
            _("%(matter)s: %(problem)s (deadline %(deadline)s)")
            % {
                "matter": item.matter.name,
                "problem": item.description[:60],
                "deadline": item.deadline.isoformat(),
            }
        )
        self.fields["inspector"].queryset = Inspector.objects.filter(
            Q(assignments__school=school, assignments__ended_on__isnull=True)
            | Q(pk=user.inspector_id or 0)
        ).distinct()
        self.fields["inspector"].initial = user.inspector_id
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Issue the notice")))

    def clean_extend_to(self):
        extend_to = self.cleaned_data["extend_to"]
        if extend_to and (problem := deadline_error(extend_to, self.today)):
            raise ValidationError(problem)
        return extend_to

    def clean(self):
        data = super().clean()
        overdue = [item for item in data.get("items", ()) if item.deadline < self.today]
        if overdue and not data.get("extend_to") and "extend_to" not in self.errors:
            message = overdue_on_notice_message(overdue, self.today)
            if self.may_extend:
                self.add_error("extend_to", message)
            else:
                self.add_error(
                    "items",
                    _("%(problem)s Only the office extends deadlines.") % {"problem": message},
                )
        return data
