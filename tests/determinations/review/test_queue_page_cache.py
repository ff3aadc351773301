"""The queue's content is cached per viewer and address under the queue's data version: a page with
nothing changed runs no query, and every change the page shows is on the next load, for each viewer
their own page, with this request's own CSRF fields and messages (decision 0038)."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from determinations.models import PerformanceYear, SavedQueueView
from determinations.selectors import review_queue
from determinations.services.assignment import conflict_declare, submission_assign, submission_claim
from determinations.services.review import internal_note_add
from determinations.states import SubmissionStatus
from tests.support import sign_in

from .queue_support import QUEUE_URL, another_reviewer, make_submission, payer, queue_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

CSRF_FIELD = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">')


@pytest.fixture(autouse=True)
def one_minute():
    """A kept page is for the minute it was built in (what is overdue moves with the clock): each test
    starts at the top of a minute, so its loads fall in one minute however slowly the suite runs."""
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=True):
        yield


def load(client, url=QUEUE_URL):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def warm(client) -> None:
    """One signed-in request first, so the counts below are the page's own (the user and device are cached)."""
    assert client.get(reverse("accounts:home")).status_code == 302


def row_html(response, submission) -> str:
    body = response.content.decode()
    start = body.index(f'href="{reverse("determinations:review_detail", args=[submission.pk])}"')
    return body[body.rindex("<tr>", 0, start) : body.index("</tr>", start)]


def without_csrf(response) -> str:
    return CSRF_FIELD.sub("", response.content.decode())


def test_a_second_load_with_nothing_changed_runs_no_query(client, reviewer):
    made = make_submission(payer("Steady Payer"))
    warm(sign_in(client, reviewer))
    first, first_queries = load(client)
    second, second_queries = load(client)

    assert first_queries >= 5
    assert second_queries == 0
    assert without_csrf(second) == without_csrf(first)
    assert row_html(second, made) == row_html(first, made)


def test_a_claim_and_an_assignment_show_on_the_next_load(client, reviewer, review_lead):
    made = make_submission(payer("Claimed Payer"))
    sign_in(client, reviewer)
    assert "Claim" in row_html(load(client)[0], made)

    submission_claim(submission_id=made.pk, actor=reviewer)
    row = row_html(load(client)[0], made)
    assert "You" in row and "formaction" not in row and "In review" in row

    submission_assign(submission_ids=[made.pk], assignee=another_reviewer("Robin Other"), actor=review_lead)
    assert "Robin Other" in row_html(load(client)[0], made)


def test_an_event_alone_drops_the_cached_page(client, reviewer):
    made = make_submission(payer("Token Payer"), status=SubmissionStatus.IN_REVIEW, assignee=reviewer)
    warm(sign_in(client, reviewer))
    load(client)
    assert load(client)[1] == 0

    internal_note_add(submission_id=made.pk, actor=reviewer, text="Only an event")

    assert load(client)[1] > 0


def test_a_page_read_just_before_a_change_commits_is_not_used_after_it(
    client, reviewer, django_capture_on_commit_callbacks
):
    """A request that read the rows before a claim commits stores its page after; the commit makes it stale."""
    made = make_submission(payer("Race Payer"))
    warm(sign_in(client, reviewer))
    seen_before = review_queue.cached_queue_page(reviewer, QUEUE_URL, timezone.now())
    stale = load(client)[0].content.decode()

    with django_capture_on_commit_callbacks() as commit:
        submission_claim(submission_id=made.pk, actor=reviewer)
    seen_before.keep(stale)  # stored under the token read before the change, as a slow request would
    for callback in commit:
        callback()

    assert "You" in row_html(load(client)[0], made)


def test_a_new_request_and_a_new_conflict_show_on_the_next_load(client, reviewer):
    first = make_submission(payer("First Payer"))
    sign_in(client, reviewer)
    load(client)

    second = make_submission(payer("Second Payer"))
    response, _ = load(client)
    assertContains(response, second.tracking_number)

    conflict_declare(reviewer=reviewer, submission=first, reason="Former employer")
    assertNotContains(load(client)[0], first.tracking_number)


