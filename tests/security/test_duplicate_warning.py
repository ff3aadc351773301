"""The duplicate-request warning names only what the person may see: their own organization's
requests, and of other organizations only what the public list already says (finding 6 of the
2026-11-30 probe)."""

import pytest
from django.urls import reverse

from accounts.models import OrganizationKind
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory, organization_member
from tests.factories.submissions import window_for
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(db):
    return organization_member(OrganizationKind.APM_ENTITY, name="Neighbour ACO")


@pytest.fixture
def starter(db):
    return organization_member(OrganizationKind.APM_ENTITY, name="Starter ACO")


def start(client, person, *, name="Health Home"):
    organization = person.memberships.get().organization
    window = window_for(organization, year=2027, payer_type="medicaid")
    response = client.post(
        reverse("determinations:request_start"),
        {"window": str(window.pk), "arrangement_name": name, "years_requested": "1", "payer_name": "example medicaid"},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def neighbours_request(neighbour, state, name):
    return SubmissionFactory(
        member=neighbour, state=state, name=name, payer_name="Example Medicaid", payer_type="medicaid"
    )


def test_another_organizations_drafts_and_open_requests_are_not_named(
    client, reference_data, clock, neighbour, starter
):
    draft = neighbours_request(neighbour, SubmissionStatus.DRAFT, "Neighbour Draft Home")
    submitted = neighbours_request(neighbour, SubmissionStatus.SUBMITTED, "Neighbour Submitted Home")
    sign_in(client, starter)
    page = start(client, starter)
    assert str(draft) not in page and submitted.tracking_number not in page
    assert "Neighbour" not in page
    assert "Another open request" not in page and "already has" not in page


def test_an_approved_arrangement_on_the_public_list_is_named_as_public(
    client, reference_data, clock, neighbour, starter
):
    approved = neighbours_request(neighbour, SubmissionStatus.APPROVED, "Neighbour Approved Home")
    sign_in(client, starter)
    page = start(client, starter)
    assert "The public list of Other Payer Advanced APMs already has “Neighbour Approved Home”" in page
    assert approved.tracking_number not in page and "Neighbour ACO" not in page


def test_the_organizations_own_requests_are_named(client, reference_data, clock, starter):
    sign_in(client, starter)
    start(client, starter, name="First Home")
    page = start(client, starter, name="Second Home")
    assert "Your organization already has a request for example medicaid for 2027" in page
    assert "Draft request" in page
