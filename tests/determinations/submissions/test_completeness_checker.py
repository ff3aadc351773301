"""The completeness check asks each step what is missing without building its form
(``SectionForm.for_checking``, decision 0035): it must answer exactly what the built form answers,
for every step, kind of requester and payer, and every branch of the steps' own ``missing``."""

import pytest

from accounts.models import OrganizationKind
from determinations.forms.sections import RISK_TYPES, SECTIONS
from determinations.states import SubmissionStatus
from tests.factories import COMPLETE_ANSWERS, SubmissionFactory, organization_member

pytestmark = pytest.mark.django_db


def answer_sets(key: str) -> list[dict]:
    """Complete answers, none, each question left out in turn, and the answers that open each branch."""
    complete = dict(COMPLETE_ANSWERS.get(key, {}))
    sets = [complete, {}, *({k: v for k, v in complete.items() if k != left_out} for left_out in complete)]
    sets += [
        {**complete, "ma_contract_numbers": "H1234, H5678", "state": "Nowhere"},
        {**complete, "aligned_with_multi_payer_model": True, "is_medical_home": True},
        {"aligned_with_multi_payer_model": True, "start_date": "2031-01-01", "end_date": "2031-12-31"},
        {"requires_cehrt": True},
        {"requires_cehrt": False},
        {"requires_cehrt": False, "hospitals_are_apm_entities": True},
        {"no_outcome_measure_certified": True},
        *({"risk_type": risk_type} for risk_type in RISK_TYPES),
        {"risk_type": "two_sided", "risk_defined_in_revenue": True},
    ]
    return sets


@pytest.fixture
def drafts(reference_data, march_2026):
    payers = [
        organization_member(OrganizationKind.PAYER, payer_type, f"Test {payer_type}")
        for payer_type in ("other_payer", "medicaid", "medicare_health_plan")
    ]
    clinician = organization_member(OrganizationKind.PRACTICE, name="Test practice")
    built = [SubmissionFactory(state=SubmissionStatus.DRAFT, member=member) for member in [*payers, clinician]]
    built.append(SubmissionFactory(state=SubmissionStatus.DRAFT, member=payers[0], measure_count=0, years=2))
    return built


def test_a_step_checked_without_its_form_misses_what_the_built_form_misses(drafts):
    compared = 0
    for submission in drafts:
        for section in SECTIONS:
            if not section.applies_to(submission):
                continue
            checker = section.for_checking(submission)
            built = section(submission=submission)
            assert list(checker.fields) == [name for name in built.fields if name in section.base_fields]
            for answers in answer_sets(section.key) + [submission.section(section.key)]:
                assert checker.missing(answers) == built.missing(answers), (section.key, submission.payer_type, answers)
                compared += 1
    assert compared > 100
