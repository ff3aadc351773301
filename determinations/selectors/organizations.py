"""Which organization a person files a request for, and the windows open to it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from determinations.choices import Process
from determinations.models import SubmissionWindow


def organizations_for_new_request(user) -> list[Organization]:
    return [m.organization for m in user.memberships.select_related("organization").order_by("organization__name")]


def organization_for_new_request(user, organization_id) -> Organization:
    """The chosen organization if the user belongs to it, else their first one."""
    organizations = organizations_for_new_request(user)
    if organization_id:
        for organization in organizations:
            if str(organization.pk) == str(organization_id):
                return organization
        raise PermissionDenied("You can only start requests for organizations you belong to.")
    return organizations[0]


def _windows_of(organization: Organization):
    """Payers see their payer type's Payer Initiated windows; others every clinician window."""
    if organization.payer_type:
        which = Q(process=Process.PAYER_INITIATED, payer_type=organization.payer_type)
    else:
        which = Q(process=Process.CLINICIAN_INITIATED)
    return SubmissionWindow.objects.filter(which).select_related("performance_year")


def submission_window_next_for_organization(organization: Organization, *, now=None) -> SubmissionWindow | None:
    """The organization's next real window that has not opened yet (demonstration windows aside)."""
    now = now or timezone.now()
    return (
        _windows_of(organization)
        .filter(is_demonstration=False, opens_at__gt=now)
        .order_by("opens_at", "closes_at", "payer_type")
        .first()
    )


def submission_windows_for_organization(organization: Organization, *, now=None, open_only: bool):
    """The organization's windows: open now, or (``open_only=False``) also recent and coming ones."""
    now = now or timezone.now()
    windows = _windows_of(organization)
    if open_only:
        return windows.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")
    return windows.filter(closes_at__gt=now - timezone.timedelta(days=400)).order_by(
        "performance_year__year", "payer_type", "is_demonstration"
    )
