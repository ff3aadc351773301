"""The request page and the decision page kept whole per viewer and address (decision 0040).

A load with nothing changed runs no query; each change that the tokens stand for shows on the very
next load, including the ones no event records (a save of the request's row, a recusal or a user
saved outside the services, the clock passing an open question's due date, the approved request a
renewal renews being reopened).
"""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from determinations import page_cache
from determinations.models import ConflictOfInterest, Submission
from determinations.services import review
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory
from tests.factories import submissions as steps
from tests.support import sign_in

pytestmark = pytest.mark.django_db

CSRF_FIELD = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">')
OVERDUE = "Your question is past its due date"
RENEWAL = "What changed since the approved version"


def load(client, submission, name="determinations:review_detail", status=200):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=[submission.pk]))
    assert response.status_code == status
    return response, len(captured)


def kept(client, submission, name="determinations:review_detail"):
    """Load twice; the second load must come whole from the cache."""
    load(client, submission, name)
    response, queries = load(client, submission, name)
    assert queries == 0
    return response


def test_a_kept_page_goes_to_each_session_with_its_own_csrf_fields_and_posts(in_review, reviewer):
    browsers = [sign_in(Client(enforce_csrf_checks=True), reviewer) for _ in range(2)]
    load(browsers[1], in_review)  # this session's sign-in reads out of the way
    review.internal_note_add(submission_id=in_review.pk, actor=reviewer, text="Makes the page stale")
    first, _ = load(browsers[0], in_review)
    second, queries = load(browsers[1], in_review)
    assert queries == 0

    tokens = CSRF_FIELD.findall(second.content.decode())
    assert tokens and set(tokens).isdisjoint(CSRF_FIELD.findall(first.content.decode()))
    assert CSRF_FIELD.sub("", second.content.decode()) == CSRF_FIELD.sub("", first.content.decode())
    added = browsers[1].post(
        reverse("determinations:review_note_add", args=[in_review.pk]),
        {"note-text": "Posted from a kept page", "csrfmiddlewaretoken": tokens[0]},
    )
    assert added.status_code == 302
    assertContains(load(browsers[1], in_review)[0], "Posted from a kept page")


def test_a_save_of_the_row_without_an_event_shows_on_the_next_load(client, in_review, reviewer):
    sign_in(client, reviewer)
    kept(client, in_review)

    row = Submission.objects.get(pk=in_review.pk)
    row.arrangement_name = "Renamed Without An Event"
    row.save()

    assertContains(load(client, in_review)[0], "Renamed Without An Event")


@pytest.mark.parametrize("page", ["determinations:review_detail", "determinations:review_decide"])
def test_a_recusal_saved_outside_the_services_ends_access_on_the_next_load(
    client, in_review, reviewer, review_lead, page
):
    viewer = review_lead if page.endswith("decide") else reviewer
    if viewer == review_lead:
        steps.recommended(in_review, reviewer)
    sign_in(client, viewer)
    kept(client, in_review, page)

    ConflictOfInterest.objects.create(reviewer=viewer, organization=in_review.organization, reason="Admin site")

    response, _ = load(client, in_review, page, status=403)
    assertContains(response, "conflict of interest", status_code=403)


def test_the_viewers_own_row_saved_shows_on_the_next_load(client, in_review, reviewer):
    sign_in(client, reviewer)
    kept(client, in_review)

    reviewer.email = "renamed.reviewer@cms.example"
    reviewer.save()

    assertContains(load(client, in_review)[0], "renamed.reviewer@cms.example")


def test_an_open_question_falling_due_shows_on_the_next_load(client, in_review, reviewer, clock):
    due = steps.due_in(3)
    review.information_request_ask(submission_id=in_review.pk, actor=reviewer, question="Send page 4.", due_at=due)
    sign_in(client, reviewer)
    assertNotContains(kept(client, in_review), OVERDUE)

    clock.move_to(due + datetime.timedelta(minutes=1))

    assertContains(load(client, in_review)[0], OVERDUE)


def test_a_renewal_follows_the_request_it_renews(client, reference_data, clock, payer, reviewer, review_lead):
    source = SubmissionFactory(
        member=payer, name="Renewed Program", state=SubmissionStatus.APPROVED, reviewer=reviewer, lead=review_lead
    )
    renewal = SubmissionFactory(
        member=payer, name="Renewed Program Plus", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
    )
    Submission.objects.filter(pk=renewal.pk).update(copied_from=source)  # as the copy service links them
    sign_in(client, reviewer)
    assertContains(kept(client, renewal), RENEWAL)

    review.decision_reopen(submission_id=source.pk, actor=review_lead, reason="Amended contract")

    assertNotContains(load(client, renewal)[0], RENEWAL)


def test_each_viewer_has_their_own_kept_page(client, in_review, reviewer, review_lead):
    sign_in(client, reviewer)
    assertContains(kept(client, in_review), 'name="financial_risk-rationale"')

    sign_in(client, review_lead)
    assertNotContains(load(client, in_review)[0], 'name="financial_risk-rationale"')


def test_a_change_committed_while_the_page_is_built_shows_on_the_next_load(
    client, in_review, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    """The race: the tokens are read before the rows, so a page built from rows read just before a
    change commits is kept under the token that the commit replaces."""
    keep = page_cache.CachedPage.keep

    def a_note_commits_then_keep(self, html, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            review.internal_note_add(submission_id=in_review.pk, actor=reviewer, text="Added meanwhile")
        keep(self, html, **kwargs)

    sign_in(client, reviewer)
    monkeypatch.setattr(page_cache.CachedPage, "keep", a_note_commits_then_keep)
    assertNotContains(load(client, in_review)[0], "Added meanwhile")
    monkeypatch.setattr(page_cache.CachedPage, "keep", keep)

    assertContains(load(client, in_review)[0], "Added meanwhile")
