"""factory_boy factories for the suite's test data: people and organizations, and requests in any state."""

from .accounts import TEST_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from .submissions import COMPLETE_ANSWERS, PARTICIPANTS_CSV, PDF_BYTES, SubmissionFactory, organization_member

__all__ = [
    "COMPLETE_ANSWERS",
    "PARTICIPANTS_CSV",
    "PDF_BYTES",
    "TEST_PASSWORD",
    "MembershipFactory",
    "OrganizationFactory",
    "SubmissionFactory",
    "UserFactory",
    "organization_member",
]
