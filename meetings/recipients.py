"""The people picker shared by meeting invitations and work notices.

The office chooses by group and by person: all active inspectors of the county, the principals of
chosen townships and/or school kinds, the committee members, and named people. ``RecipientFields``
adds those fields to any form; ``resolve_recipients`` turns the choice into people, each once,
with the group that brought them in. Committee members without a login come back as ``guests``
(name and organisation) for a meeting's invitee list; notices use ``users`` only.

A choice is stored as a plain dict (``RecipientChoice.as_dict``) on a recurring meeting, so the
people are resolved again for each generated meeting and newcomers are included.
"""

import re
from dataclasses import asdict, dataclass, field

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.layout import Fieldset
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from inspectors.models import InspectorStatus
from meetings.models import CommitteeMember, InviteeGroup
from schools.models import SchoolKind, Township

NAME_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass
class RecipientChoice:
    """What the office ticked: groups, townships and school kinds for principals, named people
    (user ids)."""

    inspectors: bool = False
    committee: bool = False
    all_principals: bool = False
    township_ids: list[int] = field(default_factory=list)
    school_kinds: list[str] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)

    @property
    def wants_principals(self) -> bool:
        return self.all_principals or bool(self.township_ids or self.school_kinds)

    @property
    def is_empty(self) -> bool:
        return not (self.inspectors or self.committee or self.wants_principals or self.user_ids)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "RecipientChoice":
        data = data or {}
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


@dataclass(frozen=True)
class Guest:
    """Someone without a login (a committee member from another body)."""

    name: str
    organisation: str = ""
    phone: str = ""


@dataclass
class Recipients:
    """The people a choice names: logins with the group that brought each in, and guests."""

    users: list[User]
    groups: dict[int, str]  # user id -> InviteeGroup
    guests: list[Guest]


def resolve_recipients(*, county, choice: RecipientChoice, today=None) -> Recipients:
    """The active logins of ``county`` that ``choice`` names, each once, in a stable order.

    Principals: of the active schools in the chosen townships and of the chosen kinds (both
    narrow; ``all_principals`` takes every school). Inspectors: logins of active inspectors.
    Committee: current members; those without a login become guests. A few queries whatever the
    number of people.
    """
    today = today or timezone.localdate()
    users = User.objects.filter(county=county, is_active=True)
    groups: dict[int, str] = {}
    found: dict[int, User] = {}

    def add(queryset, group):
        for user in queryset.order_by("display_name", "username"):
            found.setdefault(user.pk, user)
            groups.setdefault(user.pk, group)

    if choice.inspectors:
        add(
            users.filter(role=Role.INSPECTOR, inspector__status=InspectorStatus.ACTIVE),
            InviteeGroup.INSPECTORS,
        )
    if choice.wants_principals:
        schools = Q(school__is_active=True)
        if choice.township_ids:
            schools &= Q(school__township_id__in=choice.township_ids)
        if choice.school_kinds:
            schools &= Q(school__kind__in=choice.school_kinds)
        add(users.filter(schools, role=Role.PRINCIPAL), InviteeGroup.PRINCIPALS)
    guests: list[Guest] = []
    if choice.committee:
        members = CommitteeMember.objects.filter(county=county).current(today)
        member_users = users.filter(pk__in=members.filter(user__isnull=False).values("user_id"))
        add(member_users, InviteeGroup.COMMITTEE)
        guests = [
            Guest(name=member.name, organisation=member.organisation)
            for member in members.filter(Q(user__isnull=True) | Q(user__is_active=False))
        ]
    if choice.user_ids:
        add(users.filter(pk__in=choice.user_ids), InviteeGroup.PERSON)
    return Recipients(users=list(found.values()), groups=groups, guests=guests)


def find_people(*, county, text: str) -> tuple[list[User], list[str]]:
    """Named people typed as names, usernames or phone numbers separated by commas or lines:
    the logins found, and the words that matched nobody or more than one person."""
    words = [word.strip() for word in NAME_SEPARATORS.split(text or "") if word.strip()]
    if not words:
        return [], []
    digits = {re.sub(r"\D", "", word) for word in words}
    candidates = list(
        User.objects.filter(county=county, is_active=True).filter(
            Q(display_name__in=words)
            | Q(username__in=words)
            | Q(phone__in=[d for d in digits if d])
        )
    )
    people, problems = [], []
    for word in words:
        number = re.sub(r"\D", "", word)
        matches = [
            user
            for user in candidates
            if word in (user.display_name, user.username) or (number and user.phone == number)
        ]
        if len(matches) == 1:
            if matches[0] not in people:
                people.append(matches[0])
        else:
            problems.append(word)
    return people, problems


class RecipientFields(forms.Form):
    """The picker's fields; mix into a form and call ``setup_recipients(county=...)``.

    ``cleaned_recipients()`` then gives the ``RecipientChoice``. Townships are checkboxes (a
    county has a few dozen), named people a text box (a county has hundreds of logins).
    """

    to_inspectors = forms.BooleanField(label=_("All active inspectors"), required=False)
    to_committee = forms.BooleanField(label=_("Committee members"), required=False)
    to_all_principals = forms.BooleanField(label=_("All principals"), required=False)
    to_townships = forms.ModelMultipleChoiceField(
        label=_("Principals of the schools in these townships"),
        queryset=Township.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    to_school_kinds = forms.MultipleChoiceField(
        label=_("Principals of these kinds of school"),
        choices=SchoolKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With townships too: the schools of these kinds in those townships."),
    )
    to_people = forms.CharField(
        label=_("Named people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names, usernames or phone numbers, separated by commas or new lines."),
    )

    RECIPIENT_FIELDS = (
        "to_inspectors",
        "to_committee",
        "to_all_principals",
        "to_townships",
        "to_school_kinds",
        "to_people",
    )

    def setup_recipients(self, *, county, initial: RecipientChoice | None = None):
        self.recipient_county = county
        self.fields["to_townships"].queryset = Township.objects.filter(county=county).order_by(
            "kind", "name"
        )
        if initial and not self.is_bound:
            self.initial.update(
                {
                    "to_inspectors": initial.inspectors,
                    "to_committee": initial.committee,
                    "to_all_principals": initial.all_principals,
                    "to_townships": initial.township_ids,
                    "to_school_kinds": initial.school_kinds,
                    "to_people": ", ".join(
                        str(user)
                        for user in User.objects.filter(pk__in=initial.user_ids, county=county)
                    ),
                }
            )

    def clean_to_people(self):
        people, problems = find_people(
            county=self.recipient_county, text=self.cleaned_data.get("to_people", "")
        )
        if problems:
            raise forms.ValidationError(
                _("No single person matches: %(names)s. Use the full name, username or phone.")
                % {"names": _(", ").join(problems)}
            )
        self.recipient_people = people
        return self.cleaned_data.get("to_people", "")

    def cleaned_recipients(self) -> RecipientChoice:
        data = self.cleaned_data
        return RecipientChoice(
            inspectors=bool(data.get("to_inspectors")),
            committee=bool(data.get("to_committee")),
            all_principals=bool(data.get("to_all_principals")),
            township_ids=sorted(township.pk for township in data.get("to_townships") or []),
            school_kinds=sorted(data.get("to_school_kinds") or []),
            user_ids=[user.pk for user in getattr(self, "recipient_people", [])],
        )


def recipient_fieldset(legend) -> Fieldset:
    """The picker's part of a crispy layout."""
    return Fieldset(
        legend,
        "to_inspectors",
        "to_committee",
        "to_all_principals",
        InlineCheckboxes("to_townships"),
        InlineCheckboxes("to_school_kinds"),
        "to_people",
    )
