"""Celery tasks of the determinations domain: thin wrappers that take IDs and call services."""

from celery import shared_task

from determinations.services import letters, notifications, qp_batch, qp_participation


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def submission_receipt_send(submission_id: int) -> None:
    notifications.submission_receipt_send(submission_id=submission_id)


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def information_request_send(information_request_id: int) -> None:
    notifications.information_request_send(information_request_id=information_request_id)


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def determination_decision_send(determination_id: int) -> None:
    notifications.determination_decision_send(determination_id=determination_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def determination_letter_render(determination_id: int) -> None:
    letters.determination_letter_render(determination_id=determination_id)


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=3)
def information_requests_flag_overdue() -> int:
    return notifications.information_requests_flag_overdue()


@shared_task(soft_time_limit=3300, time_limit=3600)
def qp_batch_run(run_id: int) -> int:
    """Determine a snapshot's clinicians; not retried, since a failed run is recorded and re-run by hand."""
    return qp_batch.qp_batch_run(run_id=run_id).clinicians


@shared_task(soft_time_limit=3300, time_limit=3600)
def participation_upload_load(upload_id: int) -> str:
    """Check and load an uploaded participation CSV; the upload row records the outcome."""
    return qp_participation.participation_upload_load(upload_id=upload_id).status
