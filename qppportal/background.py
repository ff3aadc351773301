"""Queue Celery work after the transaction commits, without ever failing the request that asked.

The work queued here is always also reached another way (the outbox's periodic sweep, a letter
rendered on first download), so a broker that cannot be reached only delays it: the error is
logged and the page that saved the change answers normally.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args) -> None:
    """Send ``task(*args)`` to the broker once the current transaction commits (at once if none)."""
    transaction.on_commit(lambda: enqueue(task, *args))


def enqueue(task, *args) -> bool:
    """Publish once, without the publisher's retry loop; False (and a warning) if the broker is down."""
    if task.app.conf.task_always_eager:
        # In-process (tests, CELERY_TASK_ALWAYS_EAGER): there is no broker, and errors must surface.
        task.apply_async(args=args)
        return True
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # any broker failure; the caller's safety net picks the work up later
        logger.warning("Could not queue %s%r; it will be picked up by its sweep", task.name, args, exc_info=True)
        return False
    return True
