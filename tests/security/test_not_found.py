"""What a person may not see answers exactly like what does not exist, and tracking numbers do not
count requests (finding 8 of the 2026-11-30 probe; decision 0028)."""

import re

import pytest
from django.urls import reverse

from accounts.models import OrganizationKind
from determinations.rules import tracking_numbers
from determinations.states import SubmissionStatus
from determinations.workflow import TransitionRefused, tracking_number_for
from tests.factories import SubmissionFactory, organization_member
from tests.support import sign_in

pytestmark = pytest.mark.django_db

# Per-response tokens (CSRF, CSP nonces) differ between any two pages; everything else must match.
TOKENS = re.compile(r'(nonce|value)="[^"]*"')
MISSING = 987654321
CROCKFORD = "[0-9A-HJKMNP-TV-Z]"


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    return response.status_code, TOKENS.sub("", response.content.decode())


@pytest.fixture
def theirs(reference_data, clock, payer):
    return SubmissionFactory(member=payer, state=SubmissionStatus.SUBMITTED, name="Their Shared Risk")


@pytest.fixture
def their_draft(reference_data, clock, payer):
    return SubmissionFactory(member=payer, state=SubmissionStatus.DRAFT, name="Their Draft Arrangement")


@pytest.mark.parametrize(
    "name",
    [
        "determinations:submission_detail",
        "determinations:submission_receipt",
        "determinations:submission_withdraw",
        "determinations:submission_copy",
        "determinations:submission_review",
        "determinations:submission_documents",
        "determinations:information_request_answer",
    ],
)
def test_another_organizations_request_answers_like_a_missing_one(client, theirs, medicaid_payer, name):
    sign_in(client, medicaid_payer)
    status, body = page(client, name, theirs.pk)
    assert (status, body) == page(client, name, MISSING)
    assert status == 404
    assert theirs.tracking_number not in body and "Their Shared Risk" not in body


def test_a_draft_answers_staff_like_a_missing_request(client, their_draft, reviewer):
    sign_in(client, reviewer)
    for name in ("determinations:submission_detail", "determinations:review_detail"):
        status, body = page(client, name, their_draft.pk)
        assert (status, body) == page(client, name, MISSING)
        assert status == 404 and "Their Draft Arrangement" not in body


def test_another_organizations_page_answers_like_a_missing_one(client, payer, medicaid_payer):
    sign_in(client, medicaid_payer)
    organization = payer.memberships.get().organization
    for name in ("accounts:organization_detail", "accounts:invitation_create_organization"):
        status, body = page(client, name, organization.pk)
        assert (status, body) == page(client, name, MISSING)
        assert status == 404 and organization.name not in body


def test_tracking_numbers_are_random_with_a_check_character(reference_data, clock, payer):
    first = SubmissionFactory(member=payer)
    second = SubmissionFactory(member=payer, name="Second Shared Risk")
    for submission in (first, second):
        number = submission.tracking_number
        assert re.fullmatch(rf"OPA-2027-PI-{CROCKFORD}{{7}}", number), number
        assert str(submission.pk) not in number.rsplit("-", 1)[1]
        assert tracking_numbers.is_valid(number)
    assert first.tracking_number != second.tracking_number
    clinician = SubmissionFactory(member=organization_member(OrganizationKind.APM_ENTITY, name="Test ACO"))
    assert clinician.tracking_number.startswith(f"OPA-{clinician.performance_year.year}-EC-")


def test_the_check_character_catches_a_mistyped_or_swapped_symbol():
    number = tracking_numbers.tracking_number(year=2027, process_code="PI", random_symbols="7K3QX2")
    body, check = number[:-1], number[-1]
    for position in range(len(body) - 6, len(body)):
        for symbol in tracking_numbers.ALPHABET:
            if symbol != body[position]:
                assert not tracking_numbers.is_valid(body[:position] + symbol + body[position + 1 :] + check)
    swapped = body[:-2] + body[-1] + body[-2] + check
    assert not tracking_numbers.is_valid(swapped)
    assert tracking_numbers.is_valid(number.lower())
    spoken = tracking_numbers.tracking_number(year=2027, process_code="EC", random_symbols="10ABCD")
    misread = spoken.lower().replace("-10", "-lo")
    assert tracking_numbers.is_valid(misread) and tracking_numbers.normalized(misread) == spoken


def test_a_tracking_number_already_taken_is_drawn_again(theirs):
    taken = theirs.tracking_number.rsplit("-", 1)[1][:6]
    draws = iter([taken, taken, "ABCDEF"])
    number = tracking_number_for(theirs, symbols=lambda: next(draws))
    assert number == tracking_numbers.tracking_number(year=2027, process_code="PI", random_symbols="ABCDEF")
    always = iter([taken] * tracking_numbers.ATTEMPTS)
    with pytest.raises(TransitionRefused, match="Try submitting again"):
        tracking_number_for(theirs, symbols=lambda: next(always))
