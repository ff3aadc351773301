"""Assignment: leads assign and reassign, reviewers claim, conflicts of interest recuse, races have one winner."""

import threading

import pytest
from django.db import close_old_connections, connection
from pytest_django.asserts import assertContains, assertRedirects

from determinations.models import ConflictOfInterest, Submission, SubmissionEvent
from determinations.services.assignment import (
    AssignmentRefused,
    conflict_declare,
    submission_assign,
    submission_claim,
)
from determinations.states import SubmissionStatus
from tests.factories import UserFactory
from tests.support import sign_in, skip_or_fail

from .queue_support import (
    ASSIGN_URL,
    BUILT_AT,
    QUEUE_URL,
    another_reviewer,
    make_many,
    make_submission,
    payer,
)
from .queue_support import events_since_built as events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def refreshed(submission) -> Submission:
    submission.refresh_from_db()
    return submission


# --- Assigning --------------------------------------------------------------------------------


def test_a_lead_assigns_many_at_once_and_review_starts(review_lead, reviewer):
    organization = payer("Batch Payer")
    waiting = make_many(3, organization)
    reviewing = make_submission(organization, status=SubmissionStatus.IN_REVIEW, unassigned=True)

    changed = submission_assign(
        submission_ids=[s.pk for s in [*waiting, reviewing]], assignee=reviewer, actor=review_lead
    )

    assert len(changed) == 4
    for submission in [*waiting, reviewing]:
        submission = refreshed(submission)
        assert submission.assignee == reviewer
        assert submission.assigned_at is not None
        assert submission.status == SubmissionStatus.IN_REVIEW
        [assigned] = events(submission, "assigned")
        assert assigned.actor == review_lead
        assert assigned.visibility == "staff"
        assert assigned.payload["assignee_id"] == reviewer.pk
        assert assigned.label == f"Assigned to a reviewer: {reviewer}"
    for submission in waiting:
        assert [e.event_type for e in events(submission)] == ["assigned", "start_review"]
    assert [e.event_type for e in events(reviewing)] == ["assigned"]


def test_a_lead_reassigns_and_the_event_keeps_the_previous_reviewer(review_lead, reviewer):
    other = another_reviewer("Sam Second")
    submission = make_submission(payer("Reassign Payer"), status=SubmissionStatus.IN_REVIEW, assignee=reviewer)

    submission_assign(submission_ids=[submission.pk], assignee=other, actor=review_lead)

    assert refreshed(submission).assignee == other
    [reassigned] = events(submission, "reassigned")
    assert reassigned.payload["previous_assignee_id"] == reviewer.pk
    assert reassigned.label == "Reassigned to another reviewer: Sam Second"


def test_assigning_to_the_same_reviewer_again_changes_nothing(review_lead, reviewer):
    submission = make_submission(payer("Same Payer"), status=SubmissionStatus.IN_REVIEW, assignee=reviewer)

    assert submission_assign(submission_ids=[submission.pk], assignee=reviewer, actor=review_lead) == []
    assert events(submission) == []


@pytest.mark.parametrize("role", ["reviewer", "program_admin", "payer_submitter"])
def test_only_a_lead_assigns(request, reviewer, role):
    submission = make_submission(payer("Role Payer"))

    with pytest.raises(AssignmentRefused, match="Only a CMS review lead can assign"):
        submission_assign(submission_ids=[submission.pk], assignee=reviewer, actor=request.getfixturevalue(role))
    assert refreshed(submission).assignee is None


@pytest.mark.parametrize("who", ["review_lead", "program_admin", "payer_submitter", "inactive"])
def test_requests_are_assigned_only_to_active_reviewers(request, review_lead, who):
    person = UserFactory(staff_role="reviewer", is_active=False) if who == "inactive" else request.getfixturevalue(who)
    submission = make_submission(payer("Assignee Payer"))

    with pytest.raises(AssignmentRefused, match="is not an active CMS reviewer"):
        submission_assign(submission_ids=[submission.pk], assignee=person, actor=review_lead)


def test_a_batch_with_a_conflicted_organization_is_refused_whole(review_lead, reviewer):
    clean = make_submission(payer("Clean Payer"))
    conflicted_payer = payer("Conflicted Payer")
    conflicted = make_many(2, conflicted_payer)
    ConflictOfInterest.objects.create(reviewer=reviewer, organization=conflicted_payer, reason="Spouse works there")

    with pytest.raises(AssignmentRefused) as refused:
        submission_assign(submission_ids=[clean.pk, *[s.pk for s in conflicted]], assignee=reviewer, actor=review_lead)

    message = str(refused.value)
    assert "declared a conflict of interest with Conflicted Payer" in message
    assert all(s.tracking_number in message for s in conflicted)
    assert clean.tracking_number not in message
    assert "Nothing was assigned" in message
    assert Submission.objects.filter(assignee=reviewer).count() == 0
    assert SubmissionEvent.objects.filter(at__gt=BUILT_AT).count() == 0


