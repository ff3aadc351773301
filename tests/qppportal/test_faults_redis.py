"""Redis stopped while people work: pages still serve, a request submitted meanwhile is saved, and
its receipt is sent once Redis is back. The test runs its own redis-server on a spare port (broker
and cache of this test, its worker and beat) and never touches the machine's shared Redis."""

import time

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from determinations.states import SubmissionStatus
from messaging.models import Message, MessageStatus
from tests.determinations.submissions.flow import submit
from tests.factories import submissions as support
from tests.support import MARCH_2026, sign_in

from .processes import celery_beat, celery_env, celery_worker, mail_files, publishing_to, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(own_redis, tmp_path):
    """This process, a worker and beat (sweeping the outbox every second) all on the test's own Redis."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = celery_env(mail_dir=mail_dir, broker_url=own_redis.url(), MESSAGES_SWEEP_SECONDS="1")
    processes = [celery_worker(env), celery_beat(env, tmp_path)]
    cache = {"default": {"BACKEND": "qppportal.cache.FailOpenRedisCache", "LOCATION": own_redis.url(1)}}
    try:
        with publishing_to(own_redis.url()), override_settings(CACHES=cache):
            yield mail_dir
    finally:
        for process in processes:
            print(stop(process))


def test_with_redis_down_pages_serve_submitting_works_and_the_receipt_follows(
    client, broker, own_redis, payer, reviewer, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0)
    with time_machine.travel(MARCH_2026, tick=True):
        draft = support.complete_draft(payer)
        own_redis.stop()

        sign_in(client, reviewer)
        assert client.get(reverse("accounts:reviewer_home")).status_code == 200  # the queue's cache is down
        sign_in(client, payer)
        assert client.get(reverse("accounts:organization_home")).status_code == 200
        response = submit(client, draft)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert client.get(response["Location"]).status_code == 200

    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.SUBMITTED
    receipt = Message.objects.get(kind="submission_receipt")
    assert receipt.status == MessageStatus.PENDING
    time.sleep(3)
    assert mail_files(broker) == []  # nothing can be sent while the broker is down

    own_redis.start()
    back = time.monotonic()
    files = wait_for(lambda: mail_files(broker), "the receipt after Redis came back", timeout=120)
    print(f"receipt sent {time.monotonic() - back:.1f} s after Redis came back")
    time.sleep(2)
    files = mail_files(broker)
    assert len(files) == 1
    assert draft.tracking_number in files[0].read_text()
    receipt.refresh_from_db()
    assert receipt.status == MessageStatus.SENT
