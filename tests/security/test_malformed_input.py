"""Finding 5 of the 2026-11-30 probe: malformed input answered with a clear error, never a 500.

Each case is one the probe found (or a sibling of it): a NUL in a search, a measure chosen by
something that is not an ID, the admin's request page, a figure too large for the rules, a file that
is not UTF-8. The hypothesis-driven sweep over every form is in ``test_hostile_input.py``.
"""

import json
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from determinations.models import ArrangementMeasure
from tests.factories import SubmissionFactory
from tests.support import sign_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "docs" / "examples" / "commercial_two_sided.json").read_text())

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["apm_entity_user", "medicaid_payer"])
def test_a_nul_in_the_published_search_is_a_clear_error(request, client, reference_data, clock, who):
    sign_in(client, request.getfixturevalue(who))
    response = client.get(reverse("determinations:request_start"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("apms:list", {"year": "2027\x00"}),
        ("apms:list_csv", {"payer_type": "a\x00b"}),
        ("apms:list_json", {"year": "\x00"}),
    ],
)
def test_a_nul_in_the_public_list_filters_is_a_clear_error(client, reference_data, url, params):
    assert client.get(reverse(url), params).status_code == 400


@pytest.mark.parametrize("staff", ["reviewer", "review_lead"])
def test_a_nul_in_the_review_queue_filters_is_not_a_500(request, client, reference_data, staff):
    sign_in(client, request.getfixturevalue(staff))
    for url in ("accounts:reviewer_home", "determinations:review_queue_export"):
        response = client.get(reverse(url), {"q": "a\x00b", "organization": "\x00"})
        assert response.status_code < 500


@pytest.fixture
def draft(reference_data, clock, commercial_payer):
    return SubmissionFactory(member=commercial_payer, state="draft")


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-1", "9" * 30, "1\x00"])
def test_a_mips_measure_that_is_not_an_id_is_refused_with_a_message(client, draft, commercial_payer, value):
    sign_in(client, commercial_payer)
    before = ArrangementMeasure.objects.filter(submission=draft).count()
    response = client.post(reverse("determinations:measure_add", args=[draft.pk]), {"mips_measure": value}, follow=True)
    assert response.status_code == 200
    assert "is not on the" in response.content.decode()
    assert ArrangementMeasure.objects.filter(submission=draft).count() == before


def test_the_admin_page_of_a_request_opens(client, reference_data, clock, commercial_payer, program_admin):
    submission = SubmissionFactory(member=commercial_payer)
    sign_in(client, program_admin)
    response = client.get(reverse("admin:determinations_submission_change", args=[submission.pk]))
    assert response.status_code == 200
    document = submission.documents.get()
    assert document.original_name in response.content.decode()


def test_every_admin_page_opens_for_a_program_admin(client, reference_data, clock, commercial_payer, program_admin):
    """The siblings of the inline above: each registered model's list, add and change pages."""
    SubmissionFactory(member=commercial_payer, state="approved")
    sign_in(client, program_admin)
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        instance = model_admin.get_queryset(RequestFactory().get("/")).first()
        if instance is not None:
            pages.append(reverse(f"{prefix}_change", args=[instance.pk]))
        for url in pages:
            assert client.get(url).status_code in (200, 302, 403), url


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("maximum_loss_amount", "1e26"),
        ("expected_expenditures", "1e30"),
        ("expenditures_without_arrangement", 10**40),
        ("total_revenue", "123456789012345678901234567890"),
    ],
)
def test_evaluate_arrangement_refuses_amounts_too_large(tmp_path, field, value):
    data = json.loads(json.dumps(EXAMPLE))
    data["financial_risk"][field] = value
    path = tmp_path / "arrangement.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match=rf"financial_risk\.{field}: must be 99999999999999\.99 or less"):
        call_command("evaluate_arrangement", str(path))


def test_evaluate_arrangement_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "arrangement.json"
    path.write_bytes('{"year": 2024, "payer_type": "other_payer", "arrangement": {"name": "café"}}'.encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("evaluate_arrangement", str(path))


def test_determine_qp_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "participation.csv"
    path.write_bytes("npi,café\n".encode("latin-1") + b"\xff\xfe" * 10)
    with pytest.raises(CommandError, match="is not a UTF-8 CSV"):
        call_command("determine_qp", "--year", "2025", "--snapshot", "1", "--input", str(path), "--output", "-")
