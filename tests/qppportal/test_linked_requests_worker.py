"""Applying a payer's determination to the clinicians' requests linked to it, on real Celery workers
(two at once), the test's own Redis and the test PostgreSQL database: deciding the payer's request
starts the job, and each linked request ends with exactly one determination, one event and one
decision e-mail per member, with the progress equal to the work done."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import OrganizationKind
from determinations.models import Determination, SubmissionEvent
from determinations.services import linked_requests, review
from determinations.states import SubmissionStatus
from jobs import selectors
from jobs.models import Job, JobStatus
from messaging.models import Message
from tests.factories import SubmissionFactory, UserFactory, organization_member
from tests.jobs.support import request_copies

from .processes import celery_env, celery_worker, publishing_to, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

LINKED = 30


@pytest.fixture
def linked(tmp_path, settings):
    """A State Medicaid agency's request recommended for approval, with 30 APM Entities' requests linked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0)
    reviewer = UserFactory(staff_role="reviewer")
    payer = organization_member(OrganizationKind.PAYER, "medicaid", "Test State Medicaid Agency")
    payer_request = SubmissionFactory(member=payer, state=SubmissionStatus.RECOMMENDED, reviewer=reviewer)
    clinician = organization_member(OrganizationKind.APM_ENTITY, name="Test ACO")
    first = SubmissionFactory(member=clinician, payer_type="medicaid", name="State Medicaid ACO Program")
    requests = [first.pk, *request_copies(first, LINKED - 1)]
    result = linked_requests.requests_link(payer_request_id=payer_request.pk, request_ids=requests, actor=reviewer)
    assert len(result.linked) == LINKED
    return payer_request, requests


@pytest.fixture
def worker_env(own_redis, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    return celery_env(mail_dir=mail_dir, broker_url=own_redis.url())


def test_deciding_the_payers_request_applies_it_to_each_linked_request_once_on_two_workers(
    linked, worker_env, own_redis
):
    payer_request, requests = linked
    lead = UserFactory(staff_role="review_lead")
    with publishing_to(own_redis.url()):
        review.decision_make(submission_id=payer_request.pk, actor=lead, decision="approve")
        job = Job.objects.get(kind="apply_payer_determination")
        workers = [celery_worker(worker_env, name=f"w{n}") for n in (1, 2)]
        try:
            wait_for(lambda: not Job.objects.get(pk=job.pk).is_running, "the job to finish", timeout=300)
        finally:
            for worker in workers:
                print(stop(worker))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    source = Determination.objects.get(submission=payer_request)
    applied = dict(
        Determination.objects.filter(applied_from=source)
        .values_list("submission_id")
        .annotate(n=Count("pk"))
        .values_list("submission_id", "n")
    )
    assert sorted(applied) == sorted(requests) and set(applied.values()) == {1}
    events = SubmissionEvent.objects.filter(event_type="apply_payer_approval", submission_id__in=requests)
    assert events.count() == LINKED and set(events.values_list("payload__job", flat=True)) == {job.pk}
    decisions = Message.objects.filter(kind="determination_decision", object_id__in=applied_ids(source))
    assert decisions.count() == LINKED  # one member per organization, one message each
    progress = selectors.job_progress(job)
    assert progress["processed"] == progress["done"] == LINKED and progress["percent"] == 100


def applied_ids(source) -> list[int]:
    return list(Determination.objects.filter(applied_from=source).values_list("pk", flat=True))
