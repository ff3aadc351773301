"""A program admin starts a re-check job in Chromium and watches its progress bar reach 100% while a
real Celery worker does the work (the test's own Redis, the test PostgreSQL); axe passes on the
jobs pages. The bar is updated by our own static script polling JSON, without reloading."""

import re

import pytest
import time_machine
from django.core.management import call_command

from jobs.models import Job, JobStatus
from tests.e2e.test_pages_accessible import sign_in
from tests.factories import submissions as support
from tests.jobs.support import request_copies
from tests.qppportal import conftest as task_fixtures
from tests.qppportal.processes import celery_env, celery_worker, publishing_to, stop
from tests.support import MARCH_2026

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

own_redis = task_fixtures.own_redis
REQUESTS = 200


@pytest.fixture
def open_requests(payer, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    with time_machine.travel(MARCH_2026, tick=True):
        first = support.review_started(support.submitted_request(payer), reviewer)
    return [first.pk, *request_copies(first, REQUESTS - 1)]


@pytest.fixture
def worker(own_redis, tmp_path, settings):
    settings.JOB_CHUNK_SIZE = 10
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    process = celery_worker(celery_env(mail_dir=mail_dir, broker_url=own_redis.url()))
    try:
        with publishing_to(own_redis.url()):
            yield process
    finally:
        print(stop(process))


def test_program_admin_watches_a_recheck_job_reach_100_percent(page, assert_accessible, open_requests, worker):
    sign_in(page, "admin@demo.example", staff=True)
    page.wait_for_url("**/program/")
    page.get_by_role("link", name="Jobs", exact=True).click()
    page.wait_for_url("**/program/jobs/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Start.*Re-check a year")).click()
    assert_accessible(page)
    page.get_by_label("Performance year").select_option("2027")
    page.get_by_role("button", name="Start the job").click()
    page.wait_for_url("**/program/jobs/*/")
    assert_accessible(page)
    # Every open 2027 request: this test's and the demo data's own.
    expected = Job.objects.get().total_items
    assert expected >= REQUESTS
    page.evaluate("window.portalNotReloaded = true")
    bar = page.locator("#job-progress-bar")
    first_seen = int(bar.get_attribute("value"))

    page.wait_for_function(
        "() => { const bar = document.getElementById('job-progress-bar');"
        " return bar.value === bar.max && document.getElementById('job-progress').dataset.finished === 'true'; }",
        timeout=180_000,
    )
    assert page.evaluate("window.portalNotReloaded") is True  # updated in place, never reloaded
    assert (
        int(bar.get_attribute("max") or 0) == expected
        or page.evaluate("document.getElementById('job-progress-bar').max") == expected
    )
    text = page.locator("#job-progress-text").inner_text()
    assert f"{expected} of {expected} items (100%)" in text and "Finished" in text
    assert first_seen < expected, "the page was first shown with the job already done: nothing was watched"
    assert_accessible(page)
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.total_items == expected
