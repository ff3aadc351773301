"""Driving a request through the portal's pages, as a browser would, with the test client.

For the tests of those pages; other tests make their requests with ``SubmissionFactory``.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from determinations.forms.sections import SECTIONS
from determinations.models import Submission, SubmissionWindow
from tests.factories import COMPLETE_ANSWERS, PARTICIPANTS_CSV, PDF_BYTES


def window(year: int, process: str, payer_type: str) -> SubmissionWindow:
    return SubmissionWindow.objects.get(performance_year__year=year, process=process, payer_type=payer_type)


def start_request(client, window, *, name="Example Shared Risk Program", **extra) -> Submission:
    data = {"window": str(window.pk), "arrangement_name": name, "years_requested": "1", **extra}
    response = client.post(reverse("determinations:request_start"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Submission.objects.latest("pk")


def post_section(client, submission, key, answers):
    data = {}
    for name, value in answers.items():
        data[name] = value
    data["save"] = "Save and continue"
    return client.post(reverse("determinations:submission_section", args=[submission.pk, key]), data)


def answer_every_section(client, submission, overrides=None):
    overrides = overrides or {}
    for section in SECTIONS:
        answers = {**COMPLETE_ANSWERS.get(section.key, {}), **overrides.get(section.key, {})}
        response = post_section(client, submission, section.key, answers)
        assert response.status_code == 302, response.content.decode()[:3000]
    response = post_participants(client, submission)
    assert response.status_code == 302, response.content.decode()[:3000]


def post_participants(client, submission, text=PARTICIPANTS_CSV):
    return client.post(reverse("determinations:submission_participants", args=[submission.pk]), {"text": text})


def add_other_measure(client, submission, *, title="30-day all-cause readmissions", outcome=True):
    data = {
        "other-title": title,
        "other-is_outcome": "on" if outcome else "",
        "other-basis": "cbe_endorsed",
        "other-cbe_id": "1789",
    }
    return client.post(reverse("determinations:measure_add", args=[submission.pk]), data)


def upload(client, submission, name="contract.pdf", content=PDF_BYTES, section="financial_risk"):
    upload_file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        reverse("determinations:submission_documents", args=[submission.pk]),
        {"file": upload_file, "section": section, "description": "Contract section 4"},
    )


def submit(client, submission, **extra):
    data = {"attester_name": "Jordan Submitter", "attester_title": "Director", "attests": "on", **extra}
    return client.post(reverse("determinations:submission_review", args=[submission.pk]), data)
