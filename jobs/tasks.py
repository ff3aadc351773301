"""Celery tasks of batch jobs: one task per chunk, and the stalled-job sweep.

A chunk task acknowledges late and is rejected back to the queue if its worker dies, so another
worker does the chunk; items already done are skipped (``jobs/services.py``). A lost database
connection or the soft time limit ends the attempt and the task is retried. A chunk task starts no
item after ``JOB_CHUNK_SECONDS`` (well under the soft limit) and queues the rest of its chunk as a
new task: one item must take less than the difference (the QP batch's stages are sized for it).
"""

import logging

from celery import shared_task
from django.conf import settings

from . import services
from .kinds import TRANSIENT

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=20,
    soft_time_limit=300,
    time_limit=360,
    ignore_result=True,
)
def job_chunk_run(job_id: int, chunk: int) -> int:
    logger.info("job %s chunk %s: starting", job_id, chunk)
    done = services.job_chunk_run(job_id=job_id, chunk=chunk, seconds=settings.JOB_CHUNK_SECONDS)
    logger.info("job %s chunk %s: %s items done", job_id, chunk, done)
    return done


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def jobs_sweep_stalled() -> list[int]:
    stalled = services.jobs_sweep_stalled()
    if stalled:
        logger.warning("jobs making no progress, resumed and reported: %s", stalled)
    return stalled
