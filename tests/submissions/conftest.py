"""Fixtures for determination requests: reference data, a clock in an open window, ready answers."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import MembershipRole, OrganizationKind
from determinations.models import SubmissionWindow
from tests.factories import MembershipFactory, OrganizationFactory

EASTERN = ZoneInfo("America/New_York")
# Mid-March 2026: the Payer Initiated windows for 2027 and the clinician Medicaid window for 2027
# are open, and so is the clinician window for other 2026 arrangements.
MARCH_2026 = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=EASTERN)
# Mid-October 2026: after the 2026 QP Performance Period (January 1 to August 31).
OCTOBER_2026 = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=EASTERN)

COMPLETE_ANSWERS = {
    "contact": {
        "submitter_name": "Jordan Submitter",
        "submitter_title": "Director of Value-Based Payment",
        "submitter_email": "jordan@example.org",
        "submitter_phone": "555-0100",
        "payer_legal_name": "Example Payer",
        "state": "Maryland",
        "ma_contract_numbers": "H1234",
        "payer_contact_name": "Pat Payer",
        "payer_contact_email": "pat@payer.example",
    },
    "arrangement": {
        "name": "Example Shared Risk Program",
        "description": "Two-sided risk for primary care groups.",
        "start_date": "2027-01-01",
        "end_date": "2029-12-31",
        "line_of_business": "commercial",
        "participants": "Ten APM Entities",
        "apm_entity_count": "10",
        "eligible_clinician_count": "40",
        "is_medical_home": "False",
        "aligned_with_multi_payer_model": "False",
    },
    "cehrt": {"requires_cehrt": "True", "requirement_citation": "Contract section 4.2, page 12"},
    "quality": {"payment_effect": "Shared savings depend on quality scores."},
    "financial_risk": {
        "risk_type": "two_sided",
        "risk_mechanisms": ["direct_payment"],
        "risk_defined_in_revenue": "False",
        "expected_expenditures": "10000000",
        "expenditures_without_arrangement": "10500000",
        "maximum_loss_amount": "400000",
        "marginal_risk_rate": "40",
        "minimum_loss_rate": "2",
        "risk_calculation": "40% of losses above a 2% minimum loss rate, capped at 4% of the benchmark.",
    },
}


@pytest.fixture
def reference_data(db):
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def march_2026():
    with time_machine.travel(MARCH_2026, tick=True):
        yield MARCH_2026


@pytest.fixture
def october_2026():
    with time_machine.travel(OCTOBER_2026, tick=True):
        yield OCTOBER_2026


def window(year: int, process: str, payer_type: str) -> SubmissionWindow:
    return SubmissionWindow.objects.get(performance_year__year=year, process=process, payer_type=payer_type)


def member_of(kind: str, payer_type: str = "", name: str = "", role=MembershipRole.SUBMITTER):
    organization = OrganizationFactory(
        kind=kind,
        payer_type=payer_type,
        name=name or f"Test {payer_type or kind}",
        tin="987654321" if kind == OrganizationKind.PRACTICE else "",
    )
    return MembershipFactory(organization=organization, role=role).user


@pytest.fixture
def medicaid_payer(db):
    return member_of(OrganizationKind.PAYER, "medicaid", "Test State Medicaid Agency")


@pytest.fixture
def commercial_payer(db):
    return member_of(OrganizationKind.PAYER, "other_payer", "Test Commercial Health Plan")


@pytest.fixture
def apm_entity_user(db):
    return member_of(OrganizationKind.APM_ENTITY, name="Test ACO")