def test_names_years_and_saved_views_show_on_the_next_load(client, reviewer, review_lead):
    organization = payer("Old Payer Name")
    make_submission(organization)
    colleague = another_reviewer("Sam Before")
    sign_in(client, review_lead)
    load(client)

    organization.name = "New Payer Name"
    organization.save()
    colleague.full_name = "Sam After"
    colleague.save()
    new_year = PerformanceYear.objects.order_by("-year").first()
    new_year.pk, new_year.year = None, 2031
    new_year.save()
    SavedQueueView.objects.create(owner=review_lead, name="Lead's own view", query="unassigned=on")
    response, _ = load(client)

    assertContains(response, "New Payer Name")
    assertContains(response, "Sam After")
    assertContains(response, '<option value="2031">2031</option>', html=True)
    assertContains(response, "Lead&#x27;s own view")


def test_each_viewer_gets_their_own_page(client, reviewer, review_lead):
    mine = make_submission(payer("Mine Payer"), status=SubmissionStatus.IN_REVIEW, assignee=reviewer)
    other = another_reviewer("Kim Other")
    sign_in(client, reviewer)
    assert '<td data-label="Assigned to">You</td>' in row_html(load(client)[0], mine)

    sign_in(client, other)
    row = row_html(load(client)[0], mine)
    assert "You" not in row and reviewer.full_name in row

    sign_in(client, review_lead)
    lead_row = row_html(load(client)[0], mine)
    assert 'name="submissions"' in lead_row and "claim" not in lead_row.lower()


def test_the_page_is_rebuilt_in_a_new_minute_so_overdue_marks_follow_the_clock(client, reviewer):
    made = make_submission(payer("Clock Payer"))
    due = made.review_due_at
    with time_machine.travel(due - datetime.timedelta(seconds=30), tick=False):
        sign_in(client, reviewer)
        assert ">Overdue</span>" not in row_html(load(client)[0], made)
    with time_machine.travel(due + datetime.timedelta(seconds=31), tick=False):
        assert ">Overdue</span>" in row_html(load(client)[0], made)


def test_each_session_gets_its_own_csrf_fields_and_a_cached_page_posts(reviewer):
    made = make_submission(payer("Form Payer"))
    browsers = [sign_in(Client(enforce_csrf_checks=True), reviewer) for _ in range(2)]
    warm(browsers[1])
    first, _ = load(browsers[0], queue_url(year="2027"))
    cached, queries = load(browsers[1], queue_url(year="2027"))
    assert queries == 0

    tokens = CSRF_FIELD.findall(cached.content.decode())
    assert tokens and set(tokens).isdisjoint(CSRF_FIELD.findall(first.content.decode()))
    row = row_html(cached, made)
    claim_url = reverse("determinations:review_claim", args=[made.pk])
    assert "csrfmiddlewaretoken" not in row
    assert f'form="claim-form" formaction="{claim_url}"' in row

    claimed = browsers[1].post(claim_url, {"next": queue_url(year="2027"), "csrfmiddlewaretoken": tokens[0]})
    assert claimed.status_code == 302 and claimed["Location"] == queue_url(year="2027")
    made.refresh_from_db()
    assert made.assignee == reviewer


def test_a_page_with_a_message_is_rendered_afresh_and_the_next_load_is_cached(client, reviewer):
    made = make_submission(payer("Message Payer"))
    submission_claim(submission_id=made.pk, actor=another_reviewer("Claimed First"))
    warm(sign_in(client, reviewer))
    load(client)

    client.post(reverse("determinations:review_claim", args=[made.pk]), {"next": QUEUE_URL})  # refused: nothing changes
    with_message, _ = load(client)
    after, queries = load(client)

    assertContains(with_message, f"Claimed First already has {made}")
    assertNotContains(after, "Claimed First already has")
    assert queries == 0
