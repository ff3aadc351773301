"""Batch jobs in one process: started from the page or the command, chunked, each item once,
failures listed with why, progress counted from the items, results as a safe CSV, cancel, and
the sweeper that resumes a stalled job and tells program admins."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from determinations.models import CriterionResult, PerformanceYear, Submission, SubmissionEvent
from determinations.services import rechecks
from jobs import services, tasks
from jobs.kinds import KINDS, JobKind
from jobs.messages import job_stalled_queue
from jobs.models import ItemStatus, Job, JobItem, JobStatus
from messaging.models import Message
from messaging.services import messages_dispatch
from tests.factories import submissions as support
from tests.support import sign_in

from .support import request_copies

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_requests(reference_data, clock, media, payer, reviewer):
    first = support.review_started(support.submitted_request(payer, name="=HYPERLINK(evil)"), reviewer)
    return [first.pk, *request_copies(first, 11)]


def test_a_program_admin_starts_a_recheck_and_sees_what_changed(
    client, program_admin, open_requests, django_capture_on_commit_callbacks, settings
):
    settings.JOB_CHUNK_SIZE = 5
    outdated = open_requests[3]
    CriterionResult.objects.filter(submission_id=outdated, criterion="cehrt").update(automatic_outcome="does_not_meet")
    sign_in(client, program_admin)
    assert "Re-check a year&#x27;s open requests" in client.get(reverse("jobs:job_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:job_start", args=["recheck_year"]), {"year": "2027"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.total_items, job.chunk_count, job.status) == (12, 3, JobStatus.SUCCEEDED)

    progress = client.get(reverse("jobs:job_progress", args=[job.pk])).json()
    assert progress["failures"] == []
    assert (progress["processed"], progress["total"], progress["percent"], progress["finished"]) == (12, 12, 100, True)
    for pk in open_requests:  # each request re-checked exactly once, by this job
        events = SubmissionEvent.objects.filter(submission_id=pk, event_type="criteria_rechecked")
        assert [event.payload["job"] for event in events] == [job.pk]
    assert CriterionResult.objects.get(submission_id=outdated, criterion="cehrt").automatic_outcome == "meets"

    csv = b"".join(client.get(reverse("jobs:job_results", args=[job.pk])).streaming_content).decode()
    lines = csv.splitlines()
    assert lines[0] == "item,status,error,tracking_number,arrangement,changed,before,after"
    changed = [line for line in lines[1:] if ",cehrt," in line]
    assert len(changed) == 1 and changed[0].startswith(f"{outdated},done,")
    assert "cehrt=does_not_meet" in changed[0] and "cehrt=meets" in changed[0]
    assert "'=HYPERLINK(evil)" in csv and ",=HYPERLINK" not in csv

    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert 'value="12"' in page and "js/job-progress.js" in page and "<script>" not in page


def test_a_failed_item_is_listed_with_why_and_the_job_finishes(client, program_admin, open_requests):
    job = services.job_start(kind="recheck_year", parameters={"year": 2027}, queue=False, chunk_size=50)
    JobItem.objects.create(job=job, key="987654321", chunk=0)
    Job.objects.filter(pk=job.pk).update(total_items=13)
    assert services.job_chunk_run(job_id=job.pk, chunk=0) == 13
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED_WITH_FAILURES
    failed = JobItem.objects.get(status=ItemStatus.FAILED)
    assert failed.key == "987654321" and failed.error.startswith("DoesNotExist: Submission matching query")
    sign_in(client, program_admin)
    progress = client.get(reverse("jobs:job_progress", args=[job.pk])).json()
    assert (progress["done"], progress["failed"], progress["percent"]) == (12, 1, 100)
    assert progress["failures"] == [{"item": "987654321", "error": failed.error}]
    assert "987654321" in client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()


def test_a_cancelled_job_does_no_more_items_and_says_so_when_cancelled_again(client, program_admin, open_requests):
    job = services.job_start(kind="recheck_year", parameters={"year": 2027}, queue=False, chunk_size=5)
    services.job_chunk_run(job_id=job.pk, chunk=0)
    sign_in(client, program_admin)
    client.post(reverse("jobs:job_cancel", args=[job.pk]))
    assert services.job_chunk_run(job_id=job.pk, chunk=1) == 0
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.cancelled_by == program_admin
    again = client.post(reverse("jobs:job_cancel", args=[job.pk]), follow=True).content.decode()
    assert "This job is already cancelled." in again
    assert client.get(reverse("jobs:job_progress", args=[job.pk])).json()["processed"] == 5


def test_a_stalled_job_is_resumed_and_program_admins_are_told_once(program_admin, open_requests):
    job = services.job_start(kind="recheck_year", parameters={"year": 2027}, queue=False, chunk_size=5)
    services.job_chunk_run(job_id=job.pk, chunk=0)  # then its worker died
    later = timezone.now() + datetime.timedelta(minutes=20)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    JobItem.objects.filter(job=job, status=ItemStatus.DONE).update(
        finished_at=timezone.now() - datetime.timedelta(minutes=25)
    )

    assert services.jobs_sweep_stalled(now=later) == [job.pk]  # eager here: the resumed chunks run at once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.stalled_at == later
    assert Message.objects.filter(kind="job_stalled", recipient=program_admin.email).count() == 1
    assert services.jobs_sweep_stalled(now=later) == []
    result = messages_dispatch()
    assert result.not_due == 1  # it finished before the e-mail went: not owed any more
    assert not [m for m in mail.outbox if "stopped making progress" in m.subject]


def test_the_stalled_e_mail_tells_what_is_stuck(program_admin, open_requests):
    job = services.job_start(kind="recheck_year", parameters={"year": 2027}, queue=False, chunk_size=5)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    job.refresh_from_db()
    job.stalled_at = timezone.now()
    job.save()

    job_stalled_queue(job)
    messages_dispatch()
    stalled = [m for m in mail.outbox if "stopped making progress" in m.subject]
    assert len(stalled) == 1 and stalled[0].to == [program_admin.email]
    assert "0 of 12 items" in stalled[0].body and f"/program/jobs/{job.pk}/" in stalled[0].body


def test_run_job_runs_here_without_a_worker_and_checks_its_parameters(open_requests):
    out = io.StringIO()
    call_command("run_job", "recheck_year", "year=2027", "--here", stdout=out)
    assert "started with 12 items" in out.getvalue() and "12/12 processed, 0 failed: Finished" in out.getvalue()
    with pytest.raises(Exception, match="Invalid parameters: year: Select a valid choice"):
        call_command("run_job", "recheck_year", "year=1999", "--here")


def test_jobs_pages_are_for_program_admins_only(client, reviewer, review_lead, payer_submitter):
    job = Job.objects.create(kind="recheck_year", created_at=timezone.now())
    for user in (reviewer, review_lead, payer_submitter):
        sign_in(client, user)
        for url in (reverse("jobs:job_list"), reverse("jobs:job_detail", args=[job.pk])):
            assert client.get(url).status_code == 403
        assert client.post(reverse("jobs:job_cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_bad_period_is_refused_on_the_form(client, program_admin):
    sign_in(client, program_admin)
    response = client.post(
        reverse("jobs:job_start", args=["letters_reissue"]), {"decided_from": "2026-05-01", "decided_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "The end of the period must be on or after its start." in response.content.decode()
    assert not Job.objects.exists()


@pytest.fixture
def multi_year_approval(reference_data, clock, media, payer, reviewer, review_lead):
    submission = support.review_started(support.submitted_request(payer, years=2), reviewer)
    support.approved(submission, reviewer, review_lead)
    return submission.determinations.get()


def test_multi_year_determinations_are_retested_against_the_later_years_rules(multi_year_approval):
    assert (multi_year_approval.first_year, multi_year_approval.last_year) == (2027, 2028)
    assert PerformanceYear.objects.filter(year=2028).exists()  # the reference data carries 2028 (provisional)
    job = services.job_start(kind="retest_multi_year", parameters={"year": 2028}, queue=False)
    services.job_chunk_run(job_id=job.pk, chunk=0)
    item = JobItem.objects.get(job=job)
    assert item.status == ItemStatus.DONE and item.key == str(multi_year_approval.pk)
    assert item.result["retested_for"] == 2028 and item.result["years"] == "2027-2028"
    assert item.result["still_meets"] in {"yes", "no"} and "cehrt=" in item.result["outcomes"]
    event = SubmissionEvent.objects.get(event_type="multi_year_retested")
    assert event.payload["job"] == job.pk and event.payload["year"] == 2028
    single_year = services.job_start(kind="retest_multi_year", parameters={"year": 2027}, queue=False)
    assert single_year.total_items == 0 and single_year.status == JobStatus.SUCCEEDED  # 2027 is its first year


def test_letters_of_a_period_are_regenerated_and_re_sent_once_per_job(multi_year_approval, payer):
    messages_dispatch()  # the decision itself
    first_letter = multi_year_approval.letter.name
    job = services.job_start(
        kind="letters_reissue", parameters={"decided_from": "2026-03-01", "decided_to": "2026-03-31"}, queue=False
    )
    outside = services.job_start(
        kind="letters_reissue", parameters={"decided_from": "2026-04-01", "decided_to": "2026-04-30"}, queue=False
    )
    assert (job.total_items, outside.total_items) == (1, 0)
    services.job_chunk_run(job_id=job.pk, chunk=0)
    multi_year_approval.refresh_from_db()
    assert multi_year_approval.letter.name != first_letter
    assert multi_year_approval.letter.read().startswith(b"%PDF-")
    assert messages_dispatch().sent == 1
    reissued = [m for m in mail.outbox if m.subject.startswith("Determination letter reissued")]
    assert [m.to for m in reissued] == [[payer.email]]
    assert messages_dispatch().sent == 0


def _recheck_state(requests: list[int]) -> dict:
    """What a re-check stores, per request: the automatic results, the overall outcome and the event."""
    results = {
        (row.submission_id, row.criterion): (row.automatic_outcome, row.automatic_result, row.provisional)
        for row in CriterionResult.objects.filter(submission_id__in=requests)
    }
    outcomes = dict(Submission.objects.filter(pk__in=requests).values_list("pk", "precheck_outcome"))
    events = {
        event.submission_id: (event.payload, event.visibility, event.actor_id)
        for event in SubmissionEvent.objects.filter(submission_id__in=requests, event_type="criteria_rechecked")
    }
    return {"results": results, "outcomes": outcomes, "events": events}


def test_a_batch_of_requests_rechecked_at_once_stores_what_one_at_a_time_stores(open_requests):
    # Different starting points: an outdated outcome, a result missing altogether, a wrong overall outcome.
    CriterionResult.objects.filter(submission_id=open_requests[3], criterion="cehrt").update(
        automatic_outcome="does_not_meet"
    )
    CriterionResult.objects.filter(submission_id=open_requests[5], criterion="quality").delete()
    Submission.objects.filter(pk=open_requests[7]).update(precheck_outcome="does_not_meet")
    with transaction.atomic():
        one_at_a_time = {pk: rechecks.submission_criteria_recheck(submission_id=pk, job_id=7) for pk in open_requests}
        expected = _recheck_state(open_requests)
        transaction.set_rollback(True)
    assert not SubmissionEvent.objects.filter(event_type="criteria_rechecked").exists()

    with transaction.atomic():
        at_once = rechecks.submissions_criteria_recheck(submission_ids=[*open_requests, 987654321], job_id=7)
    assert at_once == one_at_a_time  # the results CSV rows; the request that does not exist has none
    assert _recheck_state(open_requests) == expected
    assert expected["events"][open_requests[3]][0]["changed"] == ["cehrt"]
    assert expected["events"][open_requests[5]][0]["before"].keys() == {"cehrt", "financial_risk"}


def test_a_batch_recheck_runs_the_same_queries_for_3_requests_as_for_12(open_requests):
    counts = []
    for batch in (open_requests[:3], open_requests):
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            rechecks.submissions_criteria_recheck(submission_ids=batch, job_id=None)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_job_does_a_batch_in_one_transaction_and_a_failing_batch_item_by_item(open_requests, settings):
    """Batches of 5 over 12 items; a batch whose ``process_many`` raises is done again one item at a
    time, so only the item at fault fails and the others are done once."""
    settings.JOB_BATCH_SIZE = 5
    recheck = KINDS["recheck_year"]
    faulty = str(open_requests[6])

    def process_many(job, keys, prepared):
        if faulty in keys:
            raise ValueError("one of these is at fault")
        return recheck.process_many(job, keys, prepared)

    def process(job, key, prepared):
        if key == faulty:
            raise ValueError("this one is at fault")
        return recheck.process(job, key, prepared)

    KINDS["recheck_year_faulty"] = JobKind(
        **{**vars(recheck), "name": "recheck_year_faulty", "process_many": process_many, "process": process}
    )
    try:
        job = services.job_start(kind="recheck_year_faulty", parameters={"year": 2027}, queue=False, chunk_size=50)
        assert services.job_chunk_run(job_id=job.pk, chunk=0) == 12
    finally:
        del KINDS["recheck_year_faulty"]
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED_WITH_FAILURES
    assert list(job.items.filter(status=ItemStatus.FAILED).values_list("key", "error")) == [
        (faulty, "ValueError: this one is at fault")
    ]
    events = SubmissionEvent.objects.filter(event_type="criteria_rechecked", payload__job=job.pk)
    assert sorted(events.values_list("submission_id", flat=True)) == sorted(set(open_requests) - {int(faulty)})


def test_a_chunk_task_past_its_time_queues_the_rest_of_its_chunk_again(open_requests, settings, monkeypatch):
    """A chunk task starts no item after ``JOB_CHUNK_SECONDS``: it queues its chunk again, so a chunk of
    long items (the QP batch's stages) never runs into the task's time limit; the next task carries on
    where it stopped and every item is done once."""
    settings.JOB_CHUNK_SECONDS, settings.JOB_BATCH_SIZE = 0, 5
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda task, *args: queued.append((task.name, args)))
    job = services.job_start(kind="recheck_year", parameters={"year": 2027}, queue=False, chunk_size=50)
    done = [tasks.job_chunk_run.apply(args=(job.pk, 0)).get()]
    while queued:
        assert queued.pop() == ("jobs.tasks.job_chunk_run", (job.pk, 0))
        done.append(tasks.job_chunk_run.apply(args=(job.pk, 0)).get())
    assert done == [5, 5, 2]  # one batch per task, each task queuing the next
    job.refresh_from_db()
    assert (job.status, job.items.filter(status=ItemStatus.DONE).count()) == (JobStatus.SUCCEEDED, 12)
    events = SubmissionEvent.objects.filter(event_type="criteria_rechecked", payload__job=job.pk)
    assert events.count() == 12
