"""Celery task of the outbox: send what is pending (woken after each commit and swept every minute)."""

import logging

from celery import shared_task
from django.conf import settings

from qppportal.background import enqueue

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def messages_dispatch() -> dict:
    """Any number may run at once: each row is taken with SKIP LOCKED, so none is sent twice."""
    result = services.messages_dispatch()
    if result.handled:
        logger.info("outbox dispatch: %s", result)
    if result.handled >= settings.MESSAGES_DISPATCH_LIMIT:  # more may be waiting: carry on in a new task
        enqueue(messages_dispatch)
    return vars(result)
