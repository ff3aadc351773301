"""Inviting people by e-mail, and accepting an invitation from its link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from qppportal.dates import date_text

from .. import permissions, services
from ..forms import AcceptInvitationForm, OrganizationInvitationForm, StaffInvitationForm
from ..models import User
from ..roles import home_url
from .organizations import organization_visible_or_404


def _sent(invitation) -> str:
    until = date_text(invitation.expires_at, time=True, with_zone=True)
    return f"Invitation sent to {invitation.email}. The link works until {until}."


def _form_context(form, organization) -> dict:
    return {"form": form, "organization": organization, "valid_days": settings.INVITATION_VALID_DAYS}


@login_required
def invitation_create_organization(request, organization_id):
    organization = organization_visible_or_404(request.user, organization_id)
    allowed, reason = permissions.can_invite_to_organization(request.user, organization)
    if not allowed:
        raise PermissionDenied(reason)
    form = OrganizationInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if organization.memberships.filter(user__email__iexact=email).exists():
            form.add_error("email", f"{email} is already a member of {organization}.")
        else:
            invitation, _ = services.invitation_create(
                invited_by=request.user,
                email=email,
                full_name=form.cleaned_data["full_name"],
                organization=organization,
                membership_role=form.cleaned_data["membership_role"],
            )
            messages.success(request, _sent(invitation))
            return redirect("accounts:organization_detail", organization_id=organization.pk)
    return render(request, "accounts/invitation_form.html", _form_context(form, organization))


@login_required
def invitation_create_staff(request):
    allowed, reason = permissions.can_invite_staff(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exclude(staff_role="").exists():
            form.add_error("email", f"{email} already has a staff role.")
        else:
            invitation, _ = services.invitation_create(
                invited_by=request.user,
                email=email,
                full_name=form.cleaned_data["full_name"],
                staff_role=form.cleaned_data["staff_role"],
            )
            messages.success(request, _sent(invitation))
            return redirect("accounts:program_admin_home")
    return render(request, "accounts/invitation_form.html", _form_context(form, None))


def invitation_accept(request, token):
    """The link in an invitation e-mail: set a password, or add the role to the signed-in account."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410)
    if User.objects.filter(email__iexact=invitation.email).exists():
        return _accept_as_existing_user(request, token, invitation)
    form = AcceptInvitationForm(
        request.POST or None, invited_email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_new_user(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except services.InvitationError as error:
            return render(request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_short_name()}. Your account is ready.")
        return redirect(home_url(user))
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


def _accept_as_existing_user(request, token, invitation):
    if not request.user.is_authenticated:
        messages.info(request, f"An account for {invitation.email} exists. Sign in to accept the invitation.")
        return redirect_to_login(request.path)
    if request.method == "POST":
        try:
            services.invitation_accept_existing_user(token=token, user=request.user)
        except services.InvitationError as error:
            return render(request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410)
        messages.success(request, f"You are now {invitation.role_label}.")
        return redirect(home_url(request.user))
    return render(request, "accounts/invitation_accept.html", {"form": None, "invitation": invitation})
