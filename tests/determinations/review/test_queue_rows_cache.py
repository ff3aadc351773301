"""The queue's rendered rows are cached under the data's version: a page with nothing changed is not
read again, and every change a row shows is on the next load, for each viewer their own rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from determinations.services.assignment import conflict_declare, submission_assign, submission_claim
from determinations.services.review import internal_note_add
from determinations.states import SubmissionStatus
from tests.support import sign_in

from .queue_support import QUEUE_URL, another_reviewer, make_submission, payer, queue_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


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


def test_a_second_load_with_nothing_changed_does_not_read_the_rows(client, reviewer):
    made = make_submission(payer("Steady Payer"))
    warm(sign_in(client, reviewer))
    first, first_queries = load(client)
    second, second_queries = load(client)

    assert second_queries == first_queries - 3  # the counts, the page's ids and its rows
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


def test_an_event_alone_drops_the_cached_rows(client, reviewer, django_capture_on_commit_callbacks):
    """A save that commits after a later one does not move the latest ``updated_at``; the token does."""
    made = make_submission(payer("Token Payer"), status=SubmissionStatus.IN_REVIEW, assignee=reviewer)
    warm(sign_in(client, reviewer))
    _, cold = load(client)
    assert load(client)[1] == cold - 3

    with django_capture_on_commit_callbacks(execute=True):
        internal_note_add(submission_id=made.pk, actor=reviewer, text="Only an event")

    assert load(client)[1] == cold


def test_a_new_request_and_a_new_conflict_show_on_the_next_load(client, reviewer):
    first = make_submission(payer("First Payer"))
    sign_in(client, reviewer)
    load(client)

    second = make_submission(payer("Second Payer"))
    response, _ = load(client)
    assertContains(response, second.tracking_number)

    conflict_declare(reviewer=reviewer, submission=first, reason="Former employer")
    assertNotContains(load(client)[0], first.tracking_number)


def test_each_viewer_gets_their_own_rows(client, reviewer, review_lead):
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


def test_the_rows_hold_no_session_token_and_claim_through_the_one_form(client, reviewer):
    made = make_submission(payer("Form Payer"))
    sign_in(client, reviewer)
    response, _ = load(client, queue_url(year="2027"))
    row = row_html(response, made)
    claim_url = reverse("determinations:review_claim", args=[made.pk])

    assert "csrfmiddlewaretoken" not in row
    assert f'form="claim-form" formaction="{claim_url}"' in row
    assertContains(response, 'id="claim-form"')

    claimed = client.post(claim_url, {"next": queue_url(year="2027")})
    assert claimed["Location"] == queue_url(year="2027")
