import datetime
import re

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import UserSearchField
from accounts.models import User
from meetings.models import (
    Attendance,
    CommitteeMember,
    DecisionOwner,
    Meeting,
    MeetingKind,
    MeetingSeries,
    Response,
)
from meetings.notice_forms import add_size_limit
from meetings.recipients import (
    Guest,
    RecipientChoice,
    RecipientFields,
    recipient_fieldset,
)
from meetings.services import DecisionOwnerChoice
from rectifications.models import deadline_error
from schools.forms import (
    CountyFormMixin,
    SchoolSearchField,
    date_input,
    form_actions,
    normalise_code,
)
from schools.models import Department, School, Township
from schools.validators import validate_phone


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
        field_classes = {"user": UserSearchField}

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


# --- meetings ------------------------------------------------------------------------------


def time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def parse_guests(text: str) -> tuple[list[Guest], list[str]]:
    """People without a login, one a line: name, organisation, phone (the last two optional).
    Returns the guests and the lines that could not be read."""
    guests, problems = [], []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in re.split(r"[,，、;；\t]", line)]
        name = parts[0] if parts else ""
        organisation = parts[1] if len(parts) > 1 else ""
        phone = normalise_code(parts[2]) if len(parts) > 2 else ""
        try:
            validate_phone(phone)
        except forms.ValidationError:
            problems.append(line.strip())
            continue
        if not name or len(name) > 50 or len(organisation) > 100 or len(parts) > 3:
            problems.append(line.strip())
            continue
        guests.append(Guest(name=name, organisation=organisation, phone=phone))
    return guests, problems


class WhenMixin:
    """A date and a start and end time on that date, in the site's zone (Asia/Shanghai)."""

    def clean_when(self, cleaned):
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The meeting must end after it starts."))
                return None
            make = timezone.make_aware
            return (
                make(datetime.datetime.combine(day, start)),
                make(datetime.datetime.combine(day, end)),
            )
        return None


class MeetingForm(WhenMixin, RecipientFields, forms.ModelForm):
    """Schedule a meeting and choose who is invited (by group, by person, and people without a
    login)."""

    day = forms.DateField(label=_("Date"), widget=date_input())
    start_time = forms.TimeField(label=_("Starts at"), widget=time_input())
    end_time = forms.TimeField(label=_("Ends at"), widget=time_input())
    guests = forms.CharField(
        label=_("People without a login"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line: name, organisation, phone, e.g. 王主任, 县财政局, 138-0000-0001."),
    )

    class Meta:
        model = Meeting
        fields = ["kind", "title", "place", "chair", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, county, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.setup_recipients(county=county)
        self.fields["kind"].initial = MeetingKind.INSPECTORS
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-5"), Column("title", css_class="col-md-7")),
            Row(
                Column("day", css_class="col-12 col-md-4"),
                Column("start_time", css_class="col-6 col-md-4"),
                Column("end_time", css_class="col-6 col-md-4"),
            ),
            Row(Column("place", css_class="col-md-7"), Column("chair", css_class="col-md-5")),
            "agenda",
            recipient_fieldset(_("Invitees")),
            "guests",
            form_actions(_("Schedule the meeting"), cancel_url),
        )

    def clean_guests(self):
        guests, problems = parse_guests(self.cleaned_data.get("guests", ""))
        if problems:
            raise forms.ValidationError(
                _("These lines are not “name, organisation, phone”: %(lines)s")
                % {"lines": _("; ").join(problems)}
            )
        self.guest_list = guests
        return self.cleaned_data["guests"]

    def clean(self):
        cleaned = super().clean()
        self.bounds = self.clean_when(cleaned)
        if self.bounds and self.bounds[1] <= timezone.now():
            self.add_error("day", _("This time is already past."))
        if not self.errors and self.cleaned_recipients().is_empty and not self.guest_list:
            raise forms.ValidationError(_("Invite at least one group or person."))
        return cleaned


class MeetingEditForm(forms.ModelForm):
    """Title, place, chair and agenda; a new time goes through "move" with a reason."""

    class Meta:
        model = Meeting
        fields = ["title", "place", "chair", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("place", css_class="col-md-7"), Column("chair", css_class="col-md-5")),
            "agenda",
            form_actions(_("Save"), cancel_url),
        )


