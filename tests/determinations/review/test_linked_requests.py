"""A Payer Initiated determination applied to the Eligible Clinician Initiated requests a reviewer
linked to it: linking (with what cannot be linked, and why), the job that gives each linked request
its own determination, letter and decision e-mail through the workflow table, once each."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import OrganizationKind
from determinations.models import Determination, SubmissionEvent
from determinations.selectors.public_list import published_determinations
from determinations.services import linked_requests, review
from determinations.services.letters import determination_letter_file
from determinations.states import SubmissionStatus
from determinations.workflow import transition_apply
from jobs import services as jobs
from jobs.models import ItemStatus, Job, JobStatus
from messaging.models import Message
from messaging.services import messages_dispatch
from tests.factories import SubmissionFactory, organization_member
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def payer_request(reference_data, clock, medicaid_payer, reviewer):
    """The State Medicaid agency's request for 2027, recommended for approval."""
    return SubmissionFactory(member=medicaid_payer, state=SubmissionStatus.RECOMMENDED, reviewer=reviewer)


@pytest.fixture
def clinician_requests(reference_data, clock, apm_entity_user):
    """Two APM Entities' pending requests for the same Medicaid arrangement (2027)."""
    other = organization_member(OrganizationKind.APM_ENTITY, name="Second ACO")
    return [
        SubmissionFactory(member=apm_entity_user, payer_type="medicaid", name="State Medicaid ACO Program"),
        SubmissionFactory(member=other, payer_type="medicaid", name="Medicaid ACO", state=SubmissionStatus.IN_REVIEW),
    ]


def link(payer_request, requests, actor):
    return linked_requests.requests_link(
        payer_request_id=payer_request.pk, request_ids=[r.pk for r in requests], actor=actor
    )


def test_a_reviewer_links_pending_clinician_requests_and_each_link_is_recorded(
    payer_request, clinician_requests, reviewer
):
    result = link(payer_request, clinician_requests, reviewer)

    assert [r.pk for r in result.linked] == [r.pk for r in clinician_requests] and result.refused == []
    assert result.job is None  # not decided yet: the job starts with the decision
    for request in clinician_requests:
        request.refresh_from_db()
        assert request.payer_request_id == payer_request.pk
        event = SubmissionEvent.objects.get(submission=request, event_type="linked_to_payer_request")
        assert event.actor == reviewer and event.payload["payer_request"] == payer_request.pk
    assert SubmissionEvent.objects.filter(submission=payer_request, event_type="clinician_request_linked").count() == 2
    again = link(payer_request, clinician_requests[:1], reviewer)
    assert again.linked == [] and again.refused == [f"{clinician_requests[0]} is already linked to this request."]


def test_what_cannot_be_linked_is_refused_with_why(payer_request, reference_data, clock, apm_entity_user, reviewer):
    withdrawn = SubmissionFactory(member=apm_entity_user, payer_type="medicaid", state=SubmissionStatus.WITHDRAWN)
    commercial = SubmissionFactory(member=apm_entity_user, payer_type="other_payer", name="Commercial ACO")
    later = SubmissionFactory(member=apm_entity_user, payer_type="medicaid", year=2028, name="Later ACO")
    other_payer = SubmissionFactory(member=organization_member(OrganizationKind.PAYER, "medicaid", "Other State"))

    result = link(payer_request, [withdrawn, commercial, later, other_payer], reviewer)

    assert result.linked == []
    assert result.refused == [
        f"{withdrawn} is withdrawn, so there is no pending request to decide.",
        f"{commercial} is about a remaining other payer (commercial or private) arrangement, this request a "
        "state medicaid agency one: they cannot be the same arrangement.",
        f"{later} asks for 2028; this request covers 2027, none of those.",
        f"{other_payer} is a Payer Initiated request; only Eligible Clinician Initiated requests are linked.",
    ]
    assert not SubmissionEvent.objects.filter(event_type="linked_to_payer_request").exists()
    with pytest.raises(linked_requests.LinkRefused, match="Clinicians' requests are linked to a Payer Initiated"):
        linked_requests.requests_link(payer_request_id=commercial.pk, request_ids=[later.pk], actor=reviewer)


