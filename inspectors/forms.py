from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dudao.imaging import PhotoField
from dudao.photos import process_photo
from dudao.pickers import SearchModelChoiceField
from inspectors import plaques
from inspectors.models import Assignment, Inspector, InspectorKind, InspectorStatus, PlaquePrint
from schools.filters import keep_filter_bar
from schools.forms import (
    CountyFormMixin,
    SchoolSearchField,
    cleaned_like_the_import,
    date_input,
    form_actions,
    normalise_code,
    search_bar_helper,
    search_schools,
)
from schools.importing import cells
from schools.models import School, SupervisionMatter, Township, Zone


class InspectorFilterForm(forms.Form):
    """Search and filters of the inspector list (a GET form)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=capfirst(_("kind")),
        required=False,
        choices=[("", _("All kinds")), *InspectorKind.choices],
    )
    status = forms.ChoiceField(
        label=capfirst(_("status")),
        required=False,
        choices=[("", _("Any status")), *InspectorStatus.choices],
    )
    zone = forms.ModelChoiceField(
        Zone.objects.none(),
        label=capfirst(_("responsibility zone")),
        required=False,
        empty_label=_("All zones"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.for_user(user)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, phone or certificate number")
        self.helper = search_bar_helper(
            self,
            Column("q", css_class="col-12 col-md-4"),
            Column("kind", css_class="col-6 col-md-3"),
            Column("status", css_class="col-6 col-md-2"),
            Column("zone", css_class="col-8 col-md-2"),
            autosubmit=("kind", "status", "zone"),
        )
        keep_filter_bar(self, user)

    def filter(self, inspectors):
        if not self.is_valid():
            return inspectors
        data = self.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            digits = normalise_code(term)
            inspectors = inspectors.filter(
                Q(name__icontains=term)
                | Q(phone__contains=digits)
                | Q(phone__contains=digits.replace("-", ""))
                | Q(certificate_no__icontains=term)
            )
        if data["kind"]:
            inspectors = inspectors.filter(kind=data["kind"])
        if data["status"]:
            inspectors = inspectors.filter(status=data["status"])
        if data["zone"]:
            inspectors = inspectors.filter(zone=data["zone"])
        return inspectors


class InspectorForm(CountyFormMixin, forms.ModelForm):
    """Create or edit an inspector, with a portrait photo for the school's plaque.

    The portrait is kept as a fresh JPEG of its pixels only, like a visit's photos: no EXIF
    (GPS), comment or anything else the uploaded file carried.
    """

    class Meta:
        model = Inspector
        fields = [
            "name",
            "kind",
            "status",
            "phone",
            "employer",
            "post",
            "employer_school",
            "certificate_no",
            "appointed_on",
            "term_ends_on",
            "zone",
            "themes",
            "photo",
        ]
        labels = {"name": _("Full name")}
        field_classes = {"photo": PhotoField, "employer_school": SchoolSearchField}
        widgets = {
            "appointed_on": date_input(),
            "term_ends_on": date_input(),
            "themes": forms.CheckboxSelectMultiple,
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, *args, user, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        if self.bind_county(user) is not None:
            limit = self.county.settings.photo_max_megabytes * 1024 * 1024
            self.fields["photo"].max_bytes = limit
        self.limit_to_county("employer_school", School.objects.for_user(user))
        self.limit_to_county("zone", Zone.objects.for_user(user))
        self.limit_to_county(
            "themes", SupervisionMatter.objects.for_user(user).filter(is_active=True)
        )
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.layout = Layout(
            *(["county"] if "county" in self.fields else []),
            Fieldset(
                _("Inspector"),
                Row(Column("name", css_class="col-md-4"), Column("phone", css_class="col-md-4")),
                Row(Column("kind", css_class="col-md-4"), Column("status", css_class="col-md-4")),
                Row(
                    Column("employer", css_class="col-md-4"),
                    Column("post", css_class="col-md-4"),
                    Column("employer_school", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Appointment"),
                Row(
                    Column("certificate_no", css_class="col-md-4"),
                    Column("appointed_on", css_class="col-6 col-md-4"),
                    Column("term_ends_on", css_class="col-6 col-md-4"),
                ),
                "zone",
                Div("themes", data_shown_for_kind=InspectorKind.SPECIAL),
            ),
            Fieldset(_("Photo"), "photo"),
            form_actions(_("Save"), cancel_url),
        )

    def clean_phone(self):
        """The 11 digits of a mobile number, as the import stores them."""
        return cleaned_like_the_import(cells.mobile_key, self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        self._check_phone_unique(cleaned.get("phone"))
        kind = cleaned.get("kind")
        current = self.instance.assignments.current() if self.instance.pk else None
        if kind and kind != InspectorKind.SPECIAL and cleaned.get("themes"):
            self.add_error(
                "themes", _("Only special-appointed inspectors cover themes county-wide.")
            )
        if kind == InspectorKind.SPECIAL and current is not None and current.exists():
            self.add_error(
                "kind",
                _(
                    "This inspector still covers schools. End those assignments before making "
                    "them special-appointed."
                ),
            )
        school = cleaned.get("employer_school")
        if school and current is not None and current.filter(school=school).exists():
            self.add_error(
                "employer_school",
                _(
                    "Recusal: this inspector is assigned to %(school)s. End that assignment "
                    "before recording that they work there."
                )
                % {"school": school},
            )
        return cleaned

    def _check_phone_unique(self, phone):
        # Phones are stored as their 11 digits (clean_phone, the import, a data migration), so
        # the number itself is compared; the database's inspector_unique_phone backs this up.
        if not phone or self.county is None:
            return
        others = Inspector.objects.filter(county=self.county, phone=phone)
        if others.exclude(pk=self.instance.pk).exists():
            self.add_error("phone", _("Another inspector of this county has this phone number."))


class InspectorSearchField(SearchModelChoiceField):
    """An inspector from a list that may be long, found by name, phone or employer."""

    search_lookups = ("name__icontains", "phone__contains", "employer__icontains")
    find_placeholder = _("Type part of the name or the phone number")


class InspectorChoiceField(InspectorSearchField):
    def label_from_instance(self, inspector):
        return _("%(name)s (%(load)s schools)") % {"name": inspector.name, "load": inspector.load}


class SchoolChoiceField(SchoolSearchField):
    def label_from_instance(self, school):
        return _("%(name)s (%(count)s inspectors)") % {
            "name": school.name,
            "count": school.active_inspector_count,
        }


class AssignmentForm(forms.ModelForm):
    """Post a responsible inspector to a school; the model's rules give the errors."""

    # Not the model field itself: the form would refuse a second lead by the unique constraint,
    # where ticking it hands the lead over (``services.assign``).
    lead = forms.BooleanField(
        label=_("Lead inspector of the school"),
        required=False,
        help_text=_(
            "Listed first on the plaque and given the public's complaints about the school; "
            "takes over from the current lead. A school's first inspector is its lead."
        ),
    )

    class Meta:
        model = Assignment
        fields = ["school", "inspector", "started_on", "note"]
        field_classes = {"school": SchoolChoiceField, "inspector": InspectorChoiceField}
        widgets = {"started_on": date_input()}

    def __init__(self, *args, user, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = (
            School.objects.for_user(user).active().with_active_inspector_count()
        )
        self.fields["inspector"].queryset = (
            Inspector.objects.for_user(user).active().responsible().with_load()
        )
        self.fields["started_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "school",
            "inspector",
            Row(Column("started_on", css_class="col-md-4"), Column("note", css_class="col-md-8")),
            "lead",
            form_actions(_("Assign"), cancel_url),
        )

    def save(self, commit=True):
        self.instance.is_lead = self.cleaned_data.get("lead", False)
        return super().save(commit=commit)


class AssignmentEndForm(forms.ModelForm):
    """End an assignment on a date; the record stays as history."""

    class Meta:
        model = Assignment
        fields = ["ended_on", "note"]
        widgets = {"ended_on": date_input()}

    def __init__(self, *args, cancel_url: str, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["ended_on"] = timezone.localdate()
        self.fields["ended_on"].required = True
        self.fields["note"].help_text = _("For example: rotation, retirement, school closed.")
        self.helper = FormHelper()
        self.helper.attrs = {
            "data-confirm": _("End the assignment of %(assignment)s?")
            % {"assignment": self.instance}
        }
        self.helper.layout = Layout(
            Row(Column("ended_on", css_class="col-md-4"), Column("note", css_class="col-md-8")),
            form_actions(submit_label, cancel_url),
        )

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on > timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the future."))
        return ended_on


class PlaqueFilterForm(forms.Form):
    """Search, township and state filters of the plaque list (a GET form)."""

    STATES = [
        ("", _("Any state")),
        (plaques.UNISSUED, _("Not issued")),
        (plaques.UNPOSTED, _("Not posted")),
        (plaques.OUTDATED, _("Outdated")),
        (plaques.NO_PHOTO, _("Posted without a photo")),
        (plaques.CURRENT, _("Current")),
    ]
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    township = forms.ModelChoiceField(
        Township.objects.none(),
        label=capfirst(_("township")),
        required=False,
        empty_label=_("All townships"),
    )
    state = forms.ChoiceField(label=_("Plaque"), required=False, choices=STATES)

    def __init__(self, *args, user, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.fields["township"].queryset = Township.objects.for_user(user).filter(county=county)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or school code")
        self.helper = search_bar_helper(
            self,
            Column("q", css_class="col-12 col-md-4"),
            Column("township", css_class="col-6 col-md-3"),
            Column("state", css_class="col-6 col-md-3"),
            autosubmit=("township", "state"),
        )
        keep_filter_bar(self, user, county.pk)

    def chosen_township(self):
        return self.cleaned_data.get("township") if self.is_valid() else None

    def filter(self, schools):
        if not self.is_valid():
            return schools
        data = self.cleaned_data
        if data["q"]:
            schools = search_schools(schools, data["q"])
        if data["township"]:
            schools = schools.filter(township=data["township"])
        if data["state"]:
            schools = plaques.in_state(schools, data["state"], county=self.county)
        return schools


class PrintChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("Printed on %(at)s by %(who)s") % {
            "at": f"{timezone.localtime(obj.printed_at):%Y-%m-%d %H:%M}",
            "who": obj.printed_by,
        }


class PostingForm(forms.Form):
    """The office records when the plaque went up, with a photo of it at the gate, and which of
    its recent prints it was (the posting keeps what that print printed)."""

    RECENT_PRINTS = 10

    printed = PrintChoiceField(
        PlaquePrint.objects.none(),
        label=_("The plaque that went up"),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Each print from the print page is kept; the latest is preselected."),
    )
    posted_on = forms.DateField(label=_("Posted on"), widget=date_input())
    photo = forms.FileField(
        label=_("Photo of the plaque at the gate"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Cleaned and stamped with the school and date, like visit photos."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, school, plaque, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["posted_on"].initial = timezone.localdate
        recent = list(
            plaque.prints.select_related("printed_by").order_by("-printed_at", "-pk")[
                : self.RECENT_PRINTS
            ]
        )
        if recent:
            self.fields["printed"].queryset = PlaquePrint.objects.filter(
                pk__in=[each.pk for each in recent]
            ).select_related("printed_by")
            self.fields["printed"].initial = recent[0].pk
        else:  # printed before prints were recorded: the posting keeps today's content
            del self.fields["printed"]
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.layout = Layout(
            *(["printed"] if recent else []),
            Row(Column("posted_on", css_class="col-md-4"), Column("note", css_class="col-md-8")),
            "photo",
            form_actions(_("Record the posting"), cancel_url),
        )

    def clean_posted_on(self):
        posted_on = self.cleaned_data["posted_on"]
        if posted_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return posted_on

    def clean_photo(self):
        """The photo re-encoded like a visit photo: a processed photo, or None."""
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        posted_on = self.cleaned_data.get("posted_on") or timezone.localdate()
        return process_photo(
            upload,
            stamp_text=f"{self.school.name} {posted_on:%Y-%m-%d}",
            max_bytes=self.school.county.settings.photo_max_megabytes * 1024 * 1024,
        )
