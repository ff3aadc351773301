"""Another organization's user can neither read, edit nor change a request (it answers like a missing
one); nothing is lost."""

import pytest
from django.urls import reverse

from determinations.models import Submission
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(reference_data, march_2026, commercial_payer):
    return SubmissionFactory(member=commercial_payer, state=SubmissionStatus.DRAFT)


@pytest.mark.parametrize(
    "method,name,args",
    [
        ("get", "determinations:submission_detail", []),
        ("get", "determinations:submission_section", ["contact"]),
        ("post", "determinations:submission_section", ["contact"]),
        ("get", "determinations:submission_documents", []),
        ("get", "determinations:submission_review", []),
        ("post", "determinations:submission_review", []),
        ("post", "determinations:measure_add", []),
        ("get", "determinations:submission_withdraw", []),
        ("post", "determinations:submission_withdraw", []),
        ("get", "determinations:submission_copy", []),
    ],
)
def test_other_organization_is_refused(client, draft, medicaid_payer, method, name, args):
    before = Submission.objects.get(pk=draft.pk)
    sign_in(client, medicaid_payer)
    url = reverse(name, args=[draft.pk, *args])
    data = {"submitter_name": "Intruder", "confirm": "on", "attests": "on", "save": "1"}
    response = getattr(client, method)(url, data if method == "post" else None)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    after = Submission.objects.get(pk=draft.pk)
    assert (after.status, after.answers) == (before.status, before.answers)


def test_staff_cannot_see_drafts(client, draft, reviewer):
    sign_in(client, reviewer)
    response = client.get(reverse("determinations:submission_detail", args=[draft.pk]))
    assert response.status_code == 404


def test_staff_cannot_start_requests(client, reference_data, reviewer):
    sign_in(client, reviewer)
    response = client.get(reverse("determinations:request_start"))
    assert response.status_code == 403
    assert "CMS staff review requests" in response.content.decode()
