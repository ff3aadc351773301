"""Issue 12's acceptance, in Chromium with axe on every page: a Payer Initiated and an Eligible Clinician
Initiated request upload a participants CSV (one bad row named, then fixed), cite a document page per
criterion, ask for three years and reach the receipt; the reviewer sees the participants, the cited
pages and each year's check; the lead approves two of the three years.
"""

import re

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, demo_totp_code
from accounts.models import OrganizationKind, User
from determinations.models import Determination, Submission
from determinations.states import SubmissionStatus
from tests.factories.submissions import review_started
from tests.support import MARCH_2026

from .test_request_journeys import (
    PARTICIPANTS_CSV,
    choose,
    fill_cehrt,
    fill_contact,
    fill_financial_risk,
    fill_participants,
    fill_quality,
    on_the_form,
    person,
    tick,
)
from .test_request_journeys import reference as reference
from .test_request_journeys import sign_in as member_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CRITERIA = {"cehrt": 9, "quality": 14, "financial_risk": 21}


@pytest.fixture
def clock():
    with time_machine.travel(MARCH_2026, tick=True):
        yield


def see(page, text):
    expect(page.get_by_text(text).first).to_be_visible()


def three_years_with_evidence(page, assert_accessible, tmp_path, *, line, clinician):
    """From the contact step to the receipt, checking axe on each page."""
    fill_contact(page, clinician=clinician)
    assert_accessible(page)
    page.get_by_label("Description").fill("Primary care groups share savings and losses against a benchmark.")
    page.get_by_label("Start date").fill("2027-01-01")
    page.get_by_label("End date").fill("2029-12-31")
    page.get_by_label("Performance years asked for").select_option(label="3 years")
    page.get_by_label("Line of business").select_option(line)
    page.get_by_label("States where it operates").fill("MD")
    if on_the_form(page, page.get_by_label("Counties the Medicaid arrangement serves")):
        page.get_by_label("Counties the Medicaid arrangement serves").fill("24031")
    choose(page, "Is it a medical home model?", "No")
    choose(page, "Is it aligned with a CMS Multi-Payer Model?", "No")
    page.get_by_role("button", name="Save and continue").click()

    # The participant list: one bad NPI is named by its line; the fixed file is saved.
    page.wait_for_url("**/steps/participants/")
    assert_accessible(page)
    fill_participants(page, tmp_path, PARTICIPANTS_CSV.replace("1245319599", "1245319590"))
    see(page, "Line 3: 1245319590 is not an NPI: its check digit is wrong.")
    assert_accessible(page)
    fill_participants(page, tmp_path)
    page.wait_for_url("**/steps/cehrt/")
    fill_cehrt(page)
    fill_quality(page, assert_accessible)
    fill_financial_risk(page)
    assert_accessible(page)

    # The contract, and a cited page for each criterion.
    contract = tmp_path / "participation-agreement.pdf"
    contract.write_bytes(PDF)
    page.get_by_label("Drag file here or choose from folder").set_input_files(str(contract))
    page.get_by_label("Which part of the request it supports").select_option("arrangement")
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="participation-agreement.pdf").first.wait_for()
    for criterion, number in CRITERIA.items():
        page.locator("#id_citation-criterion").select_option(criterion)
        page.locator("#id_citation-document").select_option(label="participation-agreement.pdf")
        page.locator("#id_citation-page").fill(str(number))
        page.get_by_role("button", name="Add the citation").click()
        see(page, "Citation added.")
    see(page, f"participation-agreement.pdf, page {CRITERIA['financial_risk']}")
    assert_accessible(page)

    page.get_by_role("link", name="Continue to review").click()
    see(page, "The check in each requested year, under that year's rules")
    assert page.get_by_role("columnheader", name="2029").count() == 1
    assert_accessible(page)
    page.get_by_label("Full name of the person attesting").fill("Jordan Submitter")
    page.get_by_label("Title").fill("Director of Payment Innovation")
    tick(page, "I agree with the statement above")
    # ``count`` does not wait: the form's last element first, so the whole form has been parsed.
    page.get_by_role("button", name="Submit to CMS").wait_for()
    if page.get_by_text("I have read the pre-check results").count():
        tick(page, "I have read the pre-check results")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to CMS").click()
    if not page.url.endswith("/receipt/"):
        errors = page.locator(".usa-error-message, .usa-alert--error, .usa-alert--warning").all_inner_texts()
        raise AssertionError(f"the submit was refused at {page.url}: {errors}")
    assert_accessible(page)


