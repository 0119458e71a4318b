"""Forms of the visit record.

The record form is bound twice on a POST: leniently (every field optional) to keep whatever was
typed, and strictly on submission (what a finished record needs).
"""

import datetime
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dudao.fields import LoadedModelChoiceField
from dudao.layout import LeanHelper, LinkButton, filter_helper
from dudao.pickers import SearchTextField
from inspectors.forms import InspectorSearchField
from inspectors.models import Assignment, Inspector, InspectorStatus
from rectifications.models import Severity, deadline_error
from schools.filters import CountyFirstFilterForm, keep_filter_bar
from schools.forms import SchoolSearchField
from schools.models import School, SupervisionMatter, Township
from visits.models import (
    CLIENT_CLOCK_SKEW,
    MAX_ACCURACY_METERS,
    SHANGHAI,
    Judgement,
    Visit,
    VisitKind,
    VisitMethod,
    VisitStatus,
    coordinate,
)
from visits.services import kinds_for

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TEXT_ROWS = 3


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Crispy field templates for a phone: every choice is a button of at least 44 x 44 px.
TOGGLE_CHIPS = "visits/fields/toggle_chips.html"
JUDGEMENT_BUTTONS = "visits/fields/judgement.html"
TOGGLE_CHECK = "visits/fields/toggle_check.html"
CO_INSPECTOR_PICKER = "visits/fields/co_inspectors.html"
REQUIRED_ON_SUBMIT = "required-on-submit"  # marked with an asterisk (visits.css)
CO_INSPECTOR_MATCHES = 20


def co_inspector_candidates(visit: Visit):
    """Who may come along on ``visit``: the county's active inspectors but its own, the
    school's own inspectors first."""
    own = Assignment.objects.filter(
        inspector=OuterRef("pk"), school_id=visit.school_id, ended_on__isnull=True
    )
    return (
        Inspector.objects.filter(county_id=visit.school.county_id, status=InspectorStatus.ACTIVE)
        .exclude(pk=visit.inspector_id)
        .annotate(of_school=Exists(own))
        .order_by("-of_school", "name", "pk")
    )


def co_inspector_matches(candidates, query: str):
    """Candidates whose name or employer contains ``query``, at most a screenful."""
    query = query.replace("\x00", "").strip()[:50]
    if not query:
        return candidates.none()
    return candidates.filter(Q(name__icontains=query) | Q(employer__icontains=query))[
        :CO_INSPECTOR_MATCHES
    ]


