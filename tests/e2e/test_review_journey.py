"""A reviewer decides, in Chromium: filter the queue, claim, ask the payer a question; the payer answers
with a document; the reviewer records findings and recommends; a lead approves; the payer downloads
the letter as a PDF; the public list shows the arrangement. axe runs on every page visited.

Each person has their own browser context (as they would have their own browser), so each signs in
once with their own one-time code. The clock is in March 2026, when the 2027 payer windows are open.
"""

import re

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, demo_accounts_load, demo_totp_code
from accounts.models import User
from determinations.models import Determination, Submission
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory
from tests.factories import submissions as steps
from tests.support import MARCH_2026

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARRANGEMENT = "Journey Shared Savings Program"


@pytest.fixture
def journey(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(MARCH_2026, tick=True):
        call_command("load_reference_data", verbosity=0)
        demo_accounts_load()  # accounts only: these tests count their own requests
        payer = User.objects.get(email="payer.submitter@demo.example")
        plan = User.objects.get(email="mhp.submitter@demo.example")
        yield {
            "mine": SubmissionFactory(member=payer, name=ARRANGEMENT),
            "other": SubmissionFactory(member=plan, name="Journey Advantage Plan", payer_type="medicare_health_plan"),
        }


@pytest.fixture
def open_browser(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, email, *, staff=False):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if staff:
        page.wait_for_url("**/accounts/mfa/verify/**")
        page.get_by_label("6-digit code").fill(demo_totp_code(email))
        page.get_by_role("button", name="Verify").click()


def see(page, text):
    """Wait until ``text`` is on the page (after a click, the next page may still be loading)."""
    expect(page.get_by_text(text).first).to_be_visible()


def choose(page, group, answer):
    """Click the USWDS label of a radio button in a named group, as a person does."""
    page.get_by_role("group", name=group).locator("label", has_text=re.compile(f"^{re.escape(answer)}")).click()


def test_a_reviewer_and_a_lead_decide_a_request(journey, open_browser, assert_accessible):
    mine, other = journey["mine"], journey["other"]

    # The reviewer filters the queue, claims the request and asks the payer a question.
    reviewer = open_browser()
    sign_in(reviewer, "reviewer@demo.example", staff=True)
    reviewer.wait_for_url("**/review/")
    assert_accessible(reviewer)
    reviewer.get_by_text("More filters").click()
    reviewer.get_by_label("Payer type").select_option("other_payer")
    reviewer.get_by_role("button", name="Apply filters").click()
    reviewer.wait_for_url("**payer_type=other_payer**")
    assert reviewer.get_by_role("link", name=mine.tracking_number).count() == 1
    assert reviewer.get_by_role("link", name=other.tracking_number).count() == 0
    assert_accessible(reviewer)
    reviewer.get_by_role("button", name=f"Claim {mine.tracking_number}").click()
    see(reviewer, f"{mine.tracking_number} is assigned to you.")
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name=mine.tracking_number).click()
    reviewer.wait_for_url(f"**/review/requests/{mine.pk}/")
    assert reviewer.locator("h1").inner_text() == ARRANGEMENT
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name="Ask the submitter a question").click()
    reviewer.wait_for_url("**/questions/new/")
    assert_accessible(reviewer)
    reviewer.get_by_label("Question for the submitter").fill("Which contract page caps the shared losses?")
    reviewer.get_by_role("button", name="Send the question").click()
    reviewer.wait_for_url(f"**/review/requests/{mine.pk}/#questions")
    see(reviewer, "The question is sent.")
    assert_accessible(reviewer)

    # The payer sees the question on the dashboard, adds a document and answers.
    payer = open_browser()
    sign_in(payer, "payer.submitter@demo.example")
    payer.wait_for_url("**/dashboard/")
    assert_accessible(payer)
    payer.get_by_role("link", name="Answer CMS's question").click()
    payer.wait_for_url("**/answer/")
    see(payer, "Which contract page caps the shared losses?")
    assert_accessible(payer)
    payer.get_by_role("link", name="add documents").click()
    payer.wait_for_url("**/steps/documents/")
    # USWDS's file input names the control by its drop zone.
    payer.get_by_label("Drag file here or choose from folder").set_input_files(
        {"name": "loss-cap.pdf", "mimeType": "application/pdf", "buffer": steps.PDF_BYTES}
    )
    payer.get_by_label("Which part of the request it supports").select_option("financial_risk")
    payer.get_by_role("button", name="Upload").click()
    see(payer, "Uploaded loss-cap.pdf.")
    assert_accessible(payer)
    payer.goto(f"/requests/{mine.pk}/answer/")
    payer.get_by_label("Your answer to CMS").fill("Page 14, section 6.3: losses are capped at 4% of the benchmark.")
    payer.get_by_role("button", name="Send the answer to CMS").click()
    payer.wait_for_url(f"**/requests/{mine.pk}/")
    see(payer, "Your answer is sent to CMS.")
    assert_accessible(payer)

    # The reviewer sees what changed, records a finding per criterion and recommends approval.
    reviewer.goto(f"/review/requests/{mine.pk}/")
    see(reviewer, "What changed between the question and the answer")
    assert reviewer.get_by_role("link", name="loss-cap.pdf").count() >= 1
    for criterion in ("Use of CEHRT", "Quality measures comparable to MIPS", "More than nominal financial risk"):
        choose(reviewer, f"Finding: {criterion}", "Meets")
        reviewer.get_by_label(f"Rationale: {criterion}").fill(f"The contract shows {criterion.lower()}.")
    reviewer.get_by_role("button", name="Save the findings as a draft").click()
    see(reviewer, "Findings saved as a draft.")
    assert_accessible(reviewer)
    choose(reviewer, "Your recommendation", "Approve")
    reviewer.get_by_role("button", name="Recommend and lock the findings").click()
    see(reviewer, "Your recommendation is recorded")
    assert_accessible(reviewer)

    # A lead approves.
    lead = open_browser()
    sign_in(lead, "lead@demo.example", staff=True)
    lead.wait_for_url("**/review/lead/")
    lead.goto(f"/review/requests/{mine.pk}/")
    assert_accessible(lead)
    lead.get_by_role("link", name="Decide").click()
    lead.wait_for_url("**/decide/")
    assert_accessible(lead)
    choose(lead, "Decision", "Approve as an Other Payer Advanced APM")
    lead.get_by_role("button", name="Record the decision").click()
    see(lead, "Approved. The letter is being prepared")
    assert_accessible(lead)
    assert Submission.objects.get(pk=mine.pk).status == SubmissionStatus.APPROVED
    determination = Determination.objects.get(submission=mine)
    assert determination.decided_by.email == "lead@demo.example"
    assert determination.recommended_by.email == "reviewer@demo.example"

    # The payer downloads the letter as a PDF.
    payer.goto(f"/requests/{mine.pk}/")
    see(payer, "Approved as an Other Payer Advanced APM")
    assert_accessible(payer)
    with payer.expect_download() as download:
        payer.get_by_role("link", name="Download the determination letter (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as letter:
        assert letter.read(5) == b"%PDF-"

    # Anyone sees the arrangement on the public list.
    visitor = open_browser()
    visitor.goto("/advanced-apms/?year=2027")
    assert visitor.get_by_role("rowheader", name=ARRANGEMENT).count() == 1
    assert visitor.get_by_text("Journey Advantage Plan").count() == 0
    assert_accessible(visitor)
