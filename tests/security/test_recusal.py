"""A declared conflict of interest covers every view and action on the organization's requests
(finding 3 of the 2026-11-30 probe): the recused person is refused with the reason, the queue does
not list the requests, and nothing they try is saved."""

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from determinations import permissions
from determinations.models import ConflictOfInterest, InternalNote, Submission
from determinations.permissions import Code
from determinations.services import review
from determinations.states import SubmissionStatus
from determinations.workflow import TransitionRefused
from tests.factories import SubmissionFactory, UserFactory
from tests.support import sign_in

pytestmark = pytest.mark.django_db

RECUSED_TEXT = "You declared a conflict of interest with the organization that filed this request"


@pytest.fixture
def approved(reference_data, clock, payer, reviewer, review_lead):
    return SubmissionFactory(member=payer, state=SubmissionStatus.APPROVED, reviewer=reviewer, lead=review_lead)


@pytest.fixture
def recused_reviewer(approved):
    person = UserFactory(staff_role=StaffRole.REVIEWER, full_name="Rita Recused")
    ConflictOfInterest.objects.create(reviewer=person, organization=approved.organization, reason="Former employer")
    return person


@pytest.fixture
def recused_lead(approved, second_lead):
    ConflictOfInterest.objects.create(reviewer=second_lead, organization=approved.organization, reason="Board seat")
    return second_lead


def test_a_recused_person_may_not_view_or_act_on_the_request(approved, recused_reviewer, recused_lead):
    for person in (recused_reviewer, recused_lead):
        assert permissions.can_view_submission(person, approved).code is Code.RECUSED
        assert permissions.can_download_document(person, approved).code is Code.RECUSED
        assert permissions.can_add_internal_note(person, approved).code is Code.RECUSED
        assert permissions.is_lead(recused_lead, approved).code is Code.RECUSED
        assert permissions.is_reviewer(person, approved).code is Code.RECUSED


@pytest.mark.parametrize(
    "name,who",
    [
        ("determinations:review_detail", ("recused_reviewer", "recused_lead")),
        ("determinations:submission_detail", ("recused_reviewer", "recused_lead")),
        ("determinations:submission_receipt", ("recused_reviewer", "recused_lead")),
        ("determinations:conflict_declare", ("recused_reviewer", "recused_lead")),
        ("determinations:review_decide", ("recused_lead",)),
        ("determinations:review_reopen", ("recused_lead",)),
    ],
)
def test_recused_pages_answer_403_with_the_reason(client, approved, name, who, request):
    for person in map(request.getfixturevalue, who):
        sign_in(client, person)
        response = client.get(reverse(name, args=[approved.pk]))
        assert response.status_code == 403, (person, name)
        body = response.content.decode()
        assert RECUSED_TEXT in body
        assert approved.tracking_number not in body and approved.arrangement_name not in body


def test_a_recused_reviewer_cannot_download_documents_or_letters(client, approved, recused_reviewer):
    sign_in(client, recused_reviewer)
    document = approved.documents.first()
    determination = approved.determinations.first()
    urls = [
        reverse("determinations:document_download", args=[approved.pk, document.pk]),
        reverse("determinations:determination_letter", args=[approved.pk, determination.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        assert RECUSED_TEXT in response.content.decode()


def test_a_recused_reviewer_cannot_add_notes(client, approved, recused_reviewer):
    sign_in(client, recused_reviewer)
    response = client.post(reverse("determinations:review_note_add", args=[approved.pk]), {"note-text": "Looks fine"})
    assert response.status_code == 403
    assert not InternalNote.objects.filter(submission=approved).exists()
    with pytest.raises(TransitionRefused) as refused:
        review.internal_note_add(submission_id=approved.pk, actor=recused_reviewer, text="Looks fine")
    assert refused.value.code is Code.RECUSED


def test_a_recused_lead_cannot_reopen_the_decision(client, approved, recused_lead):
    sign_in(client, recused_lead)
    response = client.post(reverse("determinations:review_reopen", args=[approved.pk]), {"reason": "Amended"})
    assert response.status_code == 403
    assert Submission.objects.get(pk=approved.pk).status == SubmissionStatus.APPROVED
    with pytest.raises(TransitionRefused) as refused:
        review.decision_reopen(submission_id=approved.pk, actor=recused_lead, reason="Amended")
    assert refused.value.code is Code.RECUSED
    assert Submission.objects.get(pk=approved.pk).status == SubmissionStatus.APPROVED


def test_the_queue_and_its_export_leave_out_the_recused_organization(
    client, reference_data, clock, payer, recused_reviewer, approved
):
    open_request = SubmissionFactory(member=payer, state=SubmissionStatus.SUBMITTED, name="Open Shared Risk")
    sign_in(client, recused_reviewer)
    queue = client.get(reverse("accounts:reviewer_home"), {"status": "all"})
    assert queue.status_code == 200
    assert open_request.tracking_number not in queue.content.decode()
    export = client.get(reverse("determinations:review_queue_export"), {"status": "all"})
    assert open_request.tracking_number not in b"".join(export.streaming_content).decode()
