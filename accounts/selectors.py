"""Reads for accounts: what a person's pages show about organizations, members and invitations."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Invitation, Membership, Organization, StaffRole, User


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .annotate(member_count=Count("organization__memberships"))
        .order_by("organization__name")
    )


def organization_ids_of(user: User) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))


def members_of(organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=organization).select_related("user").order_by("user__email")


def member_emails_by_organization(organization_ids) -> dict[int, list[str]]:
    """The e-mail addresses of the active members of each organization, for messages to all of them."""
    members = defaultdict(list)
    rows = Membership.objects.filter(organization_id__in=set(organization_ids), user__is_active=True).values_list(
        "organization_id", "user__email"
    )
    for organization_id, email in rows:
        members[organization_id].append(email)
    return members


def invitations_pending_for(organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def organizations_with_member_counts() -> QuerySet[Organization]:
    return Organization.objects.annotate(member_count=Count("memberships")).order_by("kind", "name")


def staff_by_role() -> dict[str, list[User]]:
    """Active CMS staff per role; ``has_mfa`` on each says whether they have a confirmed authenticator."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    staff = (
        User.objects.exclude(staff_role="")
        .filter(is_active=True)
        .annotate(has_mfa=Exists(confirmed))
        .order_by("full_name")
    )
    grouped: dict[str, list[User]] = {role.label: [] for role in StaffRole if role}
    for person in staff:
        grouped[person.get_staff_role_display()].append(person)
    return grouped


def staff_invitations_pending() -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization__isnull=True, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")