@pytest.mark.parametrize("status", [SubmissionStatus.APPROVED, SubmissionStatus.REJECTED, SubmissionStatus.WITHDRAWN])
def test_decided_or_withdrawn_requests_are_not_assigned(review_lead, reviewer, status):
    open_one = make_submission(payer("Open Payer"))
    closed = make_submission(payer("Closed Payer"), status=status)

    with pytest.raises(AssignmentRefused, match=f"cannot be assigned: {closed.tracking_number}"):
        submission_assign(submission_ids=[open_one.pk, closed.pk], assignee=reviewer, actor=review_lead)
    assert refreshed(open_one).assignee is None


@pytest.mark.parametrize("ids", [[], [999999]])
def test_assigning_nothing_or_unknown_requests_is_refused(review_lead, reviewer, ids):
    with pytest.raises(AssignmentRefused):
        submission_assign(submission_ids=ids, assignee=reviewer, actor=review_lead)


def test_drafts_cannot_be_assigned(review_lead, reviewer):
    draft = make_submission(payer("Draft Payer"), status=SubmissionStatus.DRAFT)

    with pytest.raises(AssignmentRefused, match="no longer exist"):
        submission_assign(submission_ids=[draft.pk], assignee=reviewer, actor=review_lead)


# --- Claiming ---------------------------------------------------------------------------------


def test_a_reviewer_claims_an_unassigned_request_and_review_starts(reviewer):
    submission = make_submission(payer("Claim Payer"))

    claimed = submission_claim(submission_id=submission.pk, actor=reviewer)

    assert claimed.assignee == reviewer
    submission = refreshed(submission)
    assert (submission.assignee, submission.status) == (reviewer, SubmissionStatus.IN_REVIEW)
    assert [e.event_type for e in events(submission)] == ["claimed", "start_review"]
    assert events(submission, "claimed")[0].label == f"Claimed by a reviewer: {reviewer}"


def test_claiming_an_open_request_in_review_keeps_its_state(reviewer):
    submission = make_submission(
        payer("Unassigned In Review"), status=SubmissionStatus.INFORMATION_REQUESTED, unassigned=True
    )

    submission_claim(submission_id=submission.pk, actor=reviewer)

    assert refreshed(submission).status == SubmissionStatus.INFORMATION_REQUESTED
    assert [e.event_type for e in events(submission)] == ["claimed"]


def test_claiming_ones_own_request_again_is_a_no_op(reviewer):
    submission = make_submission(payer("Twice Payer"))
    submission_claim(submission_id=submission.pk, actor=reviewer)

    submission_claim(submission_id=submission.pk, actor=reviewer)

    assert len(events(submission, "claimed")) == 1


def test_claiming_an_assigned_request_is_refused_with_who_has_it(reviewer):
    holder = another_reviewer("Harper Holder")
    submission = make_submission(payer("Taken Payer"), status=SubmissionStatus.IN_REVIEW, assignee=holder)

    with pytest.raises(AssignmentRefused, match=f"Harper Holder already has {submission.tracking_number}"):
        submission_claim(submission_id=submission.pk, actor=reviewer)
    assert refreshed(submission).assignee == holder


@pytest.mark.parametrize(
    "role,message",
    [
        ("review_lead", "Review leads assign requests to reviewers"),
        ("program_admin", "Only CMS reviewers can claim"),
        ("payer_submitter", "Only CMS reviewers can claim"),
    ],
)
def test_only_reviewers_claim(request, role, message):
    submission = make_submission(payer("Lead Claim Payer"))

    with pytest.raises(AssignmentRefused, match=message):
        submission_claim(submission_id=submission.pk, actor=request.getfixturevalue(role))


@pytest.mark.parametrize("status", [SubmissionStatus.APPROVED, SubmissionStatus.WITHDRAWN, SubmissionStatus.DRAFT])
def test_closed_requests_and_drafts_cannot_be_claimed(reviewer, status):
    submission = make_submission(payer("Closed Claim Payer"), status=status)

    with pytest.raises(AssignmentRefused):
        submission_claim(submission_id=submission.pk, actor=reviewer)
    assert refreshed(submission).assignee != reviewer


def test_a_conflicted_reviewer_cannot_claim(reviewer):
    organization = payer("Claim Conflict Payer")
    submission = make_submission(organization)
    ConflictOfInterest.objects.create(reviewer=reviewer, organization=organization, reason="Board member")

    with pytest.raises(AssignmentRefused, match="conflict of interest"):
        submission_claim(submission_id=submission.pk, actor=reviewer)
    assert refreshed(submission).assignee is None


# --- Conflicts of interest --------------------------------------------------------------------


