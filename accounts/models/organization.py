"""Organizations that use the portal (payers, APM Entities, practices) and who belongs to them."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from determinations.choices import PayerType


class OrganizationKind(models.TextChoices):
    PAYER = "payer", "Payer"
    APM_ENTITY = "apm_entity", "APM Entity"
    PRACTICE = "practice", "Practice (TIN)"


class Organization(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    payer_type = models.CharField(
        max_length=30,
        choices=PayerType.choices,
        blank=True,
        help_text="Required for payers: it decides the submission windows that apply.",
    )
    tin = models.CharField(
        "TIN",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", "A TIN is nine digits, without dashes.")],
        help_text="Taxpayer Identification Number, required for practices.",
    )
    apm_entity_identifier = models.CharField(
        "APM Entity identifier",
        max_length=50,
        blank=True,
        help_text="The identifier the payer or CMS gave the APM Entity.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="payer") & ~Q(payer_type="")) | (~Q(kind="payer") & Q(payer_type="")),
                name="organization_payer_type_only_for_payers",
                violation_error_message="A payer needs a payer type; other organizations have none.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="practice") | Q(tin__regex=r"^\d{9}$"),
                name="organization_practice_has_tin",
                violation_error_message="A practice needs its nine-digit TIN.",
            ),
            models.UniqueConstraint(fields=["tin"], condition=~Q(tin=""), name="organization_unique_tin"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_payer(self) -> bool:
        return self.kind == OrganizationKind.PAYER


class MembershipRole(models.TextChoices):
    SUBMITTER = "submitter", "Submitter"
    ORGANIZATION_ADMIN = "organization_admin", "Organization admin"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=MembershipRole.choices, default=MembershipRole.SUBMITTER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_organization"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.organization}"