class InviteForm(RecipientFields):
    """Add invitees to a meeting already scheduled."""

    guests = MeetingForm.base_fields["guests"]

    def __init__(self, *args, county, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_recipients(county=county)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            recipient_fieldset(_("Invite more people")),
            "guests",
            form_actions(_("Invite"), cancel_url),
        )

    clean_guests = MeetingForm.clean_guests

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.cleaned_recipients().is_empty and not self.guest_list:
            raise forms.ValidationError(_("Choose at least one group or person."))
        return cleaned


class MoveForm(WhenMixin, forms.Form):
    day = forms.DateField(label=_("New date"), widget=date_input())
    start_time = forms.TimeField(label=_("Starts at"), widget=time_input())
    end_time = forms.TimeField(label=_("Ends at"), widget=time_input())
    reason = forms.CharField(label=_("Reason for the change"), max_length=200)

    def __init__(self, *args, meeting, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        self.initial.update(
            {"day": starts.date(), "start_time": starts.time(), "end_time": ends.time()}
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("day", css_class="col-12 col-md-4"),
                Column("start_time", css_class="col-6 col-md-4"),
                Column("end_time", css_class="col-6 col-md-4"),
            ),
            "reason",
            form_actions(_("Move the meeting"), cancel_url),
        )

    def clean(self):
        cleaned = super().clean()
        self.bounds = self.clean_when(cleaned)
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)

    def __init__(self, *args, meeting, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {
            "data-confirm": _("Cancel %(title)s? Every invitee is told.") % {"title": meeting.title}
        }
        self.helper.layout = Layout("reason", form_actions(_("Cancel the meeting"), cancel_url))


class ResponseForm(forms.Form):
    """An invitee's answer: attend, or on leave with the reason."""

    response = forms.ChoiceField(
        label=_("Will you attend?"),
        choices=[(Response.ATTEND, Response.ATTEND.label), (Response.LEAVE, Response.LEAVE.label)],
        widget=forms.RadioSelect,
    )
    leave_reason = forms.CharField(label=_("Reason for leave"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(InlineRadios("response"), "leave_reason")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("response") == Response.LEAVE
            and not cleaned.get("leave_reason", "").strip()
        ):
            self.add_error("leave_reason", _("Say why you ask for leave."))
        return cleaned


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_show_labels = False
        self.helper.layout = Layout("minutes")


class MeetingFileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        add_size_limit(self.fields["file"], max_bytes)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("file")


class DecisionForm(forms.Form):
    """A decision (决定事项) with its one owner and deadline; it becomes a tracked item."""

    text = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    deadline = forms.DateField(label=_("Deadline"), widget=date_input())
    owner_kind = forms.ChoiceField(
        label=_("Owner"), choices=DecisionOwner.choices, initial=DecisionOwner.TOWNSHIP
    )
    school = SchoolSearchField(label=_("School"), queryset=School.objects.none(), required=False)
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("County department"), queryset=Department.objects.none(), required=False
    )
    person = UserSearchField(label=_("Person"), queryset=User.objects.none(), required=False)

    OWNER_FIELDS = {
        DecisionOwner.SCHOOL: "school",
        DecisionOwner.TOWNSHIP: "township",
        DecisionOwner.DEPARTMENT: "department",
        DecisionOwner.USER: "person",
    }

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.fields["school"].queryset = School.objects.filter(county=county, is_active=True)
        self.fields["township"].queryset = Township.objects.filter(county=county)
        self.fields["department"].queryset = Department.objects.filter(
            county=county, is_active=True
        )
        self.fields["person"].queryset = User.objects.filter(
            county=county, is_active=True
        ).order_by("display_name", "username")
        self.fields["owner_kind"].widget.attrs["data-owner-kind"] = ""
        for kind, name in self.OWNER_FIELDS.items():
            self.fields[name].widget.attrs["data-owner-field"] = kind
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "text",
            Row(
                Column("owner_kind", css_class="col-6 col-md-3"),
                Column("deadline", css_class="col-6 col-md-3"),
            ),
            Row(
                Column("school", css_class="col-md-6"),
                Column("township", css_class="col-md-6"),
                Column("department", css_class="col-md-6"),
                Column("person", css_class="col-md-6"),
            ),
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if problem := deadline_error(deadline):
            raise forms.ValidationError(problem)
        return deadline

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("owner_kind")
        if kind not in self.OWNER_FIELDS:
            return cleaned
        name = self.OWNER_FIELDS[kind]
        value = cleaned.get(name)
        if not value:
            self.add_error(name, _("Choose who owns the decision."))
            return cleaned
        self.owner = DecisionOwnerChoice(
            kind=kind, **{"user" if kind == DecisionOwner.USER else kind: value}
        )
        return cleaned


class SeriesForm(RecipientFields, forms.ModelForm):
    """The rule of a recurring meeting and who is invited to each."""

    class Meta:
        model = MeetingSeries
        fields = [
            "kind",
            "title",
            "week_of_month",
            "weekday",
            "start_time",
            "duration_minutes",
            "place",
            "chair",
            "agenda",
            "skip_holiday_months",
        ]
        widgets = {"start_time": time_input(), "agenda": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, county, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.setup_recipients(
            county=county, initial=RecipientChoice.from_dict(self.instance.invitees)
        )
        if not self.instance.pk:
            self.initial.setdefault("to_inspectors", True)
            self.initial.setdefault("title", _("Monthly inspectors' meeting"))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-5"), Column("title", css_class="col-md-7")),
            Row(
                Column("week_of_month", css_class="col-6 col-md-3"),
                Column("weekday", css_class="col-6 col-md-3"),
                Column("start_time", css_class="col-6 col-md-3"),
                Column("duration_minutes", css_class="col-6 col-md-3"),
            ),
            "skip_holiday_months",
            Row(Column("place", css_class="col-md-7"), Column("chair", css_class="col-md-5")),
            "agenda",
            recipient_fieldset(_("Invitees of each meeting")),
            form_actions(_("Save the rule"), cancel_url),
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.cleaned_recipients().is_empty:
            raise forms.ValidationError(_("Invite at least one group or person."))
        kind = cleaned.get("kind")
        others = MeetingSeries.objects.filter(county=self.county, kind=kind, is_active=True)
        if kind and others.exclude(pk=self.instance.pk).exists():
            self.add_error("kind", _("This county already has a rule for this kind of meeting."))
        return cleaned

    def save(self, commit=True):
        self.instance.county = self.county
        self.instance.invitees = self.cleaned_recipients().as_dict()
        return super().save(commit=commit)


class AttendanceForm(forms.Form):
    """One choice per invitee: present, late, excused or absent (or not recorded)."""

    def __init__(self, data=None, *, invitees):
        super().__init__(data)
        self.rows = []
        for invitee in invitees:
            name = f"att-{invitee.pk}"
            self.fields[name] = forms.ChoiceField(
                label=invitee.name,
                choices=Attendance.choices,
                required=False,
                initial=invitee.attendance,
            )
            self.rows.append((invitee, name))

    def marks(self) -> dict[int, str]:
        return {invitee.pk: self.cleaned_data[name] for invitee, name in self.rows}

    def bound_rows(self):
        """(invitee, bound field) pairs for the attendance table."""
        return [(invitee, self[name]) for invitee, name in self.rows]
