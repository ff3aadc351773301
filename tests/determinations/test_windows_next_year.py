"""Finding 1 of issue 11: the next year's windows are on file, the new-request page always says when
the organization's next window opens and closes, and a program admin adds or extends a window with
a reason that is kept."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import OrganizationKind
from determinations.models import PerformanceYear, SubmissionWindow, SubmissionWindowChange
from determinations.rules.calendar import EASTERN
from tests.factories import organization_member as member_of

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's words as a person reads them: tags dropped, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" .", ".")


NOVEMBER_30_2026 = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=EASTERN)


@pytest.fixture
def reference(db):
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def late_november():
    with time_machine.travel(NOVEMBER_30_2026, tick=False):
        yield


def test_a_payer_with_every_window_closed_is_told_when_the_next_opens(client, signed_in, reference, late_november):
    payer = member_of(OrganizationKind.PAYER, "medicaid", "Test State Medicaid Agency")
    page = text(signed_in(payer).get(reverse("determinations:request_start")))
    assert "No submission window is open for Test State Medicaid Agency right now" in page
    assert (
        "The next window opens January 1, 2027 and closes April 1, 2027, 11:59 PM Eastern time: "
        "the 2028 performance year, State Medicaid agency." in page
    )
    assert "These dates are provisional" in page
    assert "The table above shows when windows open" not in page


def test_a_clinician_sees_the_open_window_and_the_next(client, signed_in, reference, late_november):
    clinician = member_of(OrganizationKind.APM_ENTITY, name="Test ACO")
    page = text(signed_in(clinician).get(reverse("determinations:request_start")))
    assert "Open now: the 2026 performance year" in page
    assert "The next window opens January 1, 2027" in page


def test_with_no_later_window_on_file_the_page_says_so(client, signed_in, reference, late_november):
    SubmissionWindow.objects.filter(performance_year__year=2028).delete()
    payer = member_of(OrganizationKind.PAYER, "medicaid", "Test State Medicaid Agency")
    page = text(signed_in(payer).get(reverse("determinations:request_start")))
    assert "No later window for Test State Medicaid Agency is on file yet" in page


def test_program_admin_adds_a_window_with_a_reason(client, signed_in, reference, program_admin, late_november):
    SubmissionWindow.objects.filter(performance_year__year=2028, payer_type="medicaid").delete()
    admin_client = signed_in(program_admin)
    url = reverse("determinations:window_add")
    data = {
        "performance_year": str(PerformanceYear.objects.get(year=2028).pk),
        "process": "payer_initiated",
        "payer_type": "medicaid",
        "opens_on": "2027-01-04",
        "closes_on": "2027-04-01",
        "reason": "",
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert not SubmissionWindow.objects.filter(performance_year__year=2028, payer_type="medicaid").exists()

    response = admin_client.post(url, {**data, "reason": "CMS published the 2028 Medicaid window."})
    assert response.status_code == 302
    window = SubmissionWindow.objects.get(performance_year__year=2028, process="payer_initiated", payer_type="medicaid")
    assert window.opens_at == datetime.datetime(2027, 1, 4, tzinfo=EASTERN)
    assert window.closes_at == datetime.datetime(2027, 4, 1, 23, 59, 59, tzinfo=EASTERN)
    assert not window.is_provisional
    change = SubmissionWindowChange.objects.get(window=window)
    assert (change.actor, change.reason, change.is_addition) == (
        program_admin,
        "CMS published the 2028 Medicaid window.",
        True,
    )
    program = text(admin_client.get(reverse("accounts:program_admin_home")))
    assert "Reason: CMS published the 2028 Medicaid window." in program

    again = admin_client.post(url, {**data, "reason": "Twice"})
    assert again.status_code == 400
    assert "2028 already has a Payer Initiated window for State Medicaid agency; change its dates instead." in (
        again.content.decode()
    )


def test_program_admin_extends_a_deadline_and_the_reason_is_kept(client, signed_in, reference, program_admin):
    window = SubmissionWindow.objects.get(performance_year__year=2027, process="payer_initiated", payer_type="medicaid")
    url = reverse("determinations:window_change", args=[window.pk])
    admin_client = signed_in(program_admin)
    form = admin_client.get(url).content.decode()
    assert 'value="2026-04-01"' in form
    response = admin_client.post(
        url, {"opens_on": "2026-01-01", "closes_on": "2026-04-15", "reason": "Extended after the outage of March 30."}
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.closes_at == datetime.datetime(2026, 4, 15, 23, 59, 59, tzinfo=EASTERN)
    change = window.changes.get()
    assert change.closes_at_before == datetime.datetime(2026, 4, 1, 23, 59, 59, tzinfo=EASTERN)
    assert change.reason == "Extended after the outage of March 30."
    assert "Extended after the outage of March 30." in admin_client.get(url).content.decode()


def test_a_deadline_before_the_opening_is_refused_on_its_field(client, signed_in, reference, program_admin):
    window = SubmissionWindow.objects.filter(is_demonstration=False).first()
    response = signed_in(program_admin).post(
        reverse("determinations:window_change", args=[window.pk]),
        {"opens_on": "2026-05-01", "closes_on": "2026-04-01", "reason": "Typo"},
    )
    assert response.status_code == 400
    assert "The deadline must be on or after the opening day." in response.content.decode()


def test_others_cannot_change_windows(client, signed_in, reference, reviewer):
    window = SubmissionWindow.objects.first()
    response = signed_in(reviewer).post(
        reverse("determinations:window_change", args=[window.pk]),
        {"opens_on": "2026-01-01", "closes_on": "2026-12-01", "reason": "Mine"},
    )
    assert response.status_code == 403
    assert not SubmissionWindowChange.objects.exists()


def test_the_all_payer_qp_window_is_listed_for_all_payers(client, signed_in, reference, program_admin, late_november):
    """The All-Payer QP window has no payer type: the program admin's tables say whom it is for."""
    page = text(signed_in(program_admin).get(reverse("accounts:program_admin_home")))
    assert "All-Payer QP data submission all payers" in page
