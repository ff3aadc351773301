"""What a user is in the portal: the home page and navigation that follow from their role."""

from dataclasses import dataclass

from django.urls import reverse

from .models import StaffRole, User

STAFF_HOME_URL_NAMES = {
    StaffRole.REVIEWER: "accounts:reviewer_home",
    StaffRole.REVIEW_LEAD: "accounts:review_lead_home",
    StaffRole.PROGRAM_ADMIN: "accounts:program_admin_home",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def requires_mfa(user: User) -> bool:
    """CMS staff and anyone who can open the admin site must sign in with a one-time code."""
    return user.is_authenticated and (bool(user.staff_role) or user.is_staff or user.is_superuser)


def home_url(user: User) -> str:
    if user.staff_role:
        return reverse(STAFF_HOME_URL_NAMES[user.staff_role])
    return reverse("accounts:organization_home")


def navigation_for(user: User) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [NavItem("Home", home_url(user))]
    if user.staff_role == StaffRole.PROGRAM_ADMIN:
        items += [
            NavItem("QP determinations", reverse("determinations:qp_program")),
            NavItem("Invite staff", reverse("accounts:invitation_create_staff")),
            NavItem("Organizations", reverse("accounts:organization_list")),
            NavItem("Jobs", reverse("jobs:job_list")),
            NavItem("Messages", reverse("messaging:message_list")),
            NavItem("Administration", reverse("admin:index")),
        ]
    elif user.staff_role == StaffRole.REVIEW_LEAD:
        items.append(NavItem("Organizations", reverse("accounts:organization_list")))
    elif not user.staff_role:
        items.append(NavItem("QP status", reverse("determinations:qp_status_list")))
    items.append(NavItem("Account", reverse("accounts:account")))
    return items
