"""Determination letters: a real PDF with the arrangement, each criterion's outcome, the effective years
and the signing lead, for the submitting organization and CMS staff only."""

import pytest
from django.core import mail
from django.urls import reverse

from determinations.models import Determination, SubmissionEvent
from determinations.services import letters, notifications, review
from messaging.services import messages_dispatch
from tests.factories import organization_member
from tests.factories import submissions as steps
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def page_text(document) -> str:
    """The text WeasyPrint laid out on the letter's pages."""

    def walk(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", []):
            yield from walk(child)

    return " ".join(text for page in document.pages for text in walk(page._page_box))


@pytest.fixture
def approved(in_review, reviewer, review_lead):
    steps.approved(in_review, reviewer, review_lead)
    return Determination.objects.get(submission=in_review)


@pytest.fixture
def rejected(in_review, reviewer, review_lead):
    steps.recommended(in_review, reviewer, recommendation="reject", overrides={"financial_risk": "does_not_meet"})
    review.decision_make(
        submission_id=in_review.pk,
        actor=review_lead,
        decision="reject",
        unmet=[{"criterion": "financial_risk", "reason": "Losses are capped at 1% of revenue."}],
    )
    return Determination.objects.get(submission=in_review)


def letter_url(determination):
    return reverse("determinations:determination_letter", args=[determination.submission_id, determination.pk])


def test_the_approval_letter_has_the_arrangement_outcomes_years_and_signer(approved, review_lead):
    html = letters.letter_html(approved)
    assert "Example Shared Risk Program" in html and "Test Commercial Health Plan" in html
    assert "Determination: an Other Payer Advanced APM" in html
    assert "Effective performance years" in html and "2027" in html
    for title in ("Use of CEHRT", "Quality measures comparable to MIPS", "More than nominal financial risk"):
        assert title in html
    assert html.count(">Met<") == 3
    assert review_lead.full_name in html and "Review Lead" in html
    text = page_text(letters.letter_document(approved))
    assert "Example Shared Risk Program" in text and review_lead.full_name in text


def test_the_rejection_letter_names_the_unmet_criterion_and_the_reason(rejected):
    text = page_text(letters.letter_document(rejected))
    assert "not an Other Payer Advanced APM" in text
    assert "Not met" in text and "Losses are capped at 1% of revenue." in text


def test_the_letter_is_rendered_once_as_a_pdf(approved):
    determination = letters.determination_letter_render(determination_id=approved.pk)
    with determination.letter.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-") and b"%%EOF" in content[-64:]
    name = determination.letter.name
    assert letters.determination_letter_render(determination_id=approved.pk).letter.name == name
    assert SubmissionEvent.objects.filter(event_type="letter_rendered").count() == 1


def test_members_and_staff_download_it_as_a_pdf(client, approved, payer, reviewer, program_admin):
    for person in (payer, reviewer, program_admin):
        sign_in(client, person)
        response = client.get(letter_url(approved))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_others_cannot_download_it(client, approved):
    assert client.get(letter_url(approved)).status_code == 302  # to sign in
    stranger = organization_member("payer", "other_payer", "Another Payer")
    sign_in(client, stranger)
    response = client.get(letter_url(approved))
    assert response.status_code == 404 and approved.submission.tracking_number not in response.content.decode()


def test_the_submitter_sees_the_decision_and_the_letter_link(client, approved, payer):
    sign_in(client, payer)
    page = client.get(reverse("determinations:submission_detail", args=[approved.submission_id])).content.decode()
    assert "Approved as an Other Payer Advanced APM" in page and letter_url(approved) in page


def test_a_reopened_decisions_letter_is_for_staff_only(client, approved, payer, reviewer, review_lead):
    review.decision_reopen(submission_id=approved.submission_id, actor=review_lead, reason="Contract amended")
    sign_in(client, payer)
    assert client.get(letter_url(approved)).status_code == 404
    sign_in(client, reviewer)
    assert client.get(letter_url(approved)).status_code == 200


def test_a_missing_letter_is_rendered_on_download(client, in_review, reviewer, review_lead, payer):
    steps.recommended(in_review, reviewer)
    review.decision_make(submission_id=in_review.pk, actor=review_lead, decision="approve")  # no commit hooks here
    determination = Determination.objects.get()
    assert not determination.letter
    sign_in(client, payer)
    response = client.get(letter_url(determination))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    determination.refresh_from_db()
    assert determination.letter


def test_the_decision_email_goes_once_with_its_letter_ready(approved, payer):
    assert notifications.determination_decision_queue(approved) == 0  # the approval queued it already
    messages_dispatch()
    assert messages_dispatch().sent == 0
    assert [m.to for m in mail.outbox if m.subject.startswith("Decision:")] == [[payer.email]]
    approved.refresh_from_db()
    assert approved.letter  # rendered before the e-mail that links to it went out


@pytest.mark.parametrize("which", ["approved", "rejected"])
def test_the_letter_fits_on_one_page(request, which):
    """Issue 11, finding 8: the letter had a second page holding only its last line."""
    document = letters.letter_document(request.getfixturevalue(which))
    assert len(document.pages) == 1, [page_text_of(page)[-300:] for page in document.pages]


def page_text_of(page) -> str:
    class One:
        pages = [page]

    return page_text(One)
