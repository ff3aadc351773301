"""In Chromium, with axe on every page: a reviewer links a clinician's request to the payer's
request for the same arrangement by searching and selecting it, and a payer confirms its
multi-year determination for the coming year on the two-step form."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from determinations.models import YearlyConfirmation
from determinations.states import SubmissionStatus
from tests.e2e.test_pages_accessible import sign_in
from tests.factories import SubmissionFactory
from tests.support import EASTERN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JANUARY_2027 = datetime.datetime(2027, 1, 4, 10, tzinfo=EASTERN)  # the 2028 payer windows are open


@pytest.fixture
def requests(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    payer = User.objects.get(email="payer.submitter@demo.example")
    clinician = User.objects.get(email="clinician@demo.example")
    reviewer = User.objects.get(email="reviewer@demo.example")
    lead = User.objects.get(email="lead@demo.example")
    return {
        "payer_request": SubmissionFactory(
            member=payer, name="Linked Shared Risk Program", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
        ),
        "clinician_request": SubmissionFactory(member=clinician, payer_type="other_payer", name="ACO Shared Risk"),
        "multi_year": SubmissionFactory(
            member=payer,
            name="Three Year Program",
            years=3,
            state=SubmissionStatus.APPROVED,
            reviewer=reviewer,
            lead=lead,
        ),
    }


def test_a_reviewer_links_by_search_and_a_payer_confirms_the_year(page, assert_accessible, requests):
    payer_request, clinician_request = requests["payer_request"], requests["clinician_request"]
    with time_machine.travel(JANUARY_2027, tick=True):
        sign_in(page, "reviewer@demo.example", staff=True)
        page.wait_for_url("**/review/**")
        page.goto(f"/review/requests/{payer_request.pk}/")
        page.get_by_role("link", name="Link clinicians' requests").click()
        page.wait_for_url("**/link/**")
        assert_accessible(page)
        page.get_by_label("Find requests").fill(clinician_request.tracking_number)
        page.get_by_role("button", name="Search").click()
        page.locator(f"label[for=link-{clinician_request.pk}]").click()  # USWDS hides the box behind its label
        assert_accessible(page)
        page.get_by_role("button", name="Link the selected requests").click()
        page.wait_for_url(f"**/review/requests/{payer_request.pk}/#linked")
        assert f"Linked: {clinician_request.tracking_number}." in page.content()
        assert_accessible(page)
        clinician_request.refresh_from_db()
        assert clinician_request.payer_request_id == payer_request.pk

        page.context.clear_cookies()
        sign_in(page, "payer.submitter@demo.example")
        page.wait_for_url("**/dashboard/")
        page.goto(f"/requests/{requests['multi_year'].pk}/")
        page.get_by_role("link", name="Confirm or report changes for 2028").click()
        assert_accessible(page)
        page.locator("label[for=id_changed_1]").click()
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url("**/certify/")
        assert_accessible(page)
        page.get_by_label("Full name of the person certifying").fill("Sam Submitter")
        page.get_by_label("Title").fill("Director")
        page.locator("label[for=id_attests]").click()
        page.get_by_role("button", name="Send to CMS").click()
        page.wait_for_url(f"**/requests/{requests['multi_year'].pk}/")
        assert "Your confirmation for 2028 is sent to CMS" in page.content()
        assert_accessible(page)
    confirmation = YearlyConfirmation.objects.get()
    assert confirmation.is_submitted and confirmation.answers == {"changed": False}
