"""Forms of the report pages: which period and townships a page shows, asking for a monthly
report, and the office's changes to the yearly assessment."""

import datetime
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.layout import filter_helper
from reports.models import AssessmentAdjustment
from reports.periods import MONTH, TERM, YEAR, Period
from schools.filters import keep_filter_bar
from schools.models import Township

PERIOD_KINDS = [(MONTH, _("Month")), (TERM, _("Term")), (YEAR, _("Year"))]


def term_choices(county_settings, today: datetime.date) -> list[tuple[str, str]]:
    """The current term and the five before it, newest first."""
    current = Period.current_term(county_settings, today)
    year, number = (int(part) for part in current.key.split("-"))
    choices = []
    for _step in range(6):
        term = Period.term(county_settings, year, number)
        choices.append((term.key, term.label))
        year, number = (year, 1) if number == 2 else (year - 1, 2)
    return choices


class PeriodForm(forms.Form):
    """The period (a month, a term or a year) and townships of a dashboard (a GET form).

    An invalid choice is shown as an error and the page falls back to this month, so the page
    never shows numbers for something other than what it says."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, required=False)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    term = forms.ChoiceField(label=_("Term"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    township = forms.ModelMultipleChoiceField(
        label=_("Townships"),
        queryset=Township.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole county. Several: side by side."),
    )

    def __init__(
        self,
        *args,
        county,
        user,
        today: datetime.date,
        townships=True,
        kinds=(MONTH, TERM, YEAR),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.county, self.today = county, today
        self.fields["period"].choices = [(k, label) for k, label in PERIOD_KINDS if k in kinds]
        if TERM in kinds:
            self.fields["term"].choices = term_choices(county.settings, today)
        else:  # terms are county settings: several counties side by side have no common one
            del self.fields["term"]
        self.fields["year"].choices = [(year, year) for year in range(today.year, 2019, -1)]
        if townships:
            self.fields["township"].queryset = (
                Township.objects.for_user(user).filter(county=county).order_by("kind", "name")
            )
        else:
            del self.fields["township"]
        self.helper = filter_helper(form_class="report-filters")
        columns = [
            Column(name, css_class=css)
            for name, css in (
                ("period", "col-6 col-md-2"),
                ("month", "col-6 col-md-3"),
                ("term", "col-12 col-md-4"),
                ("year", "col-6 col-md-3"),
            )
            if name in self.fields
        ]
        self.helper.layout = Layout(
            Row(*columns, css_class="g-2"),
            *(["township"] if townships else []),
            Submit("show", _("Show"), css_class="btn-sm"),
        )
        # Its choices: the county's townships and terms (registry), the years up to today's.
        keep_filter_bar(self, user, county.pk, today, townships, tuple(kinds))

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return Period.month(int(match[1]), int(match[2]))

    def chosen_period(self) -> Period:
        this_month = Period.month(self.today.year, self.today.month)
        if not self.is_bound or not self.is_valid():
            return this_month
        data = self.cleaned_data
        kind = data.get("period") or MONTH
        if kind == TERM and data.get("term") and "term" in self.fields:
            return Period.parse(TERM, data["term"], self.county.settings)
        if kind == YEAR and data.get("year"):
            return Period.year(data["year"])
        return data.get("month") or this_month

    def chosen_townships(self) -> list:
        if "township" not in self.fields or not self.is_bound or not self.is_valid():
            return []
        return list(self.cleaned_data.get("township") or [])


class CompileForm(forms.Form):
    """The office asks for the report of a month, or of any date range."""

    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("Or leave it empty and give a date range."),
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("month", css_class="col-12 col-md-4"),
                Column("start", css_class="col-6 col-md-3"),
                Column("end", css_class="col-6 col-md-3"),
                css_class="g-2",
            ),
            Submit("compile", _("Compile"), css_class="btn-primary"),
        )

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return Period.month(int(match[1]), int(match[2]))

    def clean(self):
        cleaned = super().clean()
        month, start, end = cleaned.get("month"), cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if month:
            period = month
        elif start and end:
            if end < start:
                raise forms.ValidationError(_("The range ends before it starts."))
            if (end - start).days > 366:
                raise forms.ValidationError(_("A report covers at most a year."))
            period = Period.date_range(start, end)
        else:
            raise forms.ValidationError(_("Give a month, or both dates of a range."))
        if period.start > self.today:
            raise forms.ValidationError(_("That period has not begun yet."))
        cleaned["period"] = period
        return cleaned


class AdjustmentForm(forms.ModelForm):
    """A manual adjustment of an inspector's yearly score, with the reason (kept in history)."""

    class Meta:
        model = AssessmentAdjustment
        fields = ["points", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"reason": {"required": _("Write the reason for the adjustment.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].max_length = 1000
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("points", css_class="col-12 col-md-3"),
                Column("reason", css_class="col-12 col-md-9"),
                css_class="g-2",
            ),
            Submit("adjust", _("Add adjustment"), css_class="btn-primary btn-sm"),
        )

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("An adjustment of zero changes nothing."))
        return points

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write the reason for the adjustment."))
        return reason


class CommendationForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
