"""What CMS decides on (issue 12): participants as data, a contract document with cited pages, years tied
to the agreement, checked codes; each missing piece blocks submitting with a link to its field."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import OrganizationKind
from determinations.forms.sections import FinancialRiskSection
from determinations.models import ApmEntityParticipant, Submission
from determinations.rules.identifiers import npi_problem
from determinations.selectors.participants import submission_participants
from determinations.services import precheck, submissions
from determinations.services.submission_completeness import submission_blocking_problems
from tests.factories import COMPLETE_ANSWERS, PARTICIPANTS_CSV, PDF_BYTES, organization_member
from tests.support import sign_in

from .flow import (
    add_other_measure,
    answer_every_section,
    post_participants,
    post_section,
    start_request,
    submit,
    upload,
    window,
)

pytestmark = pytest.mark.django_db


def problem_messages(submission) -> dict[str, str]:
    return {p.message: p.url for p in submission_blocking_problems(Submission.objects.get(pk=submission.pk))}


def missing_link(submission, words: str) -> str:
    matches = [url for message, url in problem_messages(submission).items() if words in message]
    assert matches, problem_messages(submission)
    return matches[0]


@pytest.fixture
def draft(client, reference_data, march_2026, commercial_payer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, commercial_payer)
    return start_request(client, window(2027, "payer_initiated", "other_payer"))


# --- 1. Participants -------------------------------------------------------------------------


def test_participant_csv_names_the_bad_row_then_saves_the_fixed_list(client, draft):
    bad = PARTICIPANTS_CSV.replace("1245319599", "1245319590")
    response = post_participants(client, draft, bad)
    assert response.status_code == 400
    assert "Line 3: 1245319590 is not an NPI: its check digit is wrong." in response.content.decode()
    assert not ApmEntityParticipant.objects.filter(submission=draft).exists()

    upload_file = SimpleUploadedFile("participants.csv", PARTICIPANTS_CSV.encode(), content_type="text/csv")
    response = client.post(reverse("determinations:submission_participants", args=[draft.pk]), {"file": upload_file})
    assert response.status_code == 302
    entities = submission_participants(draft)
    assert [(e.name, e.tin, e.entity_identifier, len(e.npis)) for e in entities] == [
        ("Riverside Primary Care", "123456789", "ENT-001", 2),
        ("Hilltop Family Medicine", "987654321", "ENT-002", 1),
    ]
    page = client.get(reverse("determinations:submission_participants", args=[draft.pk])).content.decode()
    assert "2 APM Entities, 3 clinicians; the largest APM Entity has 2" in page


def test_a_draft_without_participants_cannot_be_submitted_and_the_message_links_to_the_list(client, draft):
    answer_every_section(client, draft)
    ApmEntityParticipant.objects.filter(submission=draft).delete()
    url = missing_link(draft, "the participant list")
    assert url == reverse("determinations:submission_participants", args=[draft.pk]) + "#id_file"
    add_other_measure(client, draft)
    upload(client, draft)
    response = submit(client, draft)
    assert response.status_code == 400
    assert url in response.content.decode()


def test_the_rules_read_the_counts_from_the_participant_list_not_typed_figures(client, draft):
    answer_every_section(client, draft)
    # A figure typed before the list existed is ignored: the largest entity in the list has 2 clinicians.
    draft.answers["arrangement"]["eligible_clinician_count"] = 400
    draft.save()
    data = precheck.submission_rule_input(Submission.objects.get(pk=draft.pk))
    assert data["arrangement"]["eligible_clinician_count"] == 2
    assert data["arrangement"]["apm_entity_count"] == 2


def test_medical_home_size_limit_reads_the_largest_entity_in_the_list(client, reference_data, march_2026):
    """From 2023 an APM Entity of more than 50 clinicians cannot use the medical home standard (d)(8)."""
    payer = organization_member(OrganizationKind.PAYER, "medicaid", "State Medicaid Agency")
    sign_in(client, payer)
    submission = start_request(client, window(2027, "payer_initiated", "medicaid"))
    answer_every_section(client, submission)
    npis = [n for n in (f"1{str(i).zfill(8)}" for i in range(1, 400)) for n in [n + _check_digit(n)]][:51]
    rows = "".join(f"Big Clinic,123456789,E1,{npi}\n" for npi in npis)
    assert post_participants(client, submission, "entity_name,tin,entity_identifier,npi\n" + rows).status_code == 302
    post_section(
        client,
        submission,
        "financial_risk",
        {
            "risk_type": "medicaid_medical_home",
            "risk_mechanisms": ["withhold"],
            "maximum_loss_amount": "60000",
            "medical_home_average_revenue": "1000000",
            "risk_basis": "per_apm_entity",
            "risk_calculation": "Withhold of 6%.",
        },
    )
    post_section(
        client,
        submission,
        "arrangement",
        {
            **COMPLETE_ANSWERS["arrangement"],
            "is_medical_home": "True",
            "primary_care_focus": "True",
            "empanelment": "True",
            "medical_home_elements": ["chronic_preventive_care", "access_continuity", "risk_stratified_care",
                                      "patient_engagement"],
        },
    )  # fmt: skip
    result = precheck.submission_precheck(Submission.objects.get(pk=submission.pk)).result
    size = str(result["criteria"]["financial_risk"])
    assert "the largest APM Entity has 51 eligible clinicians" in size


def _check_digit(nine: str) -> str:
    return next(d for d in "0123456789" if npi_problem(nine + d) is None)


def test_requester_npi_is_required_of_clinicians_and_checked(client, reference_data, october_2026):
    clinician = organization_member(OrganizationKind.PRACTICE, name="Test Practice")
    sign_in(client, clinician)
    submission = start_request(client, window(2026, "clinician_initiated", "other_payer"), payer_name="Payer")
    answers = {k: v for k, v in COMPLETE_ANSWERS["contact"].items() if k != "requester_npi"}
    assert post_section(client, submission, "contact", answers).status_code == 302
    assert missing_link(submission, "Your NPI").endswith("#id_requester_npi")
    response = post_section(client, submission, "contact", {**answers, "requester_npi": "1234567890"})
    assert response.status_code == 200
    assert "check digit is wrong" in response.content.decode()
    # The practice's TIN is on the request.
    assert "TIN 987654321" in response.content.decode()


# --- 2. Documents and citations --------------------------------------------------------------


def test_a_contract_document_is_required_and_other_documents_do_not_count(client, draft):
    url = missing_link(draft, "the contract or arrangement agreement")
    assert url == reverse("determinations:submission_documents", args=[draft.pk]) + "#id_file"
    upload(client, draft, section="other")
    assert "the contract or arrangement agreement" in " ".join(problem_messages(draft))
    upload(client, draft, name="contract.pdf", content=PDF_BYTES + b"2", section="arrangement")
    assert "the contract or arrangement agreement" not in " ".join(problem_messages(draft))


def test_a_citation_names_the_document_and_page_and_opens_the_pdf_there(client, draft):
    upload(client, draft, section="arrangement")
    document = draft.documents.get()
    response = client.post(
        reverse("determinations:citation_add", args=[draft.pk]),
        {"citation-criterion": "cehrt", "citation-document": document.pk, "citation-page": "12",
         "citation-note": "Section 4.2"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("determinations:submission_documents", args=[draft.pk])).content.decode()
    link = reverse("determinations:document_download", args=[draft.pk, document.pk]) + "?inline=1#page=12"
    assert link in page
    opened = client.get(reverse("determinations:document_download", args=[draft.pk, document.pk]) + "?inline=1")
    assert opened["Content-Disposition"].startswith("inline")
    refused = client.post(
        reverse("determinations:citation_add", args=[draft.pk]),
        {"citation-criterion": "cehrt", "citation-document": document.pk, "citation-page": "0"},
    )
    assert refused.status_code == 400
    assert "Pages start at 1." in refused.content.decode()


# --- 3. Years ----------------------------------------------------------------------------------


def test_years_must_fit_the_agreement_and_can_be_changed_on_the_arrangement_step(client, draft):
    answers = {**COMPLETE_ANSWERS["arrangement"], "start_date": "2027-01-01", "end_date": "2028-12-31"}
    assert post_section(client, draft, "arrangement", {**answers, "years_requested": "3"}).status_code == 302
    draft.refresh_from_db()
    assert draft.years == [2027, 2028, 2029]
    url = missing_link(draft, "2027 to 2029 asked for, but the agreement runs from 2027-01-01 to 2028-12-31")
    assert url.endswith("/steps/arrangement/#id_years_requested")
    post_section(client, draft, "arrangement", {**answers, "years_requested": "2"})
    assert not any("agreement runs" in m for m in problem_messages(draft))


def test_the_check_runs_for_each_year_under_its_own_parameters(client, reference_data):
    """2019 still had the total-risk minimum of 4% of expected expenditures; 2020 dropped it."""
    payer = organization_member(OrganizationKind.PAYER, "multi_payer_model", "Multi-Payer Plan")
    import time_machine

    with time_machine.travel(datetime.datetime(2018, 3, 16, 10, tzinfo=datetime.UTC), tick=True):
        submission = submissions.submission_start(
            actor=payer,
            organization=payer.memberships.get().organization,
            window=window(2019, "payer_initiated", "multi_payer_model"),
            arrangement_name="Three-year plan",
            years_requested=3,
        )
    form = FinancialRiskSection(
        data={**COMPLETE_ANSWERS["financial_risk"], "maximum_loss_amount": "350000"}, submission=submission
    )
    assert form.is_valid(), form.errors
    submissions.submission_save_section(
        submission_id=submission.pk, actor=payer, section="financial_risk", answers=form.answers()
    )
    by_year = precheck.submission_prechecks_by_year(Submission.objects.get(pk=submission.pk))
    assert [y.year for y in by_year] == [2019, 2020, 2021]
    assert by_year[0].outcome("financial_risk") == "does_not_meet"
    assert by_year[1].outcome("financial_risk") == "meets"
    assert "financial_risk" in by_year[1].differs and "financial_risk" in by_year[2].differs
    reasons = " ".join(by_year[0].precheck.criteria[2].reasons)
    assert "414.1420(d)(3)(ii)(B)" in reasons


# --- Drafts saved before this change ------------------------------------------------------------


def test_a_draft_saved_the_old_way_opens_with_the_new_questions_marked(client, draft):
    draft.answers = {
        "contact": {**COMPLETE_ANSWERS["contact"], "state": "Maryland", "ma_contract_numbers": "H1234"},
        "arrangement": {
            "name": "Old draft",
            "description": "Typed before participants were data.",
            "start_date": "2027-01-01",
            "end_date": "2029-12-31",
            "line_of_business": "commercial",
            "geographic_scope": "Maryland",
            "participants": "Ten APM Entities",
            "apm_entity_count": 10,
            "eligible_clinician_count": 40,
            "is_medical_home": False,
            "aligned_with_multi_payer_model": False,
        },
    }
    draft.save()
    for key in ("contact", "arrangement", "cehrt", "quality", "financial_risk"):
        assert client.get(reverse("determinations:submission_section", args=[draft.pk, key])).status_code == 200
    for name in ("participants", "documents", "review"):
        url = reverse(f"determinations:submission_{name}", args=[draft.pk])
        assert client.get(url).status_code == 200
    messages = " ".join(problem_messages(draft))
    assert "the participant list" in messages
    assert "States where it operates" in messages
    assert "the contract or arrangement agreement" in messages
    review = client.get(reverse("determinations:submission_review", args=[draft.pk])).content.decode()
    assert "the participant list" in review


# --- 4. Risk figures --------------------------------------------------------------------------


def test_loss_bands_are_stored_in_the_shape_the_rules_read_and_checked(client, draft):
    answer_every_section(client, draft)
    risk = {
        **COMPLETE_ANSWERS["financial_risk"],
        "band_1_from": "2",
        "band_1_to": "4",
        "band_1_rate": "30",
        "band_2_from": "4",
        "band_2_rate": "50",
    }
    assert post_section(client, draft, "financial_risk", risk).status_code == 302
    draft.refresh_from_db()
    assert draft.answers["financial_risk"]["marginal_risk_bands"] == [
        {"from_percent": "2", "to_percent": "4", "rate_percent": "30"},
        {"from_percent": "4", "rate_percent": "50"},
    ]
    page = client.get(reverse("determinations:submission_section", args=[draft.pk, "financial_risk"])).content
    assert b'name="band_2_from" value="4"' in page
    summary = client.get(reverse("determinations:submission_review", args=[draft.pk])).content.decode()
    assert "<dt>Band 2: losses from</dt><dd>4%</dd>" in summary
    overlapping = {**risk, "band_2_from": "3"}
    response = post_section(client, draft, "financial_risk", overlapping)
    assert response.status_code == 200
    assert "bands must be in order and must not overlap" in response.content.decode()


def test_the_risk_test_chosen_decides_what_is_required(client, draft):
    answer_every_section(client, draft)
    risk = {
        k: v
        for k, v in COMPLETE_ANSWERS["financial_risk"].items()
        if k not in ("expenditures_without_arrangement", "risk_basis", "band_1_from", "band_1_rate")
    }
    post_section(client, draft, "financial_risk", risk)
    messages = problem_messages(draft)
    assert missing_link(draft, "Expected spending without the arrangement").endswith(
        "#id_expenditures_without_arrangement"
    )
    assert missing_link(draft, "The amounts below are").endswith("#id_risk_basis")
    assert missing_link(draft, "The loss bands").endswith("#id_band_1_from")
    post_section(
        client, draft, "financial_risk", {**risk, "risk_defined_in_revenue": "True", "total_revenue": "5000000"}
    )
    messages = problem_messages(draft)
    assert not any("without the arrangement" in m for m in messages)


# --- 5. Medical homes ---------------------------------------------------------------------------


def test_medical_home_questions_follow_the_regulation_not_the_payer_type(client, reference_data, march_2026):
    """A Medicare Health Plan can run an Aligned Other Payer Medical Home Model; it cannot run a Medicaid one."""
    plan = organization_member(OrganizationKind.PAYER, "medicare_health_plan", "Medicare Plan")
    sign_in(client, plan)
    submission = start_request(client, window(2027, "payer_initiated", "medicare_health_plan"))
    page = client.get(reverse("determinations:submission_section", args=[submission.pk, "arrangement"])).content
    assert b'name="is_medical_home"' in page and b'name="medical_home_elements"' in page
    risk = client.get(reverse("determinations:submission_section", args=[submission.pk, "financial_risk"])).content
    assert b'value="aligned_medical_home"' in risk and b'value="medicaid_medical_home"' not in risk
    post_section(client, submission, "financial_risk", {"risk_type": "aligned_medical_home"})
    assert missing_link(submission, "Which CMS Multi-Payer Model?").endswith("#id_multi_payer_model_name")
    assert missing_link(submission, "written agreement").endswith("#id_alignment_agreement")


# --- 6. Codes -----------------------------------------------------------------------------------


def test_codes_are_checked_on_the_step(client, reference_data, march_2026):
    plan = organization_member(OrganizationKind.PAYER, "medicaid", "State Medicaid Agency")
    sign_in(client, plan)
    submission = start_request(client, window(2027, "payer_initiated", "medicaid"))
    assert post_section(client, submission, "contact", COMPLETE_ANSWERS["contact"]).status_code == 302
    response = post_section(
        client, submission, "arrangement", {**COMPLETE_ANSWERS["arrangement"], "states": "MD, XX",
                                            "medicaid_counties": "51059"}
    )  # fmt: skip
    page = response.content.decode()
    assert "&#x27;XX&#x27; is not a USPS state code." in page
    assert "51059 is a county of Virginia, not of Maryland." in page
    assert post_section(client, submission, "arrangement", COMPLETE_ANSWERS["arrangement"]).status_code == 302
    submission.refresh_from_db()
    assert submission.answers["arrangement"]["medicaid_counties"] == ["24031", "24033"]


def test_ma_contract_numbers_are_required_of_payers_and_checked(client, reference_data, march_2026):
    plan = organization_member(OrganizationKind.PAYER, "medicare_health_plan", "Medicare Plan")
    sign_in(client, plan)
    submission = start_request(client, window(2027, "payer_initiated", "medicare_health_plan"))
    contact = {k: v for k, v in COMPLETE_ANSWERS["contact"].items() if k != "ma_contract_numbers"}
    post_section(client, submission, "contact", contact)
    assert missing_link(submission, "Medicare Advantage contract numbers").endswith("#id_ma_contract_numbers")
    response = post_section(client, submission, "contact", {**contact, "ma_contract_numbers": "H1234, H12"})
    assert "&#x27;H12&#x27; is not a Medicare Advantage contract number" in response.content.decode()


def test_hospitals_answer_cehrt_yes_or_no_each_and_the_rule_reads_it(client, draft):
    answer_every_section(client, draft)
    post_section(client, draft, "cehrt", {"requires_cehrt": "False", "hospitals_are_apm_entities": "True"})
    assert "whether each hospital uses CEHRT" in " ".join(problem_messages(draft))
    csv = "entity_name,tin,entity_identifier,npi,uses_cehrt\nGeneral,123456789,H1,,yes\nCity,987654321,H2,,no\n"
    assert post_participants(client, draft, csv).status_code == 302
    assert not any("hospital uses CEHRT" in m for m in problem_messages(draft))
    check = precheck.submission_precheck(Submission.objects.get(pk=draft.pk))
    cehrt = check.criteria[0]
    assert cehrt.outcome == "does_not_meet"
    assert "City does not use CEHRT" in cehrt.reasons[0]


def test_next_years_draft_starts_with_the_same_participants(client, draft):
    answer_every_section(client, draft)
    copy = submissions.submission_copy_to_new_draft(
        source=draft, actor=draft.created_by, window=window(2027, "payer_initiated", "other_payer")
    )
    assert submission_participants(copy) == submission_participants(draft)
    assert len(submission_participants(copy)) == 2


def test_the_submitted_request_shows_its_participants_and_citations(client, draft):
    answer_every_section(client, draft)
    upload(client, draft, section="arrangement")
    document = draft.documents.get()
    client.post(
        reverse("determinations:citation_add", args=[draft.pk]),
        {"citation-criterion": "quality", "citation-document": document.pk, "citation-page": "4"},
    )
    page = client.get(reverse("determinations:submission_detail", args=[draft.pk])).content.decode()
    assert "Hilltop Family Medicine" in page and "987654321" in page
    assert "contract.pdf, page 4" in page
