"""Fixtures and helpers of the outbox, reminder, job and worker tests: complete drafts and requests
made through the services, as the pages would make them. A test module takes the fixtures it needs
with ``name = review_support.name``.
"""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import OrganizationKind, StaffRole
from determinations.models import Submission, SubmissionWindow
from determinations.services import documents, review
from determinations.workflow import transition_apply
from tests.factories import UserFactory
from tests.factories import organization_member as member_of
from tests.factories.submissions import attested, draft_answered
from tests.support import MARCH_2026

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CRITERIA = ("cehrt", "quality", "financial_risk")
ALL_MEET = {key: review.FindingInput("meets", f"The evidence shows {key} is met.") for key in CRITERIA}


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def review_data(db):
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def clock():
    """Mid-March 2026, when the 2027 payer windows are open; it ticks."""
    with time_machine.travel(MARCH_2026, tick=True) as traveller:
        yield traveller


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def payer(db):
    return member_of(OrganizationKind.PAYER, "other_payer", "Test Commercial Health Plan")


@pytest.fixture
def second_lead(db):
    return UserFactory(staff_role=StaffRole.REVIEW_LEAD, full_name="Second Lead")


@pytest.fixture
def submitted(review_data, clock, media, payer):
    return submitted_request(payer)


@pytest.fixture
def in_review(submitted, reviewer):
    return review_started(submitted, reviewer)


# --- Helpers ---------------------------------------------------------------------------------


def window(payer_type: str = "other_payer", year: int = 2027) -> SubmissionWindow:
    return SubmissionWindow.objects.get(
        performance_year__year=year, process="payer_initiated", payer_type=payer_type, is_demonstration=False
    )


def submitted_request(member, *, now=None, **draft) -> Submission:
    """A complete request, submitted by ``member`` through the services (the clock must be in the window)."""
    submission = complete_draft(member, now=now, **draft)
    transition_apply(submission_id=submission.pk, name="submit", actor=member, now=now)
    return Submission.objects.get(pk=submission.pk)


def complete_draft(
    member,
    *,
    name="Example Shared Risk Program",
    years=1,
    payer_type="other_payer",
    document_count=1,
    measure_count=1,
    now=None,
) -> Submission:
    """A draft with every answer, participants, measures, cited documents and the attestation: ready to submit.

    Built by the factory's own steps (tests/factories/submissions.py), short of the submit."""
    organization = member.memberships.get().organization
    with time_machine.travel(now or timezone.now(), tick=True):
        submission = draft_answered(
            window(payer_type), member, organization, name=name, payer_name=organization.name, years=years
        )
        ready = attested(submission, member, measure_count=measure_count, document_count=document_count)
    return Submission.objects.get(pk=ready.pk)


def document_add(submission, member, *, name="contract.pdf", section="financial_risk", information_request=None):
    content = PDF_BYTES + name.encode()
    return documents.document_upload(
        submission=submission,
        actor=member,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        section=section,
        description="Contract section 4",
        information_request=information_request,
    )


def review_started(submission, reviewer, *, now=None) -> Submission:
    Submission.objects.filter(pk=submission.pk).update(assignee=reviewer, assigned_at=now or submission.submitted_at)
    return transition_apply(submission_id=submission.pk, name="start_review", actor=reviewer, now=now)


def findings_record(submission, reviewer, *, overrides: dict | None = None, now=None):
    findings = {**ALL_MEET}
    for key, finding in (overrides or {}).items():
        findings[key] = review.FindingInput(finding, f"Finding {finding} for {key}.")
    return review.findings_save(submission_id=submission.pk, actor=reviewer, findings=findings, now=now)


def recommended(submission, reviewer, *, recommendation="approve", overrides=None, now=None) -> Submission:
    findings_record(submission, reviewer, overrides=overrides, now=now)
    return review.recommendation_make(
        submission_id=submission.pk, actor=reviewer, recommendation=recommendation, note="Ready.", now=now
    )


def approved(submission, reviewer, lead, *, now=None) -> Submission:
    recommended(submission, reviewer, now=now)
    return review.decision_make(submission_id=submission.pk, actor=lead, decision="approve", now=now)


def due_in(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)
