"""Writes for accounts: invitations, staff roles and TOTP devices. Views and commands call these."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from messaging.services import messages_queue
from qppportal.dates import date_text

from .models import Invitation, Membership, MembershipRole, Organization, StaffRole, User
from .models.invitation import token_digest


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, in plain words."""


def user_set_staff_role(*, user: User, staff_role: str) -> User:
    user.staff_role = staff_role
    user.is_staff = staff_role == StaffRole.PROGRAM_ADMIN
    user.save(update_fields=["staff_role", "is_staff"])
    return user


def membership_grant(*, user: User, organization: Organization, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not created and membership.role != role and role == MembershipRole.ORGANIZATION_ADMIN:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def invitation_create(
    *,
    invited_by: User,
    email: str,
    full_name: str = "",
    organization: Organization | None = None,
    membership_role: str = "",
    staff_role: str = "",
) -> tuple[Invitation, str]:
    """Create an invitation and queue the e-mail with its link in the same transaction.

    Returns the invitation and the raw token; only the token's digest is stored.
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        email=email.strip().lower(),
        full_name=full_name,
        organization=organization,
        membership_role=membership_role if organization else "",
        staff_role="" if organization else staff_role,
        token_hash=token_digest(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        messages_queue(kind="invitation", about=invitation, recipients=[invitation.email], payload={"token": token})
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link points to, or an InvitationError saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(token_hash=token_digest(token)).first()
    )
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Check that you copied the whole link.")
    if invitation.is_accepted:
        raise InvitationError("This invitation has already been used. Sign in with the password you set.")
    if invitation.is_expired():
        raise InvitationError(
            f"This invitation expired on {date_text(invitation.expires_at, time=True, with_zone=True)}. "
            f"Ask {invitation.invited_by} to send you a new one."
        )
    return invitation


def _apply_invitation(invitation: Invitation, user: User) -> None:
    if invitation.invited_by_id == user.pk:
        # Separation of duties: a role always comes from someone else.
        raise InvitationError("You cannot accept an invitation you sent yourself. Ask another program admin.")
    if invitation.organization_id:
        membership_grant(user=user, organization=invitation.organization, role=invitation.membership_role)
    else:
        user_set_staff_role(user=user, staff_role=invitation.staff_role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


@transaction.atomic
def invitation_accept_new_user(*, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account with the password they chose."""
    invitation = _locked_invitation(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError("An account already exists for this e-mail address. Sign in to accept.")
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    _apply_invitation(invitation, user)
    return user


@transaction.atomic
def invitation_accept_existing_user(*, token: str, user: User) -> Invitation:
    """Add the role to the signed-in account the invitation was sent to."""
    invitation = _locked_invitation(token)
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(f"This invitation was sent to {invitation.email}, but you are signed in as {user.email}.")
    _apply_invitation(invitation, user)
    return invitation


def _locked_invitation(token: str) -> Invitation:
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organization").get(pk=invitation.pk)
    if invitation.is_accepted:
        raise InvitationError("This invitation has already been used. Sign in with the password you set.")
    return invitation


def invitations_purge_expired(*, older_than_days: int = 30) -> int:
    """Delete unaccepted invitations that expired long ago; accepted ones stay as a record."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> None:
    """Confirm a new authenticator with a code from it; raises ValidationError on a wrong code."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        # A throttled device refuses even the right code: say so rather than "did not match".
        raise ValidationError("Too many wrong codes. Wait a minute, then try again with a new code.")
    if not device.verify_token(token):
        raise ValidationError("That code did not match. Enter the current 6-digit code from your app.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
