"""The All-Payer QP steps through the pages once the submission is sent: each says when it was sent and shows
what was sent, and changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.support import sign_in

from .support import complete_draft, submit

pytestmark = pytest.mark.django_db

STEPS = [
    ("all_payer_qp_section", ["submitter"]),
    ("all_payer_qp_arrangements", []),
    ("all_payer_qp_figures", []),
    ("all_payer_qp_review", []),
]


@pytest.mark.parametrize("name,extra", STEPS)
def test_a_step_of_a_sent_submission_shows_what_was_sent(client, entity_member, commercial_2026, name, extra):
    submission = submit(complete_draft(entity_member, [commercial_2026]), entity_member)
    before = (submission.answers, submission.attestation, submission.arrangements.count())
    sign_in(client, entity_member)

    response = client.post(reverse(f"determinations:{name}", args=[submission.pk, *extra]), {"save": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("determinations:all_payer_qp_detail", args=[submission.pk])
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("This All-Payer QP submission was submitted on ")
    assert f"(tracking number {submission.tracking_number}), so it can no longer be changed." in message
    submission.refresh_from_db()
    assert (submission.answers, submission.attestation, submission.arrangements.count()) == before
