"""Celery task of the outbox: send what is pending (woken after each commit and swept every minute)."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def messages_dispatch() -> dict:
    """Any number may run at once: each row is taken with SKIP LOCKED, so none is sent twice."""
    result = services.messages_dispatch()
    if result.handled:
        logger.info("outbox dispatch: %s", result)
    return vars(result)
