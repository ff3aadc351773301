"""Batch jobs on real Celery workers, the test's own Redis and the test PostgreSQL database, through
faults: a worker killed with SIGKILL mid-job, then another started; and the workers' database
connections killed with pg_terminate_backend during the batch. Either way every item is processed
exactly once (one event per request, written in the item's transaction) and the progress shown
equals the work done."""

import signal
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from determinations.models import SubmissionEvent
from jobs import selectors, services
from jobs.models import ItemStatus, Job, JobStatus
from tests.factories import submissions as support
from tests.jobs.support import request_copies
from tests.support import MARCH_2026

from .processes import celery_env, celery_worker, publishing_to, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REQUESTS = 300
CHUNK = 150


@pytest.fixture
def open_requests(payer, reviewer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0)
    with time_machine.travel(MARCH_2026, tick=True):
        first = support.review_started(support.submitted_request(payer), reviewer)
    return [first.pk, *request_copies(first, REQUESTS - 1)]


@pytest.fixture
def worker_env(own_redis, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # A task a killed worker had taken goes back to the queue after 5 s (production: 600 s), looked
    # for every second (production: 10 s). Batches of 7 items per transaction, so that a chunk
    # commits several times and a kill can land in the middle of one.
    return celery_env(
        mail_dir=mail_dir,
        broker_url=own_redis.url(),
        CELERY_VISIBILITY_TIMEOUT="5",
        CELERY_UNACKED_RESTORE_SECONDS="1",
        JOB_BATCH_SIZE="7",
    )


def processed(job_id: int) -> int:
    return Job.objects.get(pk=job_id).items.exclude(status=ItemStatus.PENDING).count()


def assert_each_request_rechecked_once(job: Job, requests: list[int]) -> None:
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    per_request = dict(
        SubmissionEvent.objects.filter(event_type="criteria_rechecked", payload__job=job.pk)
        .values_list("submission_id")
        .annotate(n=Count("pk"))
        .values_list("submission_id", "n")
    )
    assert sorted(per_request) == sorted(requests)
    assert set(per_request.values()) == {1}, "some request was re-checked more than once"
    progress = selectors.job_progress(job)
    assert progress["processed"] == progress["done"] == len(requests) == sum(per_request.values())
    assert progress["percent"] == 100


def test_a_worker_killed_mid_job_and_another_started_process_each_item_once(open_requests, worker_env, own_redis):
    with publishing_to(own_redis.url()):
        job = services.job_start(kind="recheck_year", parameters={"year": 2027}, chunk_size=CHUNK)
        first = celery_worker(worker_env, name="first")
        try:
            # Killed well inside a chunk: a fast worker crosses a chunk's end between two looks.
            wait_for(
                lambda: 14 <= processed(job.pk) % CHUNK <= 100, "the first worker mid-chunk", timeout=120, every=0.02
            )
            first.send_signal(signal.SIGKILL)
        finally:
            print(stop(first))
        at_kill = processed(job.pk)
        time.sleep(2)
        assert processed(job.pk) == at_kill < REQUESTS  # nothing moves with no worker
        assert at_kill % CHUNK, "the worker was to be killed in the middle of a chunk"
        second = celery_worker(worker_env, name="second")
        try:
            wait_for(lambda: not Job.objects.get(pk=job.pk).is_running, "the second worker to finish", timeout=240)
        finally:
            print(stop(second))
    print(f"killed at {at_kill} of {REQUESTS} items")
    assert_each_request_rechecked_once(job, open_requests)


def test_database_connections_killed_during_a_batch_and_the_batch_finishes_once(open_requests, worker_env, own_redis):
    with publishing_to(own_redis.url()):
        job = services.job_start(kind="recheck_year", parameters={"year": 2027}, chunk_size=20)
        workers = [celery_worker(worker_env, name=f"w{n}") for n in (1, 2)]
        killed = 0
        try:
            for threshold in (40, 120, 200):
                wait_for(lambda t=threshold: processed(job.pk) >= t, f"{threshold} items", timeout=180)
                killed += terminate_other_backends()
            wait_for(lambda: not Job.objects.get(pk=job.pk).is_running, "the batch to finish", timeout=240)
        finally:
            for worker in workers:
                print(stop(worker))
    print(f"terminated {killed} worker connections during the batch")
    assert killed >= 3
    assert_each_request_rechecked_once(job, open_requests)


def terminate_other_backends() -> int:
    """pg_terminate_backend on every other connection to this test database (the workers' only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]
