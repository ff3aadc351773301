"""A real Celery worker on the real Redis broker sends the invitation e-mail the portal queues."""

import pytest

from accounts.services import invitation_create
from qppportal.celery import app

from .processes import celery_env, celery_worker, mail_files, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    process = celery_worker(celery_env(mail_dir=mail_dir))
    app.conf.task_always_eager = False
    try:
        yield mail_dir
    finally:
        app.conf.task_always_eager = True
        print(stop(process))  # shown by pytest when the test fails


def test_worker_sends_the_invitation_email(worker, program_admin):
    invitation, token = invitation_create(
        invited_by=program_admin, email="worker.test@example.gov", staff_role="reviewer"
    )
    files = wait_for(lambda: mail_files(worker), "the invitation e-mail", timeout=30)
    assert len(files) == 1, "the worker did not send exactly one e-mail"
    message = files[0].read_text()
    assert "To: worker.test@example.gov" in message
    assert f"/accounts/invitations/{token}/" in message
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
