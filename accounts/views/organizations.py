"""Organizations: the list for staff and the members page for each organization."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .. import permissions, selectors
from ..models import Organization, StaffRole
from .decorators import staff_role_required


@staff_role_required(StaffRole.PROGRAM_ADMIN, StaffRole.REVIEW_LEAD)
def organization_list(request):
    return render(
        request, "accounts/organization_list.html", {"organizations": selectors.organizations_with_member_counts()}
    )


def organization_visible_or_404(user, organization_id) -> Organization:
    """The organization, if ``user`` may see it; another organization answers like a missing one (the same
    404), so its number says nothing (decision 0028)."""
    organization = get_object_or_404(Organization, pk=organization_id)
    allowed, _ = permissions.can_view_organization(user, organization)
    if not allowed:
        raise Http404("No such organization.")
    return organization


@login_required
def organization_detail(request, organization_id):
    organization = organization_visible_or_404(request.user, organization_id)
    can_invite, _ = permissions.can_invite_to_organization(request.user, organization)
    context = {
        "organization": organization,
        "members": selectors.members_of(organization),
        "invitations": selectors.invitations_pending_for(organization) if can_invite else [],
        "can_invite": can_invite,
    }
    return render(request, "accounts/organization_detail.html", context)
