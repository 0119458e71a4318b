import datetime
import re
import unicodedata

from crispy_forms.bootstrap import FormActions, InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import F, Q
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dudao.layout import LinkButton, filter_helper
from dudao.pickers import SearchModelChoiceField
from schools.filters import keep_filter_bar
from schools.importing import cells
from schools.models import (
    County,
    CountySettings,
    Department,
    School,
    SchoolKind,
    Township,
    Zone,
)


def normalise_code(value: str) -> str:
    """Full-width digits and stray spaces, as typed on Chinese keyboards, become plain digits."""
    return unicodedata.normalize("NFKC", value or "").replace(" ", "")


def search_schools(schools, term: str):
    """The ``schools`` whose name holds ``term`` or whose code starts with it."""
    term = term.strip()
    return schools.filter(Q(name__icontains=term) | Q(code__startswith=normalise_code(term)))


def cleaned_like_the_import(parser, value):
    """A form value cleaned by the import's cell parser (e.g. ``cells.phone``), so a form
    stores it exactly as the import would; the parser's complaint becomes the field's error."""
    try:
        return parser(value)
    except cells.CellError as error:
        raise forms.ValidationError(str(error)) from None


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_actions(submit_label, cancel_url: str) -> FormActions:
    """The submit button and a cancel link back to where the user came from."""
    return FormActions(
        Submit("save", submit_label),
        LinkButton(_("Cancel"), cancel_url),
        css_class="d-flex gap-2 mt-3",
    )


def search_bar_helper(form, *columns: Column, autosubmit: tuple[str, ...]) -> FormHelper:
    """The GET search bar above a registry list: the columns and a search button in one row.

    Labels are hidden to keep the bar compact (screen readers still get them); the selects
    named in ``autosubmit`` submit the form when changed.
    """
    for name in autosubmit:
        form.fields[name].widget.attrs["data-autosubmit"] = ""
    for field in form.fields.values():
        field.widget.attrs["aria-label"] = field.label
    helper = filter_helper(show_labels=False)
    helper.layout = Layout(
        Row(
            *columns,
            Column(Submit("", _("Search"), css_class="w-100"), css_class="col-4 col-md-1"),
            css_class="g-2",
        )
    )
    return helper


class SchoolSearchField(SearchModelChoiceField):
    """A school from a list that may be long, found by name or school code; a ``township``
    field of the same form narrows it."""

    search_lookups = ("name__icontains", "code__startswith")
    narrow_lookups = {"township": "township_id"}
    find_placeholder = _("Type part of the name or the school code")


class CountyFormMixin:
    """A registry form bound to one county.

    A new record belongs to the user's county; a superuser, who has no county, picks one.
    Choice fields listing county records are narrowed to that county by ``limit_to_county``.
    """

    def bind_county(self, user) -> County | None:
        county = self.instance.county if self.instance.pk else user.county
        if county is None:
            self.fields["county"] = forms.ModelChoiceField(
                County.objects.all(), label=capfirst(_("county")), required=True
            )
            self.order_fields(["county"])
        else:
            self.instance.county = county
        self.county = county
        return county

    def limit_to_county(self, field_name: str, queryset) -> None:
        if self.county is not None:
            queryset = queryset.filter(county=self.county)
        self.fields[field_name].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("county"):
            self.county = self.instance.county = cleaned["county"]
        return cleaned