def test_declaring_a_conflict_unassigns_the_reviewer_from_that_organizations_open_requests(reviewer):
    organization = payer("Recusal Payer")
    here = make_submission(organization, status=SubmissionStatus.IN_REVIEW, assignee=reviewer)
    sibling = make_submission(organization, status=SubmissionStatus.INFORMATION_REQUESTED, assignee=reviewer)
    decided = make_submission(organization, status=SubmissionStatus.APPROVED, assignee=reviewer)
    someone_elses = make_submission(organization, status=SubmissionStatus.IN_REVIEW, assignee=another_reviewer())
    elsewhere = make_submission(payer("Unrelated Payer"), status=SubmissionStatus.IN_REVIEW, assignee=reviewer)

    declared = conflict_declare(reviewer=reviewer, submission=here, reason="I consulted for them in 2025.")

    assert declared.created
    assert {s.pk for s in declared.unassigned} == {here.pk, sibling.pk}
    assert refreshed(here).assignee is None and refreshed(sibling).assignee is None
    assert refreshed(here).status == SubmissionStatus.IN_REVIEW
    assert refreshed(decided).assignee == reviewer
    assert refreshed(someone_elses).assignee != reviewer
    assert refreshed(elsewhere).assignee == reviewer
    conflict = ConflictOfInterest.objects.get(reviewer=reviewer, organization=organization)
    assert (conflict.submission, conflict.reason) == (here, "I consulted for them in 2025.")
    [declared_event] = events(here, "conflict_declared")
    assert declared_event.visibility == "staff" and declared_event.reason == "I consulted for them in 2025."
    assert len(events(here, "unassigned")) == 1 and len(events(sibling, "unassigned")) == 1
    assert events(elsewhere) == []


def test_after_declaring_nobody_can_assign_that_organization_to_the_reviewer(review_lead, reviewer):
    organization = payer("Later Payer")
    submission = make_submission(organization)
    conflict_declare(reviewer=reviewer, submission=submission, reason="Former employer")
    later = make_submission(organization)

    with pytest.raises(AssignmentRefused, match="conflict of interest"):
        submission_assign(submission_ids=[later.pk], assignee=reviewer, actor=review_lead)
    with pytest.raises(AssignmentRefused, match="conflict of interest"):
        submission_claim(submission_id=later.pk, actor=reviewer)


def test_declaring_the_same_conflict_twice_keeps_one(reviewer):
    organization = payer("Twice Conflict Payer")
    first, second = make_many(2, organization)
    conflict_declare(reviewer=reviewer, submission=first, reason="Reason one")

    again = conflict_declare(reviewer=reviewer, submission=second, reason="Reason two")

    assert not again.created
    assert ConflictOfInterest.objects.filter(reviewer=reviewer).count() == 1
    assert events(second) == []


def test_a_conflict_needs_a_reason(reviewer):
    submission = make_submission(payer("No Reason Payer"))

    with pytest.raises(AssignmentRefused, match="Give the reason"):
        conflict_declare(reviewer=reviewer, submission=submission, reason="   ")
    assert not ConflictOfInterest.objects.exists()


@pytest.mark.parametrize("role", ["program_admin", "payer_submitter"])
def test_only_review_staff_declare_conflicts(request, role):
    submission = make_submission(payer("Staff Only Payer"))

    with pytest.raises(AssignmentRefused, match="Only CMS reviewers and review leads"):
        conflict_declare(reviewer=request.getfixturevalue(role), submission=submission, reason="x")


# --- Through the pages ------------------------------------------------------------------------


def test_the_assign_form_assigns_the_ticked_rows_and_returns_to_the_same_view(client, review_lead, reviewer):
    ticked = make_many(2, payer("Form Payer"))
    untouched = make_submission(payer("Untouched Payer"))
    sign_in(client, review_lead)
    back = f"{QUEUE_URL}?unassigned=on&sort=-due&page=1"

    response = client.post(
        ASSIGN_URL, {"submissions": [s.pk for s in ticked], "assignee": reviewer.pk, "next": back}, follow=True
    )

    assertRedirects(response, back)
    assertContains(response, f"Assigned 2 requests to {reviewer}.")
    assert all(refreshed(s).assignee == reviewer for s in ticked)
    assert refreshed(untouched).assignee is None


@pytest.mark.parametrize(
    "data,message",
    [
        ({"assignee": "REVIEWER"}, "Tick at least one request to assign."),
        ({"submissions": ["SUBMISSION"]}, "Choose the reviewer to assign them to."),
        ({"submissions": ["x"], "assignee": "REVIEWER"}, "were not understood"),
        ({"submissions": ["SUBMISSION"], "assignee": "LEAD"}, "Select a valid choice"),
    ],
)
def test_the_assign_form_explains_what_is_missing(client, review_lead, reviewer, data, message):
    submission = make_submission(payer("Missing Payer"))
    sign_in(client, review_lead)
    values = {"REVIEWER": reviewer.pk, "SUBMISSION": submission.pk, "LEAD": review_lead.pk}
    data = {
        key: [values.get(v, v) for v in value] if isinstance(value, list) else values[value]
        for key, value in data.items()
    }

    response = client.post(ASSIGN_URL, data, follow=True)

    assertContains(response, message)
    assert refreshed(submission).assignee is None


