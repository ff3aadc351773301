"""Fixtures shared by the whole suite: people in each role, signed-in clients, and service checks."""

import os

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import MembershipRole, OrganizationKind, StaffRole
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("QPP_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, except in CI, where a skipped service test is a failure."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (QPP_REQUIRE_SERVICES=1: CI must run this test)")
    pytest.skip(reason)


@pytest.fixture
def payer_organization(db):
    return OrganizationFactory(kind=OrganizationKind.PAYER, payer_type="medicaid", name="Test State Medicaid Agency")


@pytest.fixture
def apm_entity(db):
    return OrganizationFactory(kind=OrganizationKind.APM_ENTITY, payer_type="", name="Test APM Entity")


@pytest.fixture
def payer_submitter(payer_organization):
    return MembershipFactory(organization=payer_organization, role=MembershipRole.SUBMITTER).user


@pytest.fixture
def payer_admin(payer_organization):
    return MembershipFactory(organization=payer_organization, role=MembershipRole.ORGANIZATION_ADMIN).user


@pytest.fixture
def clinician_submitter(apm_entity):
    return MembershipFactory(organization=apm_entity, role=MembershipRole.SUBMITTER).user


@pytest.fixture
def reviewer(db):
    return UserFactory(staff_role=StaffRole.REVIEWER)


@pytest.fixture
def review_lead(db):
    return UserFactory(staff_role=StaffRole.REVIEW_LEAD)


@pytest.fixture
def program_admin(db):
    return UserFactory(staff_role=StaffRole.PROGRAM_ADMIN, is_staff=True)


def sign_in(client, user):
    """Sign ``user`` in; staff also pass the second factor with a confirmed authenticator."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if user.staff_role or user.is_staff:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test authenticator", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def signed_in(client):
    """``signed_in(user)`` returns the test client signed in (and verified) as ``user``."""
    return lambda user: sign_in(client, user)
