"""An invitation by e-mail to join an organization or the CMS staff; its link sets a password."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .organization import MembershipRole, Organization
from .user import StaffRole


def token_digest(token: str) -> str:
    """Only the digest is stored, so a database leak does not expose live invitation links."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    email = models.EmailField("e-mail address")
    full_name = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    membership_role = models.CharField(max_length=30, choices=MembershipRole.choices, blank=True)
    staff_role = models.CharField(max_length=20, choices=StaffRole.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & ~Q(membership_role="") & Q(staff_role=""))
                | (Q(organization__isnull=True) & Q(membership_role="") & ~Q(staff_role="")),
                name="invitation_to_organization_or_staff",
                violation_error_message="An invitation is to an organization with a role, or to a staff role.",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email}"

    @property
    def role_label(self) -> str:
        if self.organization_id:
            return f"{self.get_membership_role_display()} of {self.organization}"
        return self.get_staff_role_display()

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None
