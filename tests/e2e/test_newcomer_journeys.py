"""Issue 11 acceptance: on the demo data and today's real date (the clock is NOT frozen), a payer of
each payer type files a Payer Initiated request to its receipt in the demonstration window, and the
demo clinician files an Eligible Clinician Initiated request; axe runs on every page visited.
"""

import re

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from determinations.models import Submission
from determinations.states import SubmissionStatus

from .test_request_journeys import (
    fill_arrangement,
    fill_cehrt,
    fill_financial_risk,
    fill_participants,
    save,
    tick,
    upload_contract,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAYERS = [
    ("payer.admin@demo.example", "State Medicaid agency", "medicaid"),
    ("mhp.submitter@demo.example", "Medicare Health Plan", "medicare_health_plan"),
    ("multipayer.submitter@demo.example", "CMS Multi-Payer Model payer", "multi_payer_model"),
    ("payer.submitter@demo.example", "Remaining other payer (commercial or private)", "other_payer"),
]


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0)
    call_command("import_mips_measures", verbosity=0)
    call_command("load_demo_data", "--quiet", verbosity=0)


def sign_in(page, email, assert_accessible):
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")
    assert_accessible(page)


def start_in_the_demonstration_window(page, assert_accessible, payer_type_label, name, payer_name=""):
    page.get_by_role("link", name="Start a new request").click()
    assert_accessible(page)
    assert page.get_by_text("The next window opens").count() + page.get_by_text("No later window").count() == 1
    tick(page, re.compile(rf"^Demonstration window, \d{{4}} performance year: {re.escape(payer_type_label)} \("))
    page.get_by_role("textbox", name="Arrangement name").fill(name)
    if payer_name:
        page.get_by_label("Payer's name").fill(payer_name)
    page.get_by_role("button", name="Start the request").click()
    assert_accessible(page)


def fill_contact(page, payer_type, *, clinician=False):
    # The name and e-mail come from the account; the rest is typed.
    assert page.get_by_label("Your e-mail address").input_value().endswith("@demo.example")
    page.get_by_label("Your title").fill("Director of Payment Innovation")
    page.get_by_label("Your phone number").fill("410-555-0100")
    if clinician:
        page.get_by_label("Payer contact's name").fill("Morgan Payer")
        page.get_by_label("Payer contact's e-mail address").fill("morgan@payer.example")
    if payer_type == "medicaid":
        page.get_by_label("State (required to submit)").select_option("MD")
    if payer_type == "medicare_health_plan":
        page.get_by_role("textbox", name="Medicare Advantage contract numbers (required to submit)").fill("H1234")
    save(page)


def fill_quality(page, assert_accessible):
    page.get_by_label("Search the MIPS quality measures by number or words").fill("blood pressure")
    page.get_by_role("button", name="Search measures").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add measure 236", exact=True).click()
    page.get_by_role("rowheader", name=re.compile("^236: Controlling High Blood Pressure")).wait_for()
    assert_accessible(page)
    page.get_by_label("How measure results affect payment").fill("Savings are shared only above a quality score of 70.")
    save(page)


def file_to_the_receipt(page, assert_accessible, tmp_path, payer_type, *, clinician=False):
    fill_contact(page, payer_type, clinician=clinician)
    assert_accessible(page)
    fill_arrangement(page)
    assert_accessible(page)
    fill_participants(page, tmp_path)
    assert_accessible(page)
    fill_cehrt(page)
    assert_accessible(page)
    fill_quality(page, assert_accessible)
    fill_financial_risk(page)
    assert_accessible(page)
    upload_contract(page, tmp_path)
    assert_accessible(page)
    page.get_by_role("link", name="Continue to review").click()
    page.get_by_role("heading", name="Pre-check of the three criteria").wait_for()
    assert_accessible(page)
    page.get_by_label("Full name of the person attesting").fill("Jordan Submitter")
    page.get_by_label("Title").fill("Director of Payment Innovation")
    tick(page, "I agree with the statement above")
    page.get_by_role("button", name="Submit to CMS").click()
    page.wait_for_url("**/receipt/")
    assert_accessible(page)


@pytest.mark.parametrize("email,payer_type_label,payer_type", PAYERS, ids=[p[2] for p in PAYERS])
def test_a_payer_of_each_type_files_in_the_demonstration_window(
    page, assert_accessible, live_server, demo, tmp_path, email, payer_type_label, payer_type
):
    sign_in(page, email, assert_accessible)
    name = f"Newcomer {payer_type} arrangement"
    start_in_the_demonstration_window(page, assert_accessible, payer_type_label, name)
    file_to_the_receipt(page, assert_accessible, tmp_path, payer_type)

    submission = Submission.objects.get(arrangement__name=name)
    assert (submission.process, submission.payer_type) == ("payer_initiated", payer_type)
    assert submission.status == SubmissionStatus.SUBMITTED and submission.window.is_demonstration
    assert submission.tracking_number in page.content()


def test_the_demo_clinician_files_an_eligible_clinician_initiated_request(
    page, assert_accessible, live_server, demo, tmp_path
):
    sign_in(page, "clinician@demo.example", assert_accessible)
    page.get_by_role("heading", name="Welcome, Casey").wait_for()
    start_in_the_demonstration_window(
        page,
        assert_accessible,
        "Remaining other payer (commercial or private)",
        "Newcomer clinician arrangement",
        payer_name="Chesapeake Regional Health Plan",
    )
    file_to_the_receipt(page, assert_accessible, tmp_path, "other_payer", clinician=True)

    submission = Submission.objects.get(arrangement__name="Newcomer clinician arrangement")
    assert (submission.process, submission.requester_kind) == ("clinician_initiated", "apm_entity")
    assert submission.status == SubmissionStatus.SUBMITTED and submission.window.is_demonstration
