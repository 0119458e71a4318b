from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.lockout import lockout_message
from accounts.models import Role
from accounts.scoping import CHANGE
from accounts.services import inspectors_without_login, schools_without_login
from dudao.layout import filter_helper
from dudao.pickers import SearchModelChoiceField
from inspectors.forms import InspectorSearchField
from inspectors.models import Inspector
from schools.forms import SchoolSearchField, cleaned_like_the_import
from schools.importing import cells
from schools.models import County, School


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))

    def get_invalid_login_error(self):
        # The same words whether or not the username exists (see accounts.lockout).
        if getattr(self.request, "axes_locked_out", False):
            return forms.ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Change password")))

    @sensitive_variables()
    def clean(self):
        cleaned_data = super().clean()
        new_password = cleaned_data.get("new_password1")
        # Keeping a one-time password would leave valid the one the office saw.
        if new_password and new_password == cleaned_data.get("old_password"):
            self.add_error(
                "new_password1",
                forms.ValidationError(
                    _("The new password must be different from the current one."),
                    code="password_unchanged",
                ),
            )
        return cleaned_data


class UserFilterForm(forms.Form):
    """The filters above the user list (GET)."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"
    STATUS_CHOICES = [
        ("", _("Any status")),
        (ACTIVE, _("Active")),
        (INACTIVE, _("Deactivated")),
        (PENDING, _("One-time password not yet changed")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or username")
        for field in self.fields.values():  # the labels are hidden to keep the bar short
            field.widget.attrs["aria-label"] = field.label
        self.helper = filter_helper(show_labels=False)
        self.helper.layout = Layout(
            Row(
                Column(
                    FieldWithButtons(
                        "q", StrictButton(_("Search"), type="submit", css_class="btn-primary")
                    ),
                    css_class="col-12 col-md-6",
                ),
                Column(Field("role", data_autosubmit=""), css_class="col-6 col-md-3"),
                Column(Field("status", data_autosubmit=""), css_class="col-6 col-md-3"),
            )
        )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(
                Q(display_name__icontains=data["q"]) | Q(username__icontains=data["q"])
            )
        if data["role"]:
            queryset = queryset.filter(role=data["role"])
        if data["status"] == self.ACTIVE:
            queryset = queryset.filter(is_active=True)
        elif data["status"] == self.INACTIVE:
            queryset = queryset.filter(is_active=False)
        elif data["status"] == self.PENDING:
            queryset = queryset.filter(is_active=True, must_change_password=True)
        return queryset


class UserSearchField(SearchModelChoiceField):
    """A login from a list that may be long, found by name, username or phone."""

    search_lookups = ("display_name__icontains", "username__icontains", "phone__contains")
    find_placeholder = _("Type part of the name, username or phone number")


class _LoginCreateForm(forms.Form):
    """A creation form for the acting user's scope, with one submit button."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create login")))


class InspectorLoginForm(_LoginCreateForm):
    inspector = InspectorSearchField(
        label=_("Inspector"),
        queryset=Inspector.objects.none(),
        help_text=_("Inspectors of your county who have no login yet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors_without_login(
            Inspector.objects.for_user(self.user, CHANGE)
        ).order_by("name")
        self.fields["inspector"].label_from_instance = lambda i: f"{i.name} · {i.phone}"


class PrincipalLoginForm(_LoginCreateForm):
    school = SchoolSearchField(
        label=_("School"),
        queryset=School.objects.none(),
        help_text=_(
            "Schools without a principal login. The login takes the principal's name and "
            "phone from the school's record."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_without_login(
            School.objects.for_user(self.user, CHANGE)
        ).order_by("name")
        self.fields["school"].label_from_instance = lambda s: (
            f"{s.name} · {s.principal_name}" if s.principal_name else s.name
        )


class StaffLoginForm(_LoginCreateForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.OFFICE, Role.OFFICE.label), (Role.COMMITTEE, Role.COMMITTEE.label)],
    )
    display_name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("The username is made from it, e.g. o13800001234."),
    )
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.user.is_superuser:
            del self.fields["county"]  # the office creates logins of its own county only

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not any(char.isdigit() for char in phone):
            raise forms.ValidationError(_("Enter a phone number with digits."))
        return phone

    def county_for_login(self):
        return self.cleaned_data.get("county") or self.user.county


class ChangePrincipalForm(forms.Form):
    name = forms.CharField(label=_("New principal's name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    started_on = forms.DateField(
        label=_("Takes office on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    create_login = forms.BooleanField(
        label=_("Create a login for the new principal"),
        required=False,
        initial=True,
        help_text=_("A one-time password is shown once after saving."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.attrs = {
            "data-confirm": _("The current principal's login will stop working at once. Continue?")
        }
        self.helper.add_input(Submit("submit", _("Change principal"), css_class="btn-warning"))

    def clean_phone(self):
        # Cleaned and checked as the school form and the import store it.
        return cleaned_like_the_import(cells.phone, self.cleaned_data["phone"])
