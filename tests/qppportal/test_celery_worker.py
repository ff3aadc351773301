"""A real Celery worker on the real Redis broker sends the invitation e-mail the portal queues."""

import pytest

from accounts.services import invitation_create
from messaging.models import Message, MessageStatus
from messaging.services import messages_queue
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


def test_a_worker_keeps_sending_after_its_log_outgrows_a_pipe(worker, program_admin):
    """A thousand e-mails log more than a pipe holds (64 KiB): a worker whose output nobody read
    stopped at about the five-hundredth until the test gave up (the harness now logs to a file)."""
    invitation, token = invitation_create(
        invited_by=program_admin, email="first.person@example.gov", staff_role="reviewer"
    )
    others = [f"person.{n}@example.gov" for n in range(999)]
    messages_queue(kind="invitation", about=invitation, recipients=others, payload={"token": token})

    def sent() -> int:
        return sum(path.read_text().count("Subject: You are invited") for path in mail_files(worker))

    wait_for(lambda: sent() >= 1000, "1,000 invitations from one worker", timeout=120, every=1)
    assert sent() == 1000
    assert not Message.objects.exclude(status=MessageStatus.SENT).exists()
