"""Models of accounts: users with their staff role, organizations, memberships and invitations."""

from .invitation import Invitation
from .organization import Membership, MembershipRole, Organization, OrganizationKind
from .user import StaffRole, User

__all__ = [
    "Invitation",
    "Membership",
    "MembershipRole",
    "Organization",
    "OrganizationKind",
    "StaffRole",
    "User",
]