class SchoolFilterForm(forms.Form):
    """Search and filters of the school list (a GET form)."""

    COVERED = "covered"
    UNCOVERED = "uncovered"
    UNDER_MINIMUM = "under_minimum"
    COVERAGE_CHOICES = [
        ("", _("Any coverage")),
        (COVERED, _("Covered")),
        (UNCOVERED, _("No active inspector")),
        (UNDER_MINIMUM, _("Central school under the minimum")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    township = forms.ModelChoiceField(
        Township.objects.none(),
        label=capfirst(_("township")),
        required=False,
        empty_label=_("All townships"),
    )
    kind = forms.ChoiceField(
        label=capfirst(_("kind")),
        required=False,
        choices=[("", _("All kinds")), *SchoolKind.choices],
    )
    coverage = forms.ChoiceField(label=_("Coverage"), required=False, choices=COVERAGE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or school code")
        self.helper = search_bar_helper(
            self,
            Column("q", css_class="col-12 col-md-4"),
            Column("township", css_class="col-6 col-md-2"),
            Column("kind", css_class="col-6 col-md-2"),
            Column("coverage", css_class="col-8 col-md-3"),
            autosubmit=("township", "kind", "coverage"),
        )
        keep_filter_bar(self, user)

    def filter(self, schools):
        if not self.is_valid():
            return schools
        data = self.cleaned_data
        if data["q"]:
            schools = search_schools(schools, data["q"])
        if data["township"]:
            schools = schools.filter(township=data["township"])
        if data["kind"]:
            schools = schools.filter(kind=data["kind"])
        coverage = data["coverage"]
        if coverage == self.COVERED:
            schools = schools.covered()
        elif coverage == self.UNCOVERED:
            schools = schools.uncovered()
        elif coverage == self.UNDER_MINIMUM:
            # Each school against its own county's minimum: a superuser lists every county.
            schools = schools.central_under_minimum(
                F("county__settings__min_inspectors_per_central_school")
            )
        return schools


class SchoolForm(CountyFormMixin, forms.ModelForm):
    """Create or edit a school of the county.

    The principal is not edited here: a change of principal goes through
    ``accounts:change_principal``, which ends the old tenure and the old login's access.
    """

    # Longer than 10 on the form: spaces and full-width digits are normalised, then the
    # model checks for exactly 10 digits.
    code = forms.CharField(
        label=School._meta.get_field("code").verbose_name,
        help_text=School._meta.get_field("code").help_text,
        max_length=40,
        error_messages={"unique": _("A school with this school code is already registered.")},
    )

    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "kind",
            "is_public",
            "is_active",
            "township",
            "zone",
            "address",
            "latitude",
            "longitude",
            "is_central",
            "central_school",
            "is_boarding",
            "students",
            "teachers",
            "phone",
        ]
        labels = {"is_active": _("Open (not closed)")}
        field_classes = {"central_school": SchoolSearchField}

    def __init__(self, *args, user, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.bind_county(user)
        self.limit_to_county("township", Township.objects.for_user(user))
        self.limit_to_county("zone", Zone.objects.for_user(user))
        centrals = School.objects.for_user(user).filter(is_central=True)
        if self.instance.pk:
            centrals = centrals.exclude(pk=self.instance.pk)
        self.limit_to_county("central_school", centrals)
        # The school's own township field is no filter for its central school.
        self.fields["central_school"].narrow_lookups = {}
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["county"] if "county" in self.fields else []),
            Fieldset(
                _("Basics"),
                Row(
                    Column("code", css_class="col-md-4"),
                    Column("name", css_class="col-md-8"),
                ),
                Row(
                    Column("kind", css_class="col-md-4"),
                    Column("is_public", "is_active", css_class="col-md-8 pt-md-4"),
                ),
            ),
            Fieldset(
                _("Place"),
                Row(
                    Column("township", css_class="col-md-6"),
                    Column("zone", css_class="col-md-6"),
                ),
                "address",
                Row(
                    Column("latitude", css_class="col-6"),
                    Column("longitude", css_class="col-6"),
                ),
            ),
            Fieldset(
                _("Structure"),
                Row(
                    Column("is_central", "is_boarding", css_class="col-md-4 pt-md-4"),
                    Column("central_school", css_class="col-md-8"),
                ),
                Row(
                    Column("students", css_class="col-6"),
                    Column("teachers", css_class="col-6"),
                ),
            ),
            Fieldset(
                _("Contact"),
                Row(Column("phone", css_class="col-md-4")),
            ),
            form_actions(_("Save"), cancel_url),
        )

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])

    def clean_phone(self):
        return cleaned_like_the_import(cells.phone, self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name and self.county is not None:
            duplicates = School.objects.filter(county=self.county, name=name)
            if duplicates.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "name",
                    _("A school named %(name)s already exists in this county.") % {"name": name},
                )
        return cleaned


class DepartmentForm(CountyFormMixin, forms.ModelForm):
    """Add or edit a county department (县直部门) that may own meeting decisions and take
    complaints handed over."""

    class Meta:
        model = Department
        fields = ["name", "contact_name", "contact_phone", "is_active"]
        labels = {
            "name": _("Department name"),
            "is_active": _("In use: offered for new meeting decisions and complaint hand-overs"),
        }
        help_texts = {"name": _("e.g. 县财政局, 县公安局, 县卫生健康局.")}

    def __init__(self, *args, user, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.bind_county(user)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["county"] if "county" in self.fields else []),
            "name",
            Row(
                Column("contact_name", css_class="col-md-6"),
                Column("contact_phone", css_class="col-md-6"),
            ),
            "is_active",
            form_actions(_("Save"), cancel_url),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_contact_phone(self):
        return cleaned_like_the_import(cells.phone, self.cleaned_data["contact_phone"])

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name and self.county is not None:
            same = Department.objects.filter(county=self.county, name=name)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "name",
                    _("A department named %(name)s already exists in this county.")
                    % {"name": name},
                )
        return cleaned


