"""Organizations: the list for staff and the members page for each organization."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from .. import permissions, selectors
from ..models import Organization, StaffRole
from .decorators import staff_role_required


@staff_role_required(StaffRole.PROGRAM_ADMIN, StaffRole.REVIEW_LEAD)
def organization_list(request):
    return render(
        request, "accounts/organization_list.html", {"organizations": selectors.organizations_with_member_counts()}
    )


@login_required
def organization_detail(request, organization_id):
    organization = get_object_or_404(Organization, pk=organization_id)
    allowed, reason = permissions.can_view_organization(request.user, organization)
    if not allowed:
        raise PermissionDenied(reason)
    can_invite, _ = permissions.can_invite_to_organization(request.user, organization)
    context = {
        "organization": organization,
        "members": selectors.members_of(organization),
        "invitations": selectors.invitations_pending_for(organization) if can_invite else [],
        "can_invite": can_invite,
    }
    return render(request, "accounts/organization_detail.html", context)
