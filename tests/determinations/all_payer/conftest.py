"""Fixtures of the All-Payer QP Submission tests: an APM Entity's member and the year's approved arrangements."""

import pytest

from accounts.models import OrganizationKind
from tests.factories import organization_member

from .support import approved_determination


@pytest.fixture
def entity_member(reference_data):
    """A submitter of an APM Entity whose identifier is E1."""
    member = organization_member(OrganizationKind.APM_ENTITY, name="Test ACO")
    organization = member.memberships.get().organization
    organization.apm_entity_identifier = "E1"
    organization.save(update_fields=["apm_entity_identifier"])
    return member


@pytest.fixture
def commercial_2026(reference_data, clock, media, reviewer, review_lead):
    """An approved commercial Other Payer Advanced APM for 2026 ("Shared Savings Plus", Acme Health)."""
    return approved_determination("other_payer", "Shared Savings Plus", "Acme Health", reviewer, review_lead)


@pytest.fixture
def medicaid_2026(reference_data, clock, media, reviewer, review_lead):
    """An approved Medicaid arrangement for 2026 recording counties 24031 and 24033."""
    return approved_determination("medicaid", "County Care", "", reviewer, review_lead)
