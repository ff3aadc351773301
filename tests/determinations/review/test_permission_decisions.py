"""Permissions answer with a code, and pages offer what the workflow table allows this person now."""

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from determinations import permissions
from determinations.models import ConflictOfInterest, Submission
from determinations.permissions import Code
from determinations.services import review
from determinations.services.assignment import conflict_declare
from determinations.workflow import TransitionRefused, transitions_available
from tests.factories import UserFactory
from tests.factories import submissions as steps
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommended(in_review, reviewer):
    return steps.recommended(in_review, reviewer)


def test_refusals_carry_a_code_that_says_what_kind_they_are(recommended, reviewer, review_lead, second_lead, payer):
    ConflictOfInterest.objects.create(reviewer=second_lead, organization=recommended.organization, reason="Board")
    assert permissions.is_deciding_lead(reviewer, recommended).code is Code.WRONG_ROLE
    assert permissions.is_deciding_lead(second_lead, recommended).code is Code.RECUSED
    assert permissions.is_deciding_lead(review_lead, recommended).code is Code.ALLOWED
    assert permissions.can_view_submission(reviewer, recommended)
    assert permissions.is_assignee(review_lead, recommended).code is Code.NOT_ASSIGNEE
    assert permissions.can_edit_submission(payer, recommended).code is Code.NOT_NOW
    with pytest.raises(TransitionRefused) as refused:
        review.decision_make(submission_id=recommended.pk, actor=second_lead, decision="approve")
    assert refused.value.code is Code.RECUSED


def test_the_table_answers_what_each_person_may_do_now(recommended, reviewer, review_lead, payer):
    lead = transitions_available(recommended, review_lead)
    assert set(lead) == {"withdraw", "send_back", "approve", "reject"}
    assert {name for name, decision in lead.items() if decision} == {"send_back", "approve", "reject"}
    assert {name for name, decision in transitions_available(recommended, payer).items() if decision} == {"withdraw"}
    own = transitions_available(recommended, reviewer)
    assert own["approve"].code is Code.WRONG_ROLE and not any(own.values())


def test_the_review_page_offers_what_the_table_allows(client, recommended, reviewer, review_lead):
    sign_in(client, review_lead)
    page = client.get(reverse("determinations:review_detail", args=[recommended.pk]))
    assert page.context["may_decide"] and not page.context["may_recommend"] and not page.context["may_reopen"]
    sign_in(client, reviewer)
    page = client.get(reverse("determinations:review_detail", args=[recommended.pk]))
    assert not page.context["may_decide"] and page.context["decide_refusal"] == "Only a CMS review lead can do this."


def test_an_unassigned_recommended_request_can_be_claimed_from_its_page(client, recommended, reviewer):
    """The page and the claim service read the same "open" set, which includes recommended requests."""
    conflict_declare(reviewer=reviewer, submission=recommended, reason="Former employer")
    other = UserFactory(staff_role=StaffRole.REVIEWER)
    assert Submission.objects.get(pk=recommended.pk).assignee_id is None
    sign_in(client, other)
    page = client.get(reverse("determinations:review_detail", args=[recommended.pk]))
    assert page.context["may_claim"] is True