def inline_helper(layout: Layout) -> FormHelper:
    """A helper for a part of the one big record form: no <form> tag of its own."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = layout
    return helper


# Bounds that only catch typing slips and tampering; a record may be entered days after the visit.
EARLIEST_RECORD = datetime.datetime(2000, 1, 1, tzinfo=SHANGHAI)


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


class VisitForm(forms.ModelForm):
    """The record itself. ``strict`` asks for what a submitted record must have."""

    REQUIRED_ON_SUBMIT = ("kind", "arrived_at", "methods", "feedback_to_school")
    # Model fields that may not be empty: a lenient save keeps their old value instead.
    KEEP_WHEN_EMPTY = ("inspector", "kind", "arrived_at")

    methods = forms.MultipleChoiceField(
        label=capfirst(_("methods")),
        choices=VisitMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    check_in_latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    check_in_longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    check_in_accuracy = forms.FloatField(
        required=False, min_value=0, max_value=MAX_ACCURACY_METERS, widget=forms.HiddenInput
    )
    # When the phone took the position (its own clock): an offline check-in arrives later.
    check_in_taken_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    location_consent = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = [
            "inspector",
            "kind",
            "arrived_at",
            "departed_at",
            "co_inspectors",
            "methods",
            "highlights",
            "problems_text",
            "suggestions",
            "feedback_to_school",
        ]
        widgets = {
            "arrived_at": datetime_input(),
            "departed_at": datetime_input(),
            "highlights": forms.Textarea(attrs={"rows": TEXT_ROWS}),
            "problems_text": forms.Textarea(attrs={"rows": TEXT_ROWS}),
            "suggestions": forms.Textarea(attrs={"rows": TEXT_ROWS}),
            "feedback_to_school": forms.Textarea(attrs={"rows": TEXT_ROWS}),
            "co_inspectors": forms.CheckboxSelectMultiple,
        }
        field_classes = {"inspector": InspectorSearchField}
        labels = {
            "problems_text": _("Problems noted as free text (no rectification item)"),
        }
        help_texts = {
            "co_inspectors": _(
                "The school's own inspectors are listed; find anyone else of the county by name."
            ),
            "suggestions": _(
                "General advice to the school. Only the problems to rectify above become "
                "rectification items."
            ),
            "problems_text": _(
                "This text creates no rectification item: add each problem the school must fix "
                "as a problem to rectify above."
            ),
            "feedback_to_school": _(
                "What you told the school on the spot; the principal reads it."
            ),
        }

    def __init__(
        self, *args, visit: Visit, user, strict: bool = False, co_search: str = "", **kwargs
    ):
        super().__init__(*args, instance=visit, **kwargs)
        self.strict = strict
        county_id = visit.school.county_id
        inspectors = Inspector.objects.filter(county_id=county_id, status=InspectorStatus.ACTIVE)
        if user.is_superuser or user.is_office:
            self.fields["inspector"].queryset = inspectors
            self.fields["inspector"].label = _("Inspector (whom the record is for)")
        else:
            del self.fields["inspector"]
        if not visit.problems_text:
            # Problems go into the problem rows, which become rectification items; the free
            # text box stays only on drafts that already hold such text.
            del self.fields["problems_text"]
        self._set_up_co_inspectors(visit, co_search)
        self.fields["kind"].choices = kinds_for(visit.inspector)
        for name, field in self.fields.items():
            field.required = strict and name in self.REQUIRED_ON_SUBMIT
            if name in self.REQUIRED_ON_SUBMIT:
                field.widget.attrs["aria-required"] = "true"
        self.fields["methods"].error_messages["required"] = _("Tick at least one method.")
        self.fields["feedback_to_school"].error_messages["required"] = _(
            "Write the feedback given to the school."
        )
        self.top_helper = inline_helper(
            Layout(
                "location_consent",
                "check_in_latitude",
                "check_in_longitude",
                "check_in_accuracy",
                "check_in_taken_at",
                Fieldset(
                    _("The visit"),
                    *(["inspector"] if "inspector" in self.fields else []),
                    "kind",
                    Div(
                        Div("arrived_at", css_class="col-12 col-sm-6"),
                        Div("departed_at", css_class="col-12 col-sm-6"),
                        css_class="row g-2",
                    ),
                    Field("methods", template=TOGGLE_CHIPS, wrapper_class=REQUIRED_ON_SUBMIT),
                    Field("co_inspectors", template=CO_INSPECTOR_PICKER),
                ),
            )
        )
        self.bottom_helper = inline_helper(
            Layout(
                Fieldset(
                    _("Summary and feedback"),
                    "highlights",
                    *(["problems_text"] if "problems_text" in self.fields else []),
                    "suggestions",
                    Field("feedback_to_school", wrapper_class=REQUIRED_ON_SUBMIT),
                )
            )
        )

    def _set_up_co_inspectors(self, visit: Visit, co_search: str) -> None:
        """Any active inspector of the county may be chosen; the page lists the school's own,
        those already chosen and those found by ``co_search`` (never the whole county)."""
        field = self.fields["co_inspectors"]
        candidates = co_inspector_candidates(visit)
        field.queryset = candidates
        chosen = [
            str(getattr(value, "pk", value)) for value in (self["co_inspectors"].value() or [])
        ]
        chosen = [value for value in chosen if value.isascii() and value.isdigit()]
        found = list(co_inspector_matches(candidates, co_search).values_list("pk", flat=True))
        shown = candidates.filter(Q(of_school=True) | Q(pk__in=[*chosen, *found]))
        field.widget.choices = [(inspector.pk, inspector.name) for inspector in shown]
        self.co_search = co_search
        self.co_found = len(found)
        self.co_search_url = reverse("visits:co_inspector_search", args=[visit.pk])

    def clean_arrived_at(self):
        arrived = self.cleaned_data["arrived_at"]
        if arrived is None:
            return None
        if arrived > timezone.now() + CLIENT_CLOCK_SKEW:
            raise forms.ValidationError(_("The arrival cannot be in the future."))
        if arrived < EARLIEST_RECORD:
            raise forms.ValidationError(_("Enter the real arrival time."))
        return arrived

    def clean(self):
        cleaned = super().clean()
        arrived = cleaned.get("arrived_at") or self.instance.arrived_at
        departed = cleaned.get("departed_at")
        if arrived and departed and departed < arrived:
            self.add_error("departed_at", _("The departure cannot be before the arrival."))
        elif arrived and departed and local_day(departed) != local_day(arrived):
            self.add_error("departed_at", _("The departure must be on the day of the visit."))
        return cleaned

    def _post_clean(self):
        """Leave the instance alone: ``apply_to`` copies only the valid fields, and the record
        is checked here and by ``Visit.submit``."""

    def apply_to(self, visit: Visit) -> None:
        """Copy the valid fields onto ``visit`` (not saved), keeping required ones if empty."""
        data = self.cleaned_data
        for name in self._meta.fields:
            if name not in data or name == "co_inspectors" or name not in self.fields:
                continue
            value = data[name]
            if value in (None, "") and name in self.KEEP_WHEN_EMPTY:
                continue
            setattr(visit, name, value)
        latitude, longitude = data.get("check_in_latitude"), data.get("check_in_longitude")
        if data.get("location_consent") and latitude is not None and longitude is not None:
            already = (visit.check_in_latitude, visit.check_in_longitude)
            if already != (coordinate(latitude), coordinate(longitude)):
                visit.record_check_in(
                    latitude=latitude,
                    longitude=longitude,
                    accuracy=data.get("check_in_accuracy"),
                    taken_at=data.get("check_in_taken_at"),
                )


class MatterNoteForm(forms.Form):
    """One supervision matter: a judgement in one tap (which makes it looked at), and what was
    seen. ``cleaned_data["looked_at"]`` says whether anything was noted."""

    matter = LoadedModelChoiceField(SupervisionMatter.objects.none(), widget=forms.HiddenInput)
    judgement = forms.ChoiceField(
        label=capfirst(_("judgement")),
        choices=[("", _("Not looked at"))] + list(Judgement.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    observation = forms.CharField(
        label=capfirst(_("what was seen")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What was seen (optional)")}),
    )

    def __init__(self, *args, matters, matter=None, strict: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.strict = strict
        self.matter_object = matter
        self.fields["matter"].set_rows(matters)
        if matter:
            self.fields["judgement"].label = str(matter)

    def clean(self):
        cleaned = super().clean()
        noted = cleaned.get("observation") or cleaned.get("judgement")
        cleaned["looked_at"] = bool(noted)
        if self.strict and noted and not cleaned.get("judgement"):
            self.add_error("judgement", _("Give a judgement for a matter you looked at."))
        return cleaned


class BaseMatterNoteFormSet(forms.BaseFormSet):
    """A fixed row per supervision matter of the record."""

    def __init__(self, *args, matters, notes=(), strict: bool = False, **kwargs):
        self.matters = list(matters)
        self.strict = strict
        by_matter = {note.matter_id: note for note in notes}
        initial = []
        for matter in self.matters:
            note = by_matter.get(matter.pk)
            initial.append(
                {
                    "matter": matter.pk,
                    "observation": note.observation if note else "",
                    "judgement": note.judgement if note else "",
                }
            )
        super().__init__(*args, initial=initial, **kwargs)

    def get_form_kwargs(self, index):
        matter = self.matters[index] if index is not None and index < len(self.matters) else None
        return {"matters": self.matters, "matter": matter, "strict": self.strict}

    def clean(self):
        if not self.strict or any(self.errors):
            return
        if not any(form.cleaned_data.get("looked_at") for form in self.forms):
            raise forms.ValidationError(_("Judge at least one supervision matter you looked at."))


MatterNoteFormSet = forms.formset_factory(
    MatterNoteForm,
    formset=BaseMatterNoteFormSet,
    extra=0,
    max_num=100,
    validate_max=True,
)


class ProblemForm(forms.Form):
    """A problem found; on submission it becomes a rectification item."""

    matter = LoadedModelChoiceField(
        SupervisionMatter.objects.none(), label=capfirst(_("supervision matter")), required=False
    )
    severity = forms.ChoiceField(
        label=capfirst(_("severity")), choices=Severity.choices, initial=Severity.GENERAL
    )
    description = forms.CharField(
        label=capfirst(_("problem")), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required_change = forms.CharField(
        label=capfirst(_("what must change")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label=capfirst(_("deadline")),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty for the county's default for this severity."),
    )

    def __init__(self, *args, matters, visit_day: datetime.date, strict: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.strict = strict
        self.visit_day = visit_day
        self.fields["matter"].set_rows(matters)

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(
            data.get("matter")
            or data.get("description", "").strip()
            or data.get("required_change", "").strip()
            or data.get("deadline")
        )

    def clean(self):
        cleaned = super().clean()
        deadline = cleaned.get("deadline")
        if deadline and deadline < self.visit_day:
            self.add_error("deadline", _("The deadline cannot be before the visit."))
        elif deadline and (error := deadline_error(deadline, today=self.visit_day)):
            self.add_error("deadline", error)  # the rectification rule, from the visit's day
        if self.strict and self.has_content():
            if not cleaned.get("matter") and "matter" not in self.errors:
                self.add_error("matter", _("Choose the supervision matter."))
            if not cleaned.get("description", "").strip():
                self.add_error("description", _("Describe the problem."))
        return cleaned


class BaseProblemFormSet(forms.BaseFormSet):
    def __init__(self, *args, matters, visit_day, strict: bool = False, **kwargs):
        # Loaded once for every row (``LoadedModelChoiceField``).
        self.form_options = {"matters": list(matters), "visit_day": visit_day, "strict": strict}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return dict(self.form_options)


ProblemFormSet = forms.formset_factory(
    ProblemForm,
    formset=BaseProblemFormSet,
    extra=0,
    can_delete=True,
    max_num=50,
    validate_max=True,
)

MATTER_NOTE_HELPER = inline_helper(
    Layout(
        "matter",
        Field("judgement", template=JUDGEMENT_BUTTONS),
        Div("observation", css_class="matter-details"),
    )
)

PROBLEM_HELPER = inline_helper(
    Layout(
        Div(
            Div(Field("matter", wrapper_class=REQUIRED_ON_SUBMIT), css_class="col-12 col-sm-8"),
            Div("severity", css_class="col-12 col-sm-4"),
            css_class="row g-2",
        ),
        Field("description", wrapper_class=REQUIRED_ON_SUBMIT),
        "required_change",
        Div(
            Div("deadline", css_class="col-12 col-sm-6"),
            Div(Field("DELETE", template=TOGGLE_CHECK), css_class="col-12 col-sm-6 pt-sm-4"),
            css_class="row g-2",
        ),
    )
)


class StartVisitForm(forms.Form):
    """Start a visit at a school chosen from a list (special inspectors and the office)."""

    school = SchoolSearchField(School.objects.none(), label=capfirst(_("school")))
    kind = forms.ChoiceField(label=capfirst(_("kind of visit")), choices=VisitKind.choices)
    inspector = InspectorSearchField(
        Inspector.objects.none(),
        label=_("Inspector (whom the record is for)"),
        required=False,
        help_text=_("Empty: the school's assigned inspector."),
    )

    def __init__(self, *args, schools, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.select_related("township").order_by(
            "township__name", "name"
        )
        if user.is_inspector:
            del self.fields["inspector"]
            self.fields["kind"].choices = kinds_for(user.inspector)
        else:
            self.fields["inspector"].queryset = Inspector.objects.for_user(user).filter(
                status=InspectorStatus.ACTIVE
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("start", _("Start the visit")))


class VisitFilterForm(CountyFirstFilterForm):
    """Filters of the visit list (a GET form); a user of several counties chooses a county
    before its townships and matters."""

    township = forms.ModelChoiceField(
        Township.objects.none(), label=capfirst(_("township")), required=False, empty_label=_("All")
    )
    school = SearchTextField(label=capfirst(_("school")), placeholder=_("School name or code"))
    inspector = SearchTextField(label=capfirst(_("inspector")), placeholder=_("Inspector's name"))
    kind = forms.ChoiceField(
        label=capfirst(_("kind of visit")),
        choices=[("", _("All"))] + list(VisitKind.choices),
        required=False,
    )
    matter = forms.ModelChoiceField(
        SupervisionMatter.objects.none(),
        label=capfirst(_("supervision matter")),
        required=False,
        empty_label=_("All"),
    )
    month = forms.CharField(
        label=capfirst(_("month")),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    # A term or a year (the report pages link here with them).
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=capfirst(_("status")),
        choices=[("", _("All"))] + list(VisitStatus.choices),
        required=False,
    )
    flagged = forms.BooleanField(label=_("Check-in flagged"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.per_county("township", Township.objects.for_user(user))
        self.per_county("matter", SupervisionMatter.objects.for_user(user).filter(is_active=True))
        self.helper = filter_helper(form_class="row g-2 align-items-end mb-2")
        column = "col-6 col-md-4 col-xl-3"
        self.helper.layout = Layout(
            *(
                Div(name, css_class=column)
                for name in (
                    *(["county"] if self.several_counties else []),
                    "month",
                    "date_from",
                    "date_to",
                    "township",
                    "school",
                    "inspector",
                    "kind",
                    "matter",
                )
            ),
            Div("status", css_class=column),
            Div(Field("flagged"), css_class=f"{column} pb-2"),
            Div(
                Submit("filter", _("Apply filters"), css_class="btn-primary"),
                LinkButton(_("Reset"), "?", css_class="btn btn-outline-secondary ms-1"),
                css_class="col-12 col-md-auto mb-3",
            ),
        )
        keep_filter_bar(self, user)

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return int(match[1]), int(match[2])


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example what the school will do about the problems."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = LeanHelper()
        self.helper.layout = Layout("text")
        self.helper.form_action = action
        self.helper.add_input(Submit("reply", _("Send reply")))


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=_("What to correct"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The submitted record stays as it is; the correction is added below it."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = LeanHelper()
        self.helper.layout = Layout("text")
        self.helper.form_action = action
        self.helper.add_input(Submit("amend", _("Add correction"), css_class="btn-secondary"))
