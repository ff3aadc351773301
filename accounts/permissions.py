"""Who may do what with accounts and organizations; each check answers (allowed, reason)."""

from .models import MembershipRole, Organization, StaffRole, User

Decision = tuple[bool, str]


def can_invite_to_organization(user: User, organization: Organization) -> Decision:
    if user.staff_role == StaffRole.PROGRAM_ADMIN:
        return True, ""
    is_admin = user.memberships.filter(organization=organization, role=MembershipRole.ORGANIZATION_ADMIN).exists()
    if is_admin:
        return True, ""
    return False, f"Only an organization admin of {organization} or a program admin can invite people to it."


def can_invite_staff(user: User) -> Decision:
    if user.staff_role == StaffRole.PROGRAM_ADMIN:
        return True, ""
    return False, "Only a program admin can invite CMS staff."


def can_view_organization(user: User, organization: Organization) -> Decision:
    if user.staff_role:
        return True, ""
    if user.memberships.filter(organization=organization).exists():
        return True, ""
    return False, "You are not a member of this organization."
