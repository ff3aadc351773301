"""What CMS decided stays as decided: a draft started from an approved request (next year's request)
shares the arrangement's identity, but renaming it changes only the draft (issue 9, finding 1)."""

import csv
import io
import json

import pytest
from django.urls import reverse

from determinations.models import Submission
from determinations.states import SubmissionStatus
from tests.factories import COMPLETE_ANSWERS, SubmissionFactory
from tests.support import sign_in

from .flow import post_section

pytestmark = pytest.mark.django_db

APPROVED_NAME = "Approved Shared Risk Program"
NEW_NAME = "Renamed Without Review"


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def renamed_renewal(client, reference_data, clock, media, payer, reviewer, review_lead):
    """An approved 2027 request, and the payer's copy of it renamed on the copy's arrangement step."""
    approved = SubmissionFactory(
        member=payer, name=APPROVED_NAME, state=SubmissionStatus.APPROVED, reviewer=reviewer, lead=review_lead
    )
    sign_in(client, payer)
    window = approved.window
    response = client.post(reverse("determinations:submission_copy", args=[approved.pk]), {"window": str(window.pk)})
    assert response.status_code == 302
    draft = Submission.objects.get(copied_from=approved)
    answers = {**COMPLETE_ANSWERS["arrangement"], "name": NEW_NAME}
    assert post_section(client, draft, "arrangement", answers).status_code == 302
    return approved, draft


def test_renaming_a_renewal_leaves_the_published_list_as_approved(client, renamed_renewal):
    page = body(client.get(reverse("apms:list"), {"year": 2027}))
    rows = list(csv.DictReader(io.StringIO(body(client.get(reverse("apms:list_csv"), {"year": 2027})))))
    listed = json.loads(body(client.get(reverse("apms:list_json"), {"year": 2027})))

    assert APPROVED_NAME in page and NEW_NAME not in page
    assert [row["arrangement"] for row in rows] == [APPROVED_NAME]
    assert [row["arrangement"] for row in listed["apms"]] == [APPROVED_NAME]


def test_renaming_a_renewal_leaves_the_queue_and_the_approved_request_as_approved(
    client, renamed_renewal, payer, reviewer
):
    approved, draft = renamed_renewal

    submitter_view = body(client.get(reverse("determinations:submission_detail", args=[approved.pk])))
    dashboard = body(client.get(reverse("accounts:organization_home")))
    draft_page = body(client.get(reverse("determinations:submission_review", args=[draft.pk])))
    sign_in(client, reviewer)
    queue = body(client.get(reverse("accounts:reviewer_home"), {"status": "all"}))
    export = body(client.get(reverse("determinations:review_queue_export"), {"status": "all"}))
    review_page = body(client.get(reverse("determinations:review_detail", args=[approved.pk])))

    for decided in (submitter_view, queue, export, review_page):
        assert APPROVED_NAME in decided and NEW_NAME not in decided
    assert NEW_NAME in draft_page
    assert APPROVED_NAME in dashboard and NEW_NAME in dashboard  # the approved request and its renamed draft
    approved.refresh_from_db()
    assert approved.answers["arrangement"]["name"] == APPROVED_NAME
