"""Writes of batch jobs: start, run a chunk, finish, cancel, resume, and the stalled-job sweep.

Items are taken one per transaction with ``SELECT … FOR UPDATE SKIP LOCKED``: a chunk delivered
twice (a worker killed with its task unacknowledged, a resume, a retry after a lost database
connection) never does an item twice, and its work and its "done" stamp commit together.
Database connection errors are not the item's fault: they abort the chunk, whose task is retried
and carries on from the first item not done. A chunk task takes no more items once it has run for
``JOB_CHUNK_SECONDS`` and queues the chunk again instead, so a chunk of long items (the QP batch's
stages) never reaches the task's time limit as long as each item finishes well within what is left.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from qppportal.background import enqueue, enqueue_after_commit
from qppportal.bulk import rows_update

from . import tasks  # tasks imports this module too: only its attributes are used, at call time
from .kinds import KINDS, TRANSIENT
from .messages import job_stalled_queue
from .models import ItemStatus, Job, JobItem, JobStatus

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A refused job action; the text says why."""


def job_start(*, kind: str, parameters: dict, actor=None, chunk_size: int | None = None, queue: bool = True) -> Job:
    """Create the job and its items, and queue one task per chunk after the commit (unless ``queue``
    is False: ``manage.py run_job --here`` then runs the chunks itself)."""
    job_kind = KINDS[kind]
    chunk_size = chunk_size or settings.JOB_CHUNK_SIZE
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=parameters, created_by=actor, created_at=now)
        items = [
            JobItem(job=job, key=str(key), chunk=index // chunk_size)
            for index, key in enumerate(job_kind.items(parameters))
        ]
        JobItem.objects.bulk_create(items, batch_size=2000)
        job.total_items = len(items)
        job.chunk_count = (len(items) + chunk_size - 1) // chunk_size
        if not items:
            job.status, job.finished_at = JobStatus.SUCCEEDED, now
        job.save(update_fields=["total_items", "chunk_count", "status", "finished_at"])
        if queue:
            _queue_chunks(job, range(job.chunk_count))
    logger.info("job %s (%s) started by %s: %s items", job.pk, kind, actor, job.total_items)
    return job


def _queue_chunks(job: Job, chunks) -> None:
    for chunk in chunks:
        enqueue_after_commit(tasks.job_chunk_run, job.pk, chunk)


def job_chunk_run(*, job_id: int, chunk: int, seconds: float | None = None) -> int:
    """Do the pending items of one chunk; returns how many this call did.

    Items are taken ``JOB_BATCH_SIZE`` at a time when the kind does batches (``process_many``), one
    at a time otherwise; either way the items taken, their work and their stamps share one transaction.
    With ``seconds`` (the chunk task), no item is started after that long: the rest of the chunk is
    queued as a new task, so no task runs into its time limit because its chunk holds many long items.
    """
    job = Job.objects.get(pk=job_id)
    kind = KINDS[job.kind]
    skip_locked = connection.features.has_select_for_update_skip_locked
    batch_size = settings.JOB_BATCH_SIZE if kind.process_many else 1
    prepared = kind.prepare(job)
    done = 0
    started = time.monotonic()
    while Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).exists():
        out_of_time = seconds is not None and done and time.monotonic() - started >= seconds
        if out_of_time and JobItem.objects.filter(job_id=job_id, chunk=chunk, status=ItemStatus.PENDING).exists():
            logger.info("job %s chunk %s: %s items done in %.0f s, queued again", job_id, chunk, done, seconds)
            enqueue(tasks.job_chunk_run, job_id, chunk)
            return done
        with transaction.atomic():
            items = list(
                JobItem.objects.select_for_update(skip_locked=skip_locked)
                .filter(job_id=job_id, chunk=chunk, status=ItemStatus.PENDING)
                .order_by("pk")[:batch_size]
            )
            if not items:
                break
            if kind.process_many:
                _batch_run(job, kind, items, prepared)
            else:
                _item_run(job, kind, items[0], prepared)
        done += len(items)
    job_finish_if_done(job_id=job_id)
    return done


