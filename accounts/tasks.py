"""Celery tasks of accounts: thin wrappers that call services (invitations are sent by the outbox)."""

from celery import shared_task

from . import services


@shared_task
def invitations_purge_expired() -> int:
    return services.invitations_purge_expired()