def test_deciding_the_payers_request_applies_its_determination_to_each_linked_request_once(
    payer_request, clinician_requests, reviewer, review_lead, django_capture_on_commit_callbacks
):
    link(payer_request, clinician_requests, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        review.decision_make(submission_id=payer_request.pk, actor=review_lead, decision="approve")

    source = Determination.objects.get(submission=payer_request)
    job = Job.objects.get(kind="apply_payer_determination")
    assert job.parameters == {"determination": source.pk} and job.created_by == review_lead
    assert (job.status, job.total_items) == (JobStatus.SUCCEEDED, 2)
    for request in clinician_requests:
        request.refresh_from_db()
        assert request.status == SubmissionStatus.APPROVED
        applied = Determination.objects.get(submission=request)
        assert (applied.applied_from, applied.outcome) == (source, "approved")
        assert (applied.first_year, applied.last_year) == (2027, 2027)
        assert applied.decided_by == review_lead and applied.reasons == source.reasons
        event = SubmissionEvent.objects.get(submission=request, event_type="apply_payer_approval")
        assert (event.to_state, event.visibility, event.actor) == ("approved", "public", review_lead)
        assert event.payload["payer_determination"] == source.pk and event.payload["job"] == job.pk
        assert Message.objects.filter(kind="determination_decision", object_id=applied.pk).count() == 1
        assert b"%PDF" in determination_letter_file(determination_id=applied.pk).read()[:8]
    # Idempotent per item: running the chunk again, or the item itself, adds nothing.
    assert jobs.job_chunk_run(job_id=job.pk, chunk=0) == 0
    again = linked_requests.payer_determination_apply(
        determination_id=source.pk, submission_id=clinician_requests[0].pk, job_id=job.pk
    )
    assert again["determination"] == Determination.objects.get(submission=clinician_requests[0]).pk
    assert Determination.objects.filter(applied_from=source).count() == 2
    # The public list names the arrangement once, as the payer's.
    assert list(published_determinations(year=2027).values_list("pk", flat=True)) == [source.pk]
    messages_dispatch()
    decisions = [m for m in mail.outbox if m.subject.startswith("Decision:")]
    assert len(decisions) == 3 and all("letter.pdf" in m.body for m in decisions)


def test_a_request_linked_after_the_decision_gets_it_at_once_and_a_rejection_applies_too(
    reference_data, clock, medicaid_payer, clinician_requests, reviewer, review_lead, django_capture_on_commit_callbacks
):
    payer_request = SubmissionFactory(
        member=medicaid_payer, state=SubmissionStatus.REJECTED, reviewer=reviewer, lead=review_lead
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = link(payer_request, clinician_requests[:1], reviewer)
    assert result.job is not None
    request = clinician_requests[0]
    request.refresh_from_db()
    applied = Determination.objects.get(submission=request)
    assert request.status == SubmissionStatus.REJECTED and applied.outcome == "rejected"
    assert SubmissionEvent.objects.filter(submission=request, event_type="apply_payer_rejection").exists()
    assert Job.objects.get(pk=result.job.pk).status == JobStatus.SUCCEEDED
    with django_capture_on_commit_callbacks(execute=True):
        second = link(payer_request, clinician_requests[1:], reviewer)
    # Each link's job is about the requests it linked, none already decided by an earlier one.
    assert second.job.parameters["requests"] == [clinician_requests[1].pk] and second.job.total_items == 1
    assert Determination.objects.filter(applied_from__submission=payer_request).count() == 2


def test_a_linked_request_that_can_no_longer_take_the_decision_fails_its_item_with_why(
    payer_request, clinician_requests, reviewer, review_lead, apm_entity_user
):
    link(payer_request, clinician_requests, reviewer)
    review.decision_make(submission_id=payer_request.pk, actor=review_lead, decision="approve")
    job = Job.objects.get(kind="apply_payer_determination")  # queued, not yet run
    transition_apply(submission_id=clinician_requests[0].pk, name="withdraw", actor=apm_entity_user)

    jobs.job_chunk_run(job_id=job.pk, chunk=0)

    job.refresh_from_db()
    failed = job.items.get(status=ItemStatus.FAILED)
    assert failed.key == str(clinician_requests[0].pk)
    assert failed.error.startswith("LinkRefused: This request is withdrawn")
    assert failed.error.endswith("so you cannot apply the payer's approval now.")
    assert job.status == JobStatus.FINISHED_WITH_FAILURES
    assert Determination.objects.filter(submission=clinician_requests[1], applied_from__isnull=False).exists()


def test_the_review_page_links_by_search_and_select_and_removes_a_link(
    client, payer_request, clinician_requests, reviewer
):
    sign_in(client, reviewer)
    page = client.get(reverse("determinations:review_detail", args=[payer_request.pk]))
    assert page.status_code == 200 and "Link clinicians' requests" in page.content.decode()

    url = reverse("determinations:requests_link", args=[payer_request.pk])
    found = client.get(url, {"q": clinician_requests[1].tracking_number})
    assert [c.pk for c, problem in found.context["candidates"]] == [clinician_requests[1].pk]
    response = client.post(url, {"requests": [str(r.pk) for r in clinician_requests]})
    assert response.status_code == 302
    page = client.get(reverse("determinations:review_detail", args=[payer_request.pk]))
    text = page.content.decode()
    assert all(r.tracking_number in text for r in clinician_requests)

    refused = client.post(url, {"requests": [str(clinician_requests[0].pk)]}, follow=True)
    assert "is already linked to this request" in refused.content.decode()
    unlink = reverse("determinations:request_unlink", args=[payer_request.pk, clinician_requests[0].pk])
    client.post(unlink)
    clinician_requests[0].refresh_from_db()
    assert clinician_requests[0].payer_request_id is None
    assert SubmissionEvent.objects.filter(
        submission=clinician_requests[0], event_type="unlinked_from_payer_request", actor=reviewer
    ).exists()
    linked = client.get(reverse("determinations:review_detail", args=[clinician_requests[1].pk]))
    assert "Linked to the Payer Initiated request" in linked.content.decode()


def test_program_admins_do_not_link(client, payer_request, clinician_requests, program_admin):
    sign_in(client, program_admin)
    response = client.post(
        reverse("determinations:requests_link", args=[payer_request.pk]), {"requests": [str(clinician_requests[0].pk)]}
    )
    assert response.status_code == 403
    clinician_requests[0].refresh_from_db()
    assert clinician_requests[0].payer_request_id is None


def test_the_job_runs_from_manage_py_and_from_the_jobs_page(
    client, payer_request, clinician_requests, reviewer, review_lead, program_admin
):
    link(payer_request, clinician_requests, reviewer)
    review.decision_make(submission_id=payer_request.pk, actor=review_lead, decision="approve")  # chunks not run
    source = Determination.objects.get(submission=payer_request)
    sign_in(client, program_admin)
    form = client.get(reverse("jobs:job_start", args=["apply_payer_determination"])).content.decode()
    assert f'value="{source.pk}"' in form and payer_request.tracking_number in form

    out = io.StringIO()
    call_command("run_job", "apply_payer_determination", f"determination={source.pk}", "--here", stdout=out)

    assert "2/2 processed, 0 failed: Finished" in out.getvalue()
    for request in clinician_requests:
        request.refresh_from_db()
        assert request.status == SubmissionStatus.APPROVED
    with pytest.raises(CommandError, match="determination: Select a valid choice"):
        call_command("run_job", "apply_payer_determination", "determination=999999", "--here", stdout=out)