class DateListField(forms.CharField):
    """Calendar dates typed one per line (or separated by spaces or commas): 2026-10-01,
    2026/10/1 and 2026年10月1日 all read as the same day; stored as a sorted list of ISO dates."""

    widget = forms.Textarea(attrs={"rows": 3})
    SEPARATORS = re.compile(r"[\s,，;；、]+")
    DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        days = set()
        for entry in self.SEPARATORS.split(unicodedata.normalize("NFKC", super().to_python(value))):
            if not entry:
                continue
            match = self.DATE.match(entry)
            try:
                days.add(datetime.date(*map(int, match.groups())) if match else None)
            except ValueError:
                match = None
            if match is None:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date like 2026-10-01."),
                    code="bad_date",
                    params={"value": entry},
                )
        return sorted(day.isoformat() for day in days)


class CountySettingsForm(forms.ModelForm):
    """The county's tunable numbers; read-only (all fields disabled) for the committee."""

    REGISTRY_FIELDS = [
        "monthly_visit_duty",
        "holiday_months",
        "school_load_per_inspector",
        "min_inspectors_per_central_school",
        "rotation_years",
        "term_warning_days",
        "inspectors_see_county",
    ]
    PUBLIC_FIELDS = [
        "complaint_answer_days",
        "tracking_lookups_per_ip_hour",
        "public_submissions_per_ip_hour",
        "public_submissions_per_school_day",
        "public_holidays",
        "make_up_workdays",
    ]
    # Meetings and notices: their files' size limit, and when the worker's sweep reminds
    # (meetings.reminders).
    MEETING_FIELDS = [
        "document_max_megabytes",
        "meeting_first_reminder_days",
        "meeting_second_reminder_days",
        "minutes_reminder_days",
        "notice_reminder_days",
        "visit_duty_reminder_days",
    ]
    # The school terms of the summaries and the weights of the inspectors' assessment (reports).
    REPORT_FIELDS = [
        "first_term_starts",
        "first_term_ends",
        "second_term_starts",
        "second_term_ends",
        "weight_visits",
        "weight_records",
        "weight_rectifications",
        "weight_complaints",
        "weight_meetings",
        "weight_notices",
        "figures_refresh_minutes",
    ]

    holiday_months = forms.TypedMultipleChoiceField(
        label=CountySettings._meta.get_field("holiday_months").verbose_name,
        help_text=CountySettings._meta.get_field("holiday_months").help_text,
        choices=[(number, MONTHS[number]) for number in range(1, 13)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    public_holidays = DateListField(
        label=CountySettings._meta.get_field("public_holidays").verbose_name,
        help_text=CountySettings._meta.get_field("public_holidays").help_text,
        required=False,
    )
    make_up_workdays = DateListField(
        label=CountySettings._meta.get_field("make_up_workdays").verbose_name,
        help_text=CountySettings._meta.get_field("make_up_workdays").help_text,
        required=False,
    )

    class Meta:
        model = CountySettings
        # Every number a later feature adds to CountySettings appears here by itself.
        exclude = ["county"]  # noqa: DJ006

    def __init__(self, *args, read_only: bool, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        grouped = {
            *self.REGISTRY_FIELDS,
            *self.PUBLIC_FIELDS,
            *self.MEETING_FIELDS,
            *self.REPORT_FIELDS,
        }
        others = [name for name in self.fields if name not in grouped]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Inspectors and coverage"), self._columns(self.REGISTRY_FIELDS)),
            Fieldset(_("Visits and rectifications"), self._columns(others)),
            Fieldset(_("Meetings, notices and reminders"), self._columns(self.MEETING_FIELDS)),
            Fieldset(_("Public supervision"), self._columns(self.PUBLIC_FIELDS)),
            Fieldset(_("Terms and the inspectors' assessment"), self._columns(self.REPORT_FIELDS)),
        )
        if read_only:
            for field in self.fields.values():
                field.disabled = True
        else:
            self.helper.layout.append(form_actions(_("Save settings"), cancel_url))

    @staticmethod
    def _columns(names) -> Row:
        """Two fields a row on wider screens; the month checkboxes take a row of their own."""
        return Row(
            *(
                Column(InlineCheckboxes(name), css_class="col-12")
                if name == "holiday_months"
                else Column(name, css_class="col-md-6")
                for name in names
            )
        )

    def clean(self):
        cleaned = super().clean()
        holidays = set(cleaned.get("public_holidays") or [])
        if clash := sorted(holidays & set(cleaned.get("make_up_workdays") or [])):
            self.add_error(
                "make_up_workdays",
                _("%(dates)s cannot be both a holiday and a working day.")
                % {"dates": "、".join(clash)},
            )
        return cleaned

    def clean_holiday_months(self):
        months = sorted(set(self.cleaned_data["holiday_months"]))
        if len(months) == 12:
            raise forms.ValidationError(_("At least one month of the year must have school."))
        return months
