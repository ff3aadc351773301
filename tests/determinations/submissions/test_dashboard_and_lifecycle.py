"""The submitter's dashboard, withdrawing, copying to next year, duplicates and the published list."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from determinations.models import Determination, Submission
from determinations.states import SubmissionStatus
from tests.support import sign_in

from .flow import add_other_measure, answer_every_section, start_request, submit, upload, window

pytestmark = pytest.mark.django_db


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:organization_home"))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow(
    client, reference_data, march_2026, commercial_payer, django_capture_on_commit_callbacks
):
    """Read with the list not cached (each new request replaces the organization's token once it
    commits), the dashboard runs as many queries for 13 requests as for one; cached, fewer."""
    sign_in(client, commercial_payer)
    with django_capture_on_commit_callbacks(execute=True):
        start_request(client, window(2027, "payer_initiated", "other_payer"), name="First")
    few = dashboard_queries(client)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(12):
            start_request(client, window(2027, "payer_initiated", "other_payer"), name=f"Arrangement {number}")
    many = dashboard_queries(client)
    assert many == few
    assert dashboard_queries(client) < many
    page = client.get(reverse("accounts:organization_home")).content.decode()
    assert "Arrangement 11" in page and "Draft: not yet sent to CMS" in page


def test_withdraw_before_decision(client, reference_data, march_2026, commercial_payer):
    sign_in(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    url = reverse("determinations:submission_withdraw", args=[submission.pk])
    unconfirmed = client.post(url, {"reason": "Changed our mind"})
    assert unconfirmed.status_code == 200
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT
    response = client.post(url, {"reason": "Duplicate of another request", "confirm": "on"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.WITHDRAWN
    detail = client.get(reverse("determinations:submission_detail", args=[submission.pk])).content.decode()
    assert "Withdrawn" in detail and "Duplicate of another request" in detail
    again = client.post(url, {"confirm": "on"})
    assert again.status_code == 302


def test_cannot_withdraw_after_decision(client, reference_data, march_2026, commercial_payer):
    sign_in(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.APPROVED, submitted_at=timezone.now())
    response = client.post(reverse("determinations:submission_withdraw", args=[submission.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert "cannot be withdrawn now" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.APPROVED


def test_copy_into_next_years_draft(client, reference_data, commercial_payer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2025-03-10 10:00 -0400", tick=True):
        sign_in(client, commercial_payer)
        source = start_request(client, window(2026, "payer_initiated", "other_payer"))
        answer_every_section(client, source)
        add_other_measure(client, source)
        upload(client, source)
        assert submit(client, source).status_code == 302
    with time_machine.travel("2026-03-10 10:00 -0400", tick=True):
        sign_in(client, commercial_payer)
        response = client.post(
            reverse("determinations:submission_copy", args=[source.pk]),
            {"window": str(window(2027, "payer_initiated", "other_payer").pk)},
        )
    assert response.status_code == 302
    source.refresh_from_db()
    copy = Submission.objects.exclude(pk=source.pk).get()
    assert copy.status == SubmissionStatus.DRAFT and copy.performance_year.year == 2027
    assert copy.copied_from == source and copy.arrangement == source.arrangement
    assert copy.answers == source.answers
    assert copy.measures.count() == 1 and copy.documents.count() == 0
    assert copy.attestation == {}


def test_duplicate_open_request_is_flagged(client, reference_data, march_2026, apm_entity_user):
    sign_in(client, apm_entity_user)
    clinician_window = window(2027, "clinician_initiated", "medicaid")
    start_request(client, clinician_window, name="Medicaid Health Home", payer_name="Example Medicaid")
    response = client.post(
        reverse("determinations:request_start"),
        {
            "window": str(clinician_window.pk),
            "arrangement_name": "Health Home",
            "years_requested": "1",
            "payer_name": "example medicaid",
        },
        follow=True,
    )
    assert "Your organization already has a request for example medicaid for 2027" in response.content.decode()


def test_clinician_search_finds_an_approved_arrangement(
    client, reference_data, march_2026, apm_entity_user, medicaid_payer
):
    sign_in(client, medicaid_payer)
    approved = start_request(
        client, window(2027, "payer_initiated", "medicaid"), name="Medicaid Primary Care Partnership"
    )
    Submission.objects.filter(pk=approved.pk).update(status=SubmissionStatus.APPROVED, submitted_at=timezone.now())
    Determination.objects.create(
        submission=approved,
        arrangement=approved.arrangement,
        outcome="approved",
        first_year=2027,
        last_year=2027,
        decided_by=medicaid_payer,
        decided_at=timezone.now(),
    )
    sign_in(client, apm_entity_user)
    page = client.get(reverse("determinations:request_start"), {"q": "primary care"}).content.decode()
    assert "Already approved: no request needed" in page and "Medicaid Primary Care Partnership" in page
    page = client.get(reverse("determinations:request_start"), {"q": "dental"}).content.decode()
    assert "No approved arrangement matches" in page


def test_only_open_windows_can_be_chosen(client, reference_data, march_2026, commercial_payer):
    sign_in(client, commercial_payer)
    closed = window(2026, "payer_initiated", "other_payer")
    response = client.post(
        reverse("determinations:request_start"),
        {"window": str(closed.pk), "arrangement_name": "Late", "years_requested": "1"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Submission.objects.count() == 0
    page = client.get(reverse("determinations:request_start")).content.decode()
    assert "Closed" in page


def test_the_dashboard_is_paged(client, reference_data, march_2026, commercial_payer, monkeypatch):
    monkeypatch.setattr("accounts.views.homes.DASHBOARD_PAGE_SIZE", 2)
    sign_in(client, commercial_payer)
    for number in range(3):
        start_request(client, window(2027, "payer_initiated", "other_payer"), name=f"Paged Program {number}")

    first = client.get(reverse("accounts:organization_home"))
    second = client.get(reverse("accounts:organization_home"), {"page": 2})

    assert [s.arrangement.name for s in first.context["page"].object_list] == ["Paged Program 2", "Paged Program 1"]
    assert [s.arrangement.name for s in second.context["page"].object_list] == ["Paged Program 0"]
    assert 'aria-label="Pages of your requests"' in first.content.decode()