def _batch_run(job: Job, kind, items: list[JobItem], prepared) -> None:
    """Do a batch of items with the kind's ``process_many``; what it leaves out (or all, if it fails) one by one."""
    try:
        with transaction.atomic():  # a batch that fails leaves nothing: its items are then done alone
            rows = kind.process_many(job, [item.key for item in items], prepared)
    except TRANSIENT:
        raise
    except Exception as error:  # which item is at fault is found by doing them one by one
        logger.info("job %s: a batch of %s items failed (%s); doing them one by one", job.pk, len(items), error)
        rows = {}
    now = timezone.now()
    finished = []
    for item in items:
        if item.key in rows:
            item.result, item.status, item.finished_at = rows[item.key], ItemStatus.DONE, now
            finished.append(item)
        else:
            _item_run(job, kind, item, prepared)
    rows_update(JobItem, finished, ["status", "result", "finished_at"])


def _item_run(job: Job, kind, item: JobItem, prepared) -> None:
    try:
        with transaction.atomic():  # the item's own writes roll back alone if it fails
            item.result = kind.process(job, item.key, prepared)
    except TRANSIENT:
        raise
    except Exception as error:  # any other failure belongs to this item: recorded, and the job goes on
        item.status = ItemStatus.FAILED
        item.error = f"{type(error).__name__}: {error}"[:2000]
        logger.warning("job %s item %s failed: %s", job.pk, item.key, item.error)
    else:
        item.status = ItemStatus.DONE
    item.finished_at = timezone.now()
    item.save(update_fields=["status", "result", "error", "finished_at"])


def job_finish_if_done(*, job_id: int) -> Job:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.RUNNING or job.items.filter(status=ItemStatus.PENDING).exists():
            return job
        failed = job.items.filter(status=ItemStatus.FAILED).exists()
        job.status = JobStatus.FINISHED_WITH_FAILURES if failed else JobStatus.SUCCEEDED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
    logger.info("job %s (%s) finished: %s", job.pk, job.kind, job.status)
    return job


def job_cancel(*, job_id: int, actor) -> Job:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.RUNNING:
            raise JobError(f"This job is already {job.get_status_display().lower()}.")
        job.status, job.cancelled_by, job.finished_at = JobStatus.CANCELLED, actor, timezone.now()
        job.save(update_fields=["status", "cancelled_by", "finished_at"])
        if job.kind in KINDS:
            KINDS[job.kind].cancel(job)
    logger.info("job %s cancelled by %s", job.pk, actor)
    return job


def job_resume(*, job_id: int) -> int:
    """Queue again every chunk that still has pending items; returns how many were queued."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.RUNNING:
        raise JobError(f"This job is {job.get_status_display().lower()}; only a running job can be resumed.")
    chunks = list(
        job.items.filter(status=ItemStatus.PENDING).order_by("chunk").values_list("chunk", flat=True).distinct()
    )
    for chunk in chunks:
        enqueue(tasks.job_chunk_run, job.pk, chunk)
    return len(chunks)


def jobs_sweep_stalled(*, now=None) -> list[int]:
    """Jobs running with no item finished for ``JOB_STALL_MINUTES``: flag them, tell program admins, resume.

    Resuming is safe (items are taken with SKIP LOCKED); telling people is once per stall.
    """
    now = now or timezone.now()
    quiet_since = now - timedelta(minutes=settings.JOB_STALL_MINUTES)
    stalled = []
    running = Job.objects.filter(status=JobStatus.RUNNING, created_at__lt=quiet_since).annotate(
        last_done=Max("items__finished_at")
    )
    for job in running:
        if job.last_done is not None and job.last_done >= quiet_since:
            continue
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.stalled_at is None or job.stalled_at < quiet_since:
                job.stalled_at = now
                job.save(update_fields=["stalled_at"])
                job_stalled_queue(job)
        job_resume(job_id=job.pk)
        stalled.append(job.pk)
    return stalled
