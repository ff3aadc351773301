"""Fixtures for the security tests: a payer organization with a member, and a second review lead."""

import pytest

from accounts.models import OrganizationKind, StaffRole
from tests.factories import UserFactory, organization_member


@pytest.fixture
def payer(db):
    return organization_member(OrganizationKind.PAYER, "other_payer", "Test Commercial Health Plan")


@pytest.fixture
def second_lead(db):
    return UserFactory(staff_role=StaffRole.REVIEW_LEAD, full_name="Second Lead")
