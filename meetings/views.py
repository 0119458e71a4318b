"""The supervision committee page (教育督导委员会) and its membership."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import OFFICE, OFFICE_AND_COMMITTEE, roles_required
from accounts.scoping import CHANGE
from meetings.forms import CommitteeMemberForm, TermEndForm
from meetings.models import CommitteeMember, CommitteeRole
from schools.access import county_choices, county_for, may_change

# The order a committee is presented in: chair first, then vice-chairs, the office, members.
ROLE_ORDER = [
    CommitteeRole.CHAIR,
    CommitteeRole.VICE_CHAIR,
    CommitteeRole.OFFICE_DIRECTOR,
    CommitteeRole.MEMBER,
]


@roles_required(OFFICE_AND_COMMITTEE)
def committee(request):
    county = county_for(request)
    today = timezone.localdate()
    members = (
        CommitteeMember.objects.for_user(request.user)
        .filter(county=county)
        .select_related("user")
        .order_by("term_starts_on", "name")
    )
    current = list(members.current(today))
    groups = [
        (role.label, [member for member in current if member.role == role]) for role in ROLE_ORDER
    ]
    former = members.exclude(pk__in=[member.pk for member in current]).order_by("-term_ends_on")
    return render(
        request,
        "meetings/committee.html",
        {
            "county": county,
            "counties": county_choices(request),
            "groups": [(label, group) for label, group in groups if group],
            "former": former,
            "can_change": may_change(request.user),
        },
    )


@roles_required(OFFICE)
def member_create(request):
    return _edit_member(request, CommitteeMember())


@roles_required(OFFICE)
def member_edit(request, pk: int):
    member = get_object_or_404(CommitteeMember.objects.for_user(request.user, CHANGE), pk=pk)
    return _edit_member(request, member)


def _edit_member(request, member: CommitteeMember):
    creating = member.pk is None
    form = CommitteeMemberForm(
        request.POST or None,
        instance=member,
        user=request.user,
        cancel_url=reverse("meetings:committee"),
    )
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(request, _("%(name)s was saved.") % {"name": member.name})
        return redirect("meetings:committee")
    return render(
        request,
        "meetings/member_form.html",
        {"form": form, "member": member, "creating": creating},
    )


@roles_required(OFFICE)
def member_end(request, pk: int):
    """End a member's term on a date (GET shows the form)."""
    member = get_object_or_404(CommitteeMember.objects.for_user(request.user, CHANGE), pk=pk)
    form = TermEndForm(
        request.POST or None, instance=member, cancel_url=reverse("meetings:committee")
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The term of %(name)s ends on %(date)s.")
            % {"name": member.name, "date": member.term_ends_on},
        )
        return redirect("meetings:committee")
    return render(request, "meetings/member_end.html", {"form": form, "member": member})
