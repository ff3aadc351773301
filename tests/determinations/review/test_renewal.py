"""A renewal (a request copied from an approved one) opens on what changed since that version, with
last year's finding beside each criterion."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from determinations.models import Submission
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def copied_from(renewal, source):
    # The copy service is tested with the submitter's pages; here only the link to the source matters.
    Submission.objects.filter(pk=renewal.pk).update(copied_from=source)
    renewal.refresh_from_db()
    return renewal


@pytest.fixture
def renewal(reference_data, clock, payer, reviewer, review_lead):
    source = SubmissionFactory(
        member=payer, name="Renewed Program", state=SubmissionStatus.APPROVED, reviewer=reviewer, lead=review_lead
    )
    renewal = SubmissionFactory(
        member=payer, name="Renewed Program Plus", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
    )
    return copied_from(renewal, source)


def detail(client, submission):
    return client.get(reverse("determinations:review_detail", args=[submission.pk]))


def test_a_renewal_opens_on_what_changed_with_last_years_findings(client, renewal, reviewer):
    sign_in(client, reviewer)

    response = detail(client, renewal)

    context = response.context["renewal"]
    assert context.source.pk == renewal.copied_from_id
    assert [(c.question, c.before, c.after) for c in context.changes.answers] == [
        ("Arrangement name", "Renewed Program", "Renewed Program Plus")
    ]
    page = response.content.decode()
    assert page.index("What changed since the approved version") < page.index('id="findings"')
    for block in response.context["criteria"]:  # the criteria block's context, rendered on this first load
        assert block["last_year"].criterion == block["result"].criterion
        assert block["last_year"].rationale
    assertContains(response, f"Last year’s finding ({context.source.tracking_number})", count=3)


def test_a_request_copied_from_one_not_approved_is_not_a_renewal(client, reference_data, clock, payer, reviewer):
    source = SubmissionFactory(member=payer, name="Still Open", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    copy = SubmissionFactory(member=payer, name="Copy Of Open", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    copied_from(copy, source)
    sign_in(client, reviewer)

    response = detail(client, copy)

    assert response.context["renewal"] is None
    assertNotContains(response, "What changed since the approved version")
