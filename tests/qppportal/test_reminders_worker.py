"""Reminders for 1,000 drafts on real Celery workers (the test's own Redis, the test PostgreSQL):
the sweep started twice at once and once more later sends each draft's reminder exactly once."""

import datetime
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from determinations.models import SubmissionWindow
from determinations.tasks import reminders_sweep
from messaging.models import Message, MessageStatus
from tests.factories import submissions as support
from tests.jobs.support import request_copies
from tests.support import MARCH_2026

from .processes import celery_env, celery_worker, mail_files, publishing_to, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DRAFTS = 1000


@pytest.fixture
def drafts(payer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0)
    with time_machine.travel(MARCH_2026, tick=True):
        first = support.complete_draft(payer)
    now = timezone.now()  # the workers run on the real clock: the window closes in 5 days from now
    SubmissionWindow.objects.filter(pk=first.window_id).update(
        opens_at=now - datetime.timedelta(days=60), closes_at=now + datetime.timedelta(days=5)
    )
    return [first.pk, *request_copies(first, DRAFTS - 1)]


def sent_reminders(mail_dir) -> int:
    return sum(path.read_text().count("Subject: Due ") for path in mail_files(mail_dir))


def test_the_sweep_twice_at_once_and_again_later_sends_each_reminder_once(drafts, own_redis, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = celery_env(mail_dir=mail_dir, broker_url=own_redis.url())
    workers = [celery_worker(env, name=f"w{n}") for n in (1, 2)]
    try:
        with publishing_to(own_redis.url()):
            started = time.monotonic()
            reminders_sweep.delay()
            reminders_sweep.delay()
            wait_for(lambda: sent_reminders(mail_dir) >= DRAFTS, "1,000 reminders", timeout=600, every=1)
            first_pass = time.monotonic() - started
            reminders_sweep.delay()
            time.sleep(10)
            wait_for(lambda: not Message.objects.filter(status=MessageStatus.PENDING).exists(), "an empty outbox")
    finally:
        for worker in workers:
            print(stop(worker))
    print(f"{DRAFTS} reminders sent in {first_pass:.1f} s by two workers")
    per_draft = dict(
        Message.objects.filter(kind="draft_window_closing")
        .values_list("object_id")
        .annotate(n=Count("pk"))
        .values_list("object_id", "n")
    )
    assert sorted(per_draft) == sorted(drafts) and set(per_draft.values()) == {1}
    assert Message.objects.filter(kind="draft_window_closing", status=MessageStatus.SENT).count() == DRAFTS
    assert sent_reminders(mail_dir) == DRAFTS
