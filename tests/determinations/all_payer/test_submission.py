"""The All-Payer QP Submission through its services: each step, what is missing, the window, submit, the receipt."""

import datetime

import pytest
import time_machine

from determinations.forms.all_payer import AllPayerFiguresForm, SubmitterSection
from determinations.models import AllPayerQPStatus
from determinations.rules import tracking_numbers
from determinations.services import all_payer_qp as service
from messaging.kinds import KINDS
from messaging.models import Message

from .support import (
    D1_FIGURES,
    D1_TOTALS,
    SUBMITTER,
    all_payer_window,
    approved_determination,
    complete_draft,
    submit,
    submitter_answers,
)

pytestmark = pytest.mark.django_db


def _messages(submission) -> list[str]:
    return [problem.message for problem in service.all_payer_qp_missing(submission)]


def test_the_journey_step_by_step(entity_member, commercial_2026):
    organization = entity_member.memberships.get().organization
    submission = service.all_payer_qp_start(actor=entity_member, organization=organization, window=all_payer_window())
    # An APM Entity starts at entity level with its own identifier; the submitter comes from the account.
    assert (submission.level, submission.apm_entity_id, submission.status) == ("entity", "E1", "draft")
    missing = _messages(submission)
    assert "Missing: Your title" in missing and "Missing: Level of determination requested" not in missing
    assert "Missing: at least one Other Payer Advanced APM you took part in" in missing
    assert all(p.url.startswith(f"/all-payer-qp/{submission.pk}/") for p in service.all_payer_qp_missing(submission))

    submission = submitter_answers(submission, entity_member, level="entity", apm_entity_id="E1")
    assert [p.section for p in service.all_payer_qp_missing(submission)] == ["arrangements"]

    arrangement = service.all_payer_qp_arrangement_add(
        submission_id=submission.pk, actor=entity_member, determination_id=commercial_2026.pk
    )
    assert (arrangement.name, arrangement.payer_name, arrangement.medicaid) == (
        "Shared Savings Plus",
        "Acme Health",
        False,
    )
    assert _messages(submission) == [
        "Missing: payments or patients, through the arrangement and the period's total, for Shared Savings Plus"
    ]
    with pytest.raises(service.AllPayerQPError, match="already on this submission"):
        service.all_payer_qp_arrangement_add(
            submission_id=submission.pk, actor=entity_member, determination_id=commercial_2026.pk
        )

    # Figures through the arrangement in a period without its totals are not enough.
    figures = {(arrangement.pk, 2): dict(D1_FIGURES)}
    service.all_payer_qp_figures_save(
        submission_id=submission.pk, actor=entity_member, totals={1: dict(D1_TOTALS)}, figures=figures
    )
    assert len(service.all_payer_qp_blocking_problems(submission)) == 1
    service.all_payer_qp_figures_save(
        submission_id=submission.pk, actor=entity_member, totals={2: dict(D1_TOTALS)}, figures=figures
    )
    assert service.all_payer_qp_blocking_problems(submission) == []

    submitted = submit(submission, entity_member)
    assert submitted.status == AllPayerQPStatus.SUBMITTED
    assert submitted.tracking_number.startswith("OPA-2026-AP-")
    assert tracking_numbers.is_valid(submitted.tracking_number)
    assert submitted.attestation["name"] == "Ada Lovelace"
    # Read-only once submitted; a second click is told when, and nothing is sent again.
    with pytest.raises(service.AllPayerQPError, match="can no longer be changed"):
        submitter_answers(submitted, entity_member, level="clinician", npi="1234567893")
    with pytest.raises(service.AllPayerQPRepeated, match=submitted.tracking_number):
        submit(submission, entity_member)
    receipts = Message.objects.filter(kind=service.RECEIPT, object_id=submission.pk)
    assert list(receipts.values_list("recipient", flat=True)) == [entity_member.email]
    email = KINDS[service.RECEIPT].compose(receipts.get())
    assert submitted.tracking_number in email.subject
    assert "Shared Savings Plus" in email.body and "Entity" in email.body


def test_only_the_years_approved_arrangements_can_be_named(entity_member, commercial_2026, reviewer, review_lead):
    later = approved_determination("other_payer", "Next Year Plan", "Beta Health", reviewer, review_lead, year=2027)
    submission = complete_draft(entity_member, [commercial_2026])
    with pytest.raises(service.AllPayerQPError, match="not an approved Other Payer Advanced APM for 2026"):
        service.all_payer_qp_arrangement_add(
            submission_id=submission.pk, actor=entity_member, determination_id=later.pk
        )


def test_the_tin_level_needs_the_tin_rule(entity_member, commercial_2026):
    submission = complete_draft(entity_member, [commercial_2026])
    submission = submitter_answers(submission, entity_member, level="tin", apm_entity_id="E1")
    # TIN level brings its questions: the TIN and the rule that every clinician of the TIN is in this entity.
    assert set(_messages(submission)) == {
        "Missing: TIN",
        "Missing: Confirmation that the TIN's clinicians are all in this APM Entity",
    }
    refused = SubmitterSection(
        SUBMITTER | {"level": "tin", "apm_entity_id": "E1", "tin": "123456789", "tin_single_entity": "False"},
        submission=submission,
    )
    assert not refused.is_valid()
    assert "allowed only when every clinician" in refused.errors["tin_single_entity"][0]
    submission = submitter_answers(
        submission, entity_member, level="tin", apm_entity_id="E1", tin="123456789", tin_single_entity="True"
    )
    assert _messages(submission) == []


