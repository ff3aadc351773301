"""Fixtures for the whole suite: the reference data, a clock in an open window, uploads, people in each role,
and a payer's request, submitted or in review.

The reference data (performance years and their submission windows) is loaded once per test
database, when pytest-django sets it up, and loaded again after each transactional test, whose
teardown empties every table. Tests that need it ask for ``reference_data``.
"""

import pytest
import time_machine
from django.test import override_settings
from pytest_django.plugin import blocking_manager_key

from accounts.models import MembershipRole, OrganizationKind, StaffRole
from determinations.services.reference_data import reference_data_load
from tests.factories import MembershipFactory, OrganizationFactory, SubmissionFactory, UserFactory, organization_member
from tests.factories.submissions import review_started
from tests.support import MARCH_2026, cache_clear, sign_in


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reference_data_load()


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    return transactional or bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the reference data back for the tests that follow."""
    result = yield
    if nextitem is not None and _empties_the_database(item):
        # The ``django_db_blocker`` fixture's object, reached from the hook (fixtures are torn down by now).
        with item.config.stash[blocking_manager_key].unblock():
            reference_data_load()
    return result


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Nothing cached (throttles, lockouts, signed-in users, counts) leaks from one test into the next."""
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def reference_data(db):
    """The performance years and submission windows (already in the test database: see above)."""


@pytest.fixture(scope="session", autouse=True)
def _uploads_in_a_temporary_folder(tmp_path_factory):
    """Uploaded documents and letters go to a folder of this test process, never to ``var/``."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def clock():
    """Mid-March 2026, when the 2027 payer windows are open; it ticks."""
    with time_machine.travel(MARCH_2026, tick=True) as traveller:
        yield traveller


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
def medicaid_payer(db):
    return organization_member(OrganizationKind.PAYER, "medicaid", "Test State Medicaid Agency")


@pytest.fixture
def commercial_payer(db):
    return organization_member(OrganizationKind.PAYER, "other_payer", "Test Commercial Health Plan")


@pytest.fixture
def apm_entity_user(db):
    return organization_member(OrganizationKind.APM_ENTITY, name="Test ACO")


@pytest.fixture
def reviewer(db):
    return UserFactory(staff_role=StaffRole.REVIEWER)


@pytest.fixture
def review_lead(db):
    return UserFactory(staff_role=StaffRole.REVIEW_LEAD)


@pytest.fixture
def program_admin(db):
    return UserFactory(staff_role=StaffRole.PROGRAM_ADMIN, is_staff=True)


@pytest.fixture
def signed_in(client):
    """``signed_in(user)`` returns the test client signed in (and verified) as ``user``."""
    return lambda user: sign_in(client, user)


@pytest.fixture
def media(settings, tmp_path):
    """A folder of this test's own for uploads and letters, for tests that look at the files."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def payer(db):
    return organization_member(OrganizationKind.PAYER, "other_payer", "Test Commercial Health Plan")


@pytest.fixture
def second_lead(db):
    return UserFactory(staff_role=StaffRole.REVIEW_LEAD, full_name="Second Lead")


@pytest.fixture
def submitted(reference_data, clock, media, payer):
    return SubmissionFactory(member=payer)


@pytest.fixture
def in_review(submitted, reviewer):
    return review_started(submitted, reviewer)
