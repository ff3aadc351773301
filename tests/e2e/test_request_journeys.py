"""A payer submits and an APM Entity files a request by typing and clicking; both leave and resume.

axe runs on every step. The clock is set inside open windows (March 2026: the 2027 payer windows
and the 2027 clinician Medicaid window are open).
"""

import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import MembershipRole, OrganizationKind
from determinations.models import MipsMeasure, Submission
from determinations.states import SubmissionStatus
from tests.factories import TEST_PASSWORD, MembershipFactory, OrganizationFactory
from tests.support import MARCH_2026

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock():
    with time_machine.travel(MARCH_2026, tick=True):
        yield


@pytest.fixture
def reference(transactional_db):
    call_command("load_reference_data", verbosity=0)
    # The 2027 MIPS list as a program admin would import it (the npm package ends at 2022).
    MipsMeasure.objects.create(
        year=2027,
        measure_id="001",
        title="Diabetes: Glycemic Status Assessment Greater Than 9%",
        measure_type="intermediateOutcome",
        is_outcome=True,
        primary_steward="NCQA",
        updated_at=timezone.now(),
    )
    MipsMeasure.objects.create(
        year=2027,
        measure_id="236",
        title="Controlling High Blood Pressure",
        measure_type="intermediateOutcome",
        is_outcome=True,
        primary_steward="NCQA",
        updated_at=timezone.now(),
    )


def person(kind, payer_type, name):
    organization = OrganizationFactory(kind=kind, payer_type=payer_type, name=name)
    return MembershipFactory(organization=organization, role=MembershipRole.ORGANIZATION_ADMIN).user


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")


def tick(scope, text):
    """Click the USWDS label of a radio button or checkbox, as a person does (the input is hidden)."""
    scope.locator("label", has_text=text).first.click()


def choose(page, question, answer):
    tick(page.get_by_role("group", name=question), re.compile(f"^{re.escape(answer)}$"))


def save(page):
    page.get_by_role("button", name="Save and continue").click()


def on_the_form(page, field) -> bool:
    """Whether the step's form has ``field``: asked once the whole form is on the page (``count``
    does not wait, and a field further down may not have been parsed yet)."""
    page.get_by_role("button", name="Save and continue").wait_for()
    return field.count() > 0


def fill_contact(page, *, clinician=False):
    page.get_by_label("Your full name").fill("Jordan Submitter")
    page.get_by_label("Your title").fill("Director of Payment Innovation")
    page.get_by_label("Your e-mail address").fill("jordan@example.org")
    page.get_by_label("Your phone number").fill("410-555-0100")
    if clinician:
        page.get_by_label("Payer contact's name").fill("Morgan Medicaid")
        page.get_by_label("Payer contact's e-mail address").fill("morgan@medicaid.example")
    if on_the_form(page, page.get_by_label("State (required to submit)")):
        page.get_by_label("State (required to submit)").select_option("MD")
    if on_the_form(page, page.get_by_label("Your NPI (required to submit)")):
        page.get_by_label("Your NPI (required to submit)").fill("1234567893")
    save(page)


PARTICIPANTS_CSV = (
    "entity_name,tin,entity_identifier,npi\n"
    "Riverside Primary Care,123456789,ENT-001,1234567893\n"
    "Riverside Primary Care,123456789,ENT-001,1245319599\n"
    "Hilltop Family Medicine,987654321,ENT-002,1003000126\n"
)


def fill_arrangement(page, medical_home=False, *, end="2030-12-31", years="1 year", line="medicaid_managed_care"):
    """The arrangement step; the agreement's dates cover any year a test's window is for."""
    page.get_by_label("Description").fill("Primary care groups share savings and losses against a benchmark.")
    page.get_by_label("Start date").fill("2025-01-01")
    page.get_by_label("End date").fill(end)
    page.get_by_label("Performance years asked for").select_option(label=years)
    page.get_by_label("Line of business").select_option(line)
    page.get_by_label("States where it operates (required to submit)").fill("MD")
    if on_the_form(page, page.get_by_label("Counties the Medicaid arrangement serves (required to submit)")):
        page.get_by_label("Counties the Medicaid arrangement serves (required to submit)").fill("24031, 24033")
    if on_the_form(page, page.get_by_role("group", name="Is it a medical home model? (required to submit)")):
        choose(page, "Is it a medical home model? (required to submit)", "Yes" if medical_home else "No")
    choose(page, "Is it aligned with a CMS Multi-Payer Model? (required to submit)", "No")
    save(page)


def fill_participants(page, path, text=PARTICIPANTS_CSV):
    csv_file = path / "participants.csv"
    csv_file.write_text(text)
    page.get_by_label("Drag file here or choose from folder").set_input_files(str(csv_file))
    page.get_by_role("button", name="Save the participant list").click()


def fill_cehrt(page):
    choose(page, "Does the arrangement require participants to use CEHRT?", "Yes")
    page.get_by_label("Where the contract requires it").fill("Participation agreement section 7, page 9")
    save(page)