def test_payer_request_for_three_years_and_the_lead_approves_two(
    browser, live_server, reference, clock, tmp_path, settings, assert_accessible
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo_data", verbosity=0)
    payer = User.objects.get(email="payer.submitter@demo.example")

    submitter = browser.new_context(base_url=live_server.url).new_page()
    submitter.set_default_timeout(15_000)
    submitter.goto("/accounts/login/")
    submitter.get_by_label("E-mail address").fill(payer.email)
    submitter.get_by_label("Password").fill(DEMO_PASSWORD)
    submitter.get_by_role("button", name="Sign in").click()
    submitter.wait_for_url("**/dashboard/")
    submitter.get_by_role("link", name="Start a new request").click()
    tick(submitter, re.compile("^2027 performance year: Remaining other payer"))
    submitter.get_by_label("Arrangement name").fill("Three-Year Shared Risk")
    submitter.get_by_role("button", name="Start the request").click()
    three_years_with_evidence(submitter, assert_accessible, tmp_path, line="commercial", clinician=False)
    submission = Submission.objects.get(arrangement__name="Three-Year Shared Risk")
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.years == [2027, 2028, 2029]

    # The reviewer sees the participants, the cited pages and each year's check, and recommends.
    reviewer_user = User.objects.get(email="reviewer@demo.example")
    review_started(submission, reviewer_user)
    reviewer = browser.new_context(base_url=live_server.url).new_page()
    reviewer.set_default_timeout(15_000)
    staff_sign_in(reviewer, reviewer_user.email)
    reviewer.goto(f"/review/requests/{submission.pk}/")
    see(reviewer, "2 APM Entities, 3 clinicians")
    assert reviewer.get_by_role("rowheader", name="Riverside Primary Care").count() == 1
    assert reviewer.get_by_role("link", name=f"participation-agreement.pdf, page {CRITERIA['cehrt']}").count() == 1
    assert reviewer.get_by_role("table", name="Automatic check in each requested year").count() == 3
    assert_accessible(reviewer)
    for criterion in ("Use of CEHRT", "Quality measures comparable to MIPS", "More than nominal financial risk"):
        reviewer.get_by_role("group", name=f"Finding: {criterion}").locator("label", has_text="Meets").first.click()
        reviewer.get_by_label(f"Rationale: {criterion}").fill(f"The contract shows {criterion.lower()}.")
    reviewer.get_by_role("button", name="Save the findings as a draft").click()
    see(reviewer, "Findings saved as a draft.")
    reviewer.get_by_role("group", name="Your recommendation").locator("label", has_text="Approve").click()
    reviewer.get_by_role("button", name="Recommend and lock the findings").click()
    see(reviewer, "Your recommendation is recorded")

    # The lead approves 2027 and 2028 only, with the reason.
    lead = browser.new_context(base_url=live_server.url).new_page()
    lead.set_default_timeout(15_000)
    staff_sign_in(lead, "lead@demo.example")
    lead.goto(f"/review/requests/{submission.pk}/decide/")
    assert_accessible(lead)
    lead.get_by_role("group", name="Decision").locator("label", has_text="Approve as an").click()
    lead.get_by_role("group", name="Performance years to approve").locator("label", has_text="2029").click()
    lead.get_by_label("Why fewer years than asked for").fill("CMS has not set the 2029 parameters.")
    lead.get_by_role("button", name="Record the decision").click()
    see(lead, "Approved. The letter is being prepared")
    assert_accessible(lead)
    determination = Determination.objects.get(submission=submission)
    assert (determination.first_year, determination.last_year) == (2027, 2028)
    assert determination.years_reason == "CMS has not set the 2029 parameters."


def staff_sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/mfa/verify/**")
    page.get_by_label("6-digit code").fill(demo_totp_code(email))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r".*/review/.*"))


def test_clinician_request_for_three_years_reaches_the_receipt(
    page, live_server, reference, clock, tmp_path, settings, assert_accessible
):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = person(OrganizationKind.APM_ENTITY, "", "Chesapeake ACO")
    member_sign_in(page, user)
    page.get_by_role("link", name="Start a new request").click()
    tick(page, "2027 performance year: State Medicaid agency")
    page.get_by_role("textbox", name="Arrangement name").fill("Medicaid Three-Year Shared Savings")
    page.get_by_label("Payer's name").fill("Maryland Medicaid")
    page.get_by_role("button", name="Start the request").click()
    three_years_with_evidence(page, assert_accessible, tmp_path, line="medicaid_managed_care", clinician=True)
    submission = Submission.objects.get()
    assert (submission.process, submission.status) == ("clinician_initiated", SubmissionStatus.SUBMITTED)
    assert submission.years == [2027, 2028, 2029]
    assert submission.citations.count() == 3
    assert submission.apm_entities.count() == 2