def test_a_clinician_level_needs_a_valid_npi(entity_member, commercial_2026):
    submission = complete_draft(entity_member, [commercial_2026])
    submission = submitter_answers(submission, entity_member, level="clinician")
    # The clinician level asks for the NPI (and no longer the APM Entity ID), with its check digit.
    assert _messages(submission) == ["Missing: The clinician's NPI"]
    form = SubmitterSection(SUBMITTER | {"level": "clinician", "npi": "1234567890"}, submission=submission)
    assert "apm_entity_id" not in form.fields
    assert not form.is_valid() and "npi" in form.errors
    submission = submitter_answers(submission, entity_member, level="clinician", npi="1234567893")
    assert _messages(submission) == []


def test_figures_are_refused_when_they_do_not_add_up(entity_member, commercial_2026, medicaid_2026):
    """Each total of a period is at least what went through the arrangements it counts in, summed."""
    submission = complete_draft(entity_member, [commercial_2026, medicaid_2026])
    arrangements = submission.arrangements.prefetch_related("figures")
    other, medicaid = (next(a.pk for a in arrangements if a.medicaid is kind) for kind in (False, True))
    form = AllPayerFiguresForm(
        {
            "s1_other_payments": "1000",
            f"a{other}_s1_payment_numerator": "600",
            f"a{medicaid}_s1_payment_numerator": "700",  # Medicaid's: not counted against the other payers'
            "s1_medicaid_payments": "500",
            f"a{other}_s2_patient_numerator": "5",
            "s3_other_patients": "10",
            f"a{other}_s3_patient_numerator": "10",
        },
        submission=submission,
        arrangements=arrangements,
    )
    assert not form.is_valid()
    assert form.errors == {
        "s1_medicaid_payments": [
            "Snapshot 1 (January 1 - March 31): the Medicaid total payments ($500.00) cannot be less than the "
            "payments through your arrangements ($700.00)."
        ],
        "s2_other_patients": [
            "Snapshot 2 (January 1 - June 30): give the other payers' total patients, as well as the patients "
            "through your arrangements."
        ],
    }
    assert not AllPayerFiguresForm(
        {"s3_excluded_patients": "-1"}, submission=submission, arrangements=arrangements
    ).is_valid()


def test_a_total_is_checked_against_the_sum_of_its_arrangements(entity_member, commercial_2026, reviewer,
                                                               review_lead):  # fmt: skip
    """Two arrangements each within the other payers' total, but not together: refused, naming the period."""
    second = approved_determination("other_payer", "Second Plan", "Beta Health", reviewer, review_lead)
    submission = complete_draft(entity_member, [commercial_2026, second])
    arrangements = submission.arrangements.prefetch_related("figures")
    data = {f"a{a.pk}_s2_payment_numerator": "600" for a in arrangements} | {"s2_other_payments": "1000"}
    form = AllPayerFiguresForm(data, submission=submission, arrangements=arrangements)
    assert form.errors == {
        "s2_other_payments": [
            "Snapshot 2 (January 1 - June 30): the other payers' total payments ($1,000.00) cannot be less than "
            "the payments through your arrangements ($1,200.00)."
        ]
    }
    data["s2_other_payments"] = "1200"
    assert AllPayerFiguresForm(data, submission=submission, arrangements=arrangements).is_valid()


DECEMBER_1_CLOSE = datetime.datetime(2026, 12, 2, 5, 0, tzinfo=datetime.UTC)  # midnight Eastern, after Dec 1


def test_submitting_on_december_1_eastern_is_accepted(entity_member, commercial_2026):
    submission = complete_draft(entity_member, [commercial_2026])
    last_second = DECEMBER_1_CLOSE - datetime.timedelta(seconds=2)  # 11:59:58 PM Eastern on December 1
    assert submit(submission, entity_member, now=last_second).status == AllPayerQPStatus.SUBMITTED


def test_submitting_after_december_1_eastern_is_refused_clearly(entity_member, commercial_2026):
    submission = complete_draft(entity_member, [commercial_2026])
    with pytest.raises(service.AllPayerQPError) as refused:
        submit(submission, entity_member, now=DECEMBER_1_CLOSE)
    assert "closed on December 1, 2026" in str(refused.value)
    assert "414.1440(e)" in str(refused.value)
    submission.refresh_from_db()
    assert (submission.status, submission.tracking_number) == ("draft", None)
    assert not Message.objects.filter(kind=service.RECEIPT).exists()


def test_a_start_outside_the_window_is_refused(entity_member, commercial_2026):
    organization = entity_member.memberships.get().organization
    with time_machine.travel(DECEMBER_1_CLOSE, tick=False), pytest.raises(service.AllPayerQPError, match="not open"):
        service.all_payer_qp_start(actor=entity_member, organization=organization, window=all_payer_window())


def test_one_submitted_set_per_subject_and_year(entity_member, commercial_2026):
    submit(complete_draft(entity_member, [commercial_2026]), entity_member)
    second = complete_draft(entity_member, [commercial_2026])
    with pytest.raises(service.AllPayerQPError, match="already submitted for 2026"):
        submit(second, entity_member)
