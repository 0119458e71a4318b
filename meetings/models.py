from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    OFFICE_DIRECTOR = "office_director", _("Office director")


class CommitteeMemberQuerySet(ScopedQuerySet):
    def current(self, today):
        return self.filter(Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=today))


class CommitteeMember(models.Model):
    """A member of the county's education supervision committee (教育督导委员会)."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="committee_members",
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("committee role"), max_length=16, choices=CommitteeRole.choices)
    organisation = models.CharField(_("organisation and post"), max_length=100, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("login"),
        related_name="committee_memberships",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    term_starts_on = models.DateField(_("term starts on"))
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["county", "role", "name"]
        constraints = [
            models.CheckConstraint(
                name="committee_term_end_after_start",
                condition=Q(term_ends_on__isnull=True)
                | Q(term_ends_on__gte=models.F("term_starts_on")),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"
