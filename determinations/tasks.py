"""Celery tasks of the determinations domain: thin wrappers that take IDs and call services.

E-mail is not sent from here: it goes through the outbox (``messaging``).
"""

import logging

from celery import shared_task

from determinations.services import letters, notifications, qp_participation, reminders

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, max_retries=3, acks_late=True, soft_time_limit=120, time_limit=150
)
def determination_letter_render(determination_id: int) -> None:
    logger.info("rendering the letter of determination %s", determination_id)
    letters.determination_letter_render(determination_id=determination_id)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def information_requests_flag_overdue() -> int:
    return notifications.information_requests_flag_overdue()


@shared_task(soft_time_limit=3300, time_limit=3600)
def participation_upload_load(upload_id: int) -> str:
    """Check and load an uploaded participation CSV; the upload row records the outcome."""
    return qp_participation.participation_upload_load(upload_id=upload_id).status


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def reminders_sweep() -> dict:
    """Queue the reminders due now; safe to run twice at once (the outbox's unique key)."""
    queued = reminders.reminders_sweep()
    logger.info("reminders sweep: %s", queued)
    return queued
