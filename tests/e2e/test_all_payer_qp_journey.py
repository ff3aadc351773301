"""The All-Payer QP Submission in Chromium: an APM Entity's submitter starts it from the dashboard, fills
each step, sees what is missing, certifies and submits; axe runs on every page."""

import pytest

from determinations.models import SubmissionWindow
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory

from .test_pages_accessible import demo, sign_in  # noqa: F401 (demo is a fixture)
from .test_request_journeys import tick

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARRANGEMENT = "Browser Shared Savings"


@pytest.fixture
def approved_this_year(demo):  # noqa: F811
    """An approved Other Payer Advanced APM for the year of the demonstration All-Payer QP window."""
    window = SubmissionWindow.objects.get(process="all_payer_qp", is_demonstration=True)
    SubmissionFactory(state=SubmissionStatus.APPROVED, name=ARRANGEMENT, year=window.performance_year.year)
    return window


def test_an_apm_entity_submits_its_all_payer_data(page, assert_accessible, approved_this_year):
    year = approved_this_year.performance_year.year
    sign_in(page, "clinician@demo.example")
    page.get_by_role("heading", name="Your All-Payer QP submissions").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Start an All-Payer QP submission").click()
    page.get_by_label("Performance year").select_option(str(approved_this_year.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Start the submission").click()

    page.get_by_role("heading", name="Submitter and level").wait_for()
    page.get_by_label("Your title").fill("Chief Financial Officer")
    page.get_by_label("Your phone number").fill("202-555-0100")
    page.get_by_label("Level of determination requested").select_option("entity")
    page.get_by_label("APM Entity ID").fill("DEMO-ACO-1")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Other Payer Advanced APMs").wait_for()
    assert page.get_by_role("link", name="Missing: at least one Other Payer Advanced APM you took part in").count() == 1
    page.get_by_label("Search approved arrangements by payer or arrangement name").fill("Browser Shared")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=f"Add {ARRANGEMENT}").click()
    page.get_by_text(f"Added: {ARRANGEMENT}.").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Continue to payments and patients").click()

    page.get_by_role("heading", name="Payments and patients").first.wait_for()
    totals = page.locator("fieldset", has_text="Totals: Snapshot 1 (January 1 - March 31)")
    through = page.locator("fieldset", has_text=f"{ARRANGEMENT}: Snapshot 1 (January 1 - March 31)")
    through.get_by_label("Payments through the arrangement").fill("900000")
    total = totals.get_by_label("Payments in total from all other payers (not Medicare or Medicaid)")
    total.fill("800000")
    totals.get_by_label("Excluded payments (DoD/TRICARE and VA), kept apart").fill("150000")
    page.get_by_role("button", name="Save and continue").click()
    # A total below what went through the arrangements is refused, naming the period.
    page.get_by_text(
        "Snapshot 1 (January 1 - March 31): the other payers' total payments ($800,000.00) cannot be less than "
        "the payments through your arrangements ($900,000.00)."
    ).wait_for()
    assert_accessible(page)
    page.locator("fieldset", has_text="Totals: Snapshot 1 (January 1 - March 31)").get_by_label(
        "Payments in total from all other payers (not Medicare or Medicaid)"
    ).fill("1200000")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Certification").wait_for()
    assert page.locator("#blocking").count() == 0
    assert_accessible(page)
    page.get_by_label("Full name of the person certifying").fill("Demo Clinician")
    page.locator("#id_attester_title").fill("CFO")
    tick(page, "I am authorized to bind the APM Entity and I certify the statement above")
    page.get_by_role("button", name="Submit to CMS").click()

    page.get_by_role("heading", name="CMS received your All-Payer QP data").wait_for()
    tracking = page.locator("dd").first.inner_text()
    assert tracking.startswith(f"OPA-{year}-AP-")
    assert_accessible(page)
    page.get_by_role("link", name="View what was sent").click()
    page.get_by_text("It can no longer be changed.").wait_for()
    assert page.get_by_role("cell", name="$900,000.00").count() == 1
    assert page.get_by_role("cell", name="$1,200,000.00").count() == 1  # the other payers' total, once
    assert page.get_by_role("cell", name="$150,000.00").count() == 1  # the excluded payments, kept apart
    assert_accessible(page)
    page.goto("/dashboard/")
    row = page.get_by_role("row", name=tracking)
    assert row.get_by_text("Submitted to CMS").count() == 1
    assert_accessible(page)