def test_the_assign_form_reports_a_conflict(client, review_lead, reviewer):
    organization = payer("Page Conflict Payer")
    submission = make_submission(organization)
    ConflictOfInterest.objects.create(reviewer=reviewer, organization=organization, reason="x")
    sign_in(client, review_lead)

    response = client.post(ASSIGN_URL, {"submissions": [submission.pk], "assignee": reviewer.pk}, follow=True)

    assertContains(response, "declared a conflict of interest with Page Conflict Payer")
    assert refreshed(submission).assignee is None


def test_a_foreign_next_address_is_not_followed(client, review_lead, reviewer):
    submission = make_submission(payer("Next Payer"))
    sign_in(client, review_lead)

    response = client.post(
        ASSIGN_URL, {"submissions": [submission.pk], "assignee": reviewer.pk, "next": "https://evil.example/review/"}
    )

    assert response["Location"] == QUEUE_URL


def test_the_claim_button_claims_and_says_so(client, reviewer):
    submission = make_submission(payer("Button Payer"))
    sign_in(client, reviewer)

    response = client.post(f"/review/requests/{submission.pk}/claim/", {"next": f"{QUEUE_URL}?mine=on"}, follow=True)

    assertRedirects(response, f"{QUEUE_URL}?mine=on")
    assertContains(response, f"{submission.tracking_number} is assigned to you.")
    assert submission.tracking_number in [row.tracking_number for row in response.context["rows"]]


def test_the_claim_button_on_a_taken_request_explains(client, reviewer):
    submission = make_submission(payer("Taken Button Payer"), assignee=another_reviewer("Harper Holder"))
    sign_in(client, reviewer)

    response = client.post(f"/review/requests/{submission.pk}/claim/", follow=True)

    assertContains(response, "Harper Holder already has")


def test_the_conflict_page_declares_and_recuses(client, reviewer):
    organization = payer("Page Recusal Payer")
    submission = make_submission(organization, status=SubmissionStatus.IN_REVIEW, assignee=reviewer)
    sign_in(client, reviewer)
    url = f"/review/requests/{submission.pk}/conflict/"

    page = client.get(url)
    refused = client.post(url, {"reason": ""})
    response = client.post(url, {"reason": "My sister runs their network.", "confirm": "on"}, follow=True)

    assertContains(page, "<h1>Declare a conflict of interest</h1>", html=True)
    assertContains(refused, "Describe the conflict of interest.")
    assertRedirects(response, QUEUE_URL)
    assertContains(response, "You are recused from every request of Page Recusal Payer. 1 of them went back")
    assert refreshed(submission).assignee is None
    assertContains(
        client.get(url),
        "You declared a conflict of interest with the organization that filed this request",
        status_code=403,
    )


def test_the_conflict_url_name_is_stable_for_the_detail_page():
    from django.urls import reverse

    assert reverse("determinations:conflict_declare", args=[7]) == "/review/requests/7/conflict/"


# --- Two reviewers at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_claiming_at_once_have_exactly_one_winner():
    if connection.vendor != "postgresql":
        skip_or_fail("The claim race needs PostgreSQL row locks (set DATABASE_URL)")
    first, second = another_reviewer("First Claimer"), another_reviewer("Second Claimer")
    submission = make_submission(payer("Race Payer"))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def claim(reviewer):
        try:
            barrier.wait(timeout=10)
            submission_claim(submission_id=submission.pk, actor=reviewer)
            outcomes[reviewer.full_name] = "won"
        except AssignmentRefused as refused:
            outcomes[reviewer.full_name] = str(refused)
        finally:
            close_old_connections()
            connection.close()

    for _ in range(5):
        threads = [threading.Thread(target=claim, args=(r,)) for r in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        winners = [name for name, outcome in outcomes.items() if outcome == "won"]
        assert len(winners) == 1, outcomes
        loser = ({"First Claimer", "Second Claimer"} - set(winners)).pop()
        assert f"{winners[0]} already has {submission.tracking_number}" in outcomes[loser]
        submission = refreshed(submission)
        assert submission.assignee.full_name == winners[0]
        assert SubmissionEvent.objects.filter(submission=submission, event_type="claimed").count() == 1
        assert SubmissionEvent.objects.filter(submission=submission, event_type="start_review").count() == 1
        submission = make_submission(payer("Race Payer Again"))
        outcomes.clear()