def fill_quality(page, assert_accessible):
    page.get_by_label("Search the MIPS quality measures by number or words").fill("blood pressure")
    page.get_by_role("button", name="Search measures").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add measure 236").click()
    page.get_by_role("rowheader", name="236: Controlling High Blood Pressure").wait_for()
    page.get_by_label("How measure results affect payment").fill("Savings are shared only above a quality score of 70.")
    save(page)


def fill_financial_risk(page):
    choose(page, "Type of risk (required to submit)", "Two-sided shared savings and losses")
    choose(page, "The amounts below are", "For each APM Entity")
    tick(page, "Requires the APM Entity to pay the payer")
    page.get_by_label("Expected expenditures (the benchmark or target price) ($)").fill("10000000")
    page.get_by_label("Expected spending without the arrangement ($)").fill("10200000")
    choose(page, "Is the risk expressly defined as a share of revenue?", "No")
    page.get_by_label("Most the APM Entity could owe or forgo in a year ($)").fill("400000")
    page.get_by_label("Band 1: losses from (%)").fill("2")
    page.get_by_label("Band 1: share of those losses the APM Entity pays (%)").fill("40")
    page.get_by_label("How the amount owed or forgone is calculated").fill("40% of losses above 2%, capped at 4%.")
    save(page)


def upload_contract(page, tmp_path):
    contract = tmp_path / "participation-agreement.pdf"
    contract.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    # USWDS's file input names the control by its drop zone ("Drag file here or choose from folder").
    page.get_by_label("Drag file here or choose from folder").set_input_files(str(contract))
    page.get_by_label("Which part of the request it supports").select_option("financial_risk")
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="participation-agreement.pdf").wait_for()


def attest_and_submit(page):
    page.get_by_label("Full name of the person attesting").fill("Jordan Submitter")
    page.get_by_label("Title").fill("Director of Payment Innovation")
    tick(page, "I agree with the statement above")
    page.get_by_role("button", name="Submit to CMS").click()
    page.wait_for_url("**/receipt/")


def test_medicaid_payer_submits_leaving_and_resuming(
    page, assert_accessible, live_server, reference, clock, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = person(OrganizationKind.PAYER, "medicaid", "Maryland Medicaid")
    sign_in(page, user)
    assert_accessible(page)
    page.get_by_role("link", name="Start a new request").click()
    assert_accessible(page)
    tick(page, "2027 performance year: State Medicaid agency")
    page.get_by_label("Arrangement name").fill("Maryland Primary Care Shared Risk")
    page.get_by_role("button", name="Start the request").click()
    assert_accessible(page)
    fill_contact(page)
    assert_accessible(page)
    fill_arrangement(page)
    assert_accessible(page)
    fill_participants(page, tmp_path)
    assert_accessible(page)

    # Leave mid-way, sign out, and come back to the draft from the dashboard.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, user)
    page.get_by_role("link", name="Maryland Primary Care Shared Risk").click()
    assert_accessible(page)
    assert page.get_by_text("Missing: Does the arrangement require participants to use CEHRT?").count() >= 1
    page.get_by_role("link", name="Certified EHR technology (CEHRT)").first.click()
    fill_cehrt(page)
    fill_quality(page, assert_accessible)
    assert_accessible(page)
    fill_financial_risk(page)
    assert_accessible(page)
    upload_contract(page, tmp_path)
    assert_accessible(page)
    page.get_by_role("link", name="Continue to review").click()
    page.get_by_role("heading", name="Pre-check of the three criteria").wait_for()
    assert page.get_by_text("Likely meets").count() == 3
    assert_accessible(page)
    attest_and_submit(page)
    assert_accessible(page)
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.tracking_number in page.content()
    page.get_by_role("link", name="View the request").click()
    page.get_by_text("Submitted to CMS").first.wait_for()
    assert_accessible(page)


def test_apm_entity_files_a_medicaid_request(
    page, assert_accessible, live_server, reference, clock, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = person(OrganizationKind.APM_ENTITY, "", "Chesapeake ACO")
    sign_in(page, user)
    page.get_by_role("link", name="Start a new request").click()
    page.get_by_label("Search approved arrangements by payer or arrangement name").fill("maryland medicaid")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("No approved arrangement matches").wait_for()
    assert_accessible(page)
    tick(page, "2027 performance year: State Medicaid agency")
    page.get_by_role("textbox", name="Arrangement name").fill("Medicaid Health Home Shared Savings")
    page.get_by_label("Payer's name").fill("Maryland Medicaid")
    page.get_by_role("button", name="Start the request").click()
    fill_contact(page, clinician=True)
    assert_accessible(page)
    fill_arrangement(page)
    fill_participants(page, tmp_path)
    fill_cehrt(page)

    # Leave without saving the next step; the saved steps are still there.
    page.goto("/dashboard/")
    page.get_by_role("link", name="Medicaid Health Home Shared Savings").click()
    page.get_by_role("link", name="Quality measures").first.click()
    fill_quality(page, assert_accessible)
    fill_financial_risk(page)
    upload_contract(page, tmp_path)
    page.get_by_role("link", name="Continue to review").click()
    assert_accessible(page)
    attest_and_submit(page)
    submission = Submission.objects.get()
    assert (submission.process, submission.requester_kind) == ("clinician_initiated", "apm_entity")
    assert submission.status == SubmissionStatus.SUBMITTED
    assert_accessible(page)
