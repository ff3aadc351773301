"""Finding 3 of issue 11: while a year has no MIPS list, the search offers the latest loaded list,
each result labelled with its year, the reviewer sees which list a measure came from, and
``/program/`` names the years without a list and how to load one."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import OrganizationKind
from determinations.models import ArrangementMeasure, MipsMeasure, SubmissionWindow
from determinations.rules.calendar import EASTERN
from determinations.services import submissions
from determinations.services.measures import EXTRACT_DIR, mips_measures_import
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory
from tests.factories import organization_member as member_of
from tests.factories.submissions import submitted as submitted_through_services

pytestmark = pytest.mark.django_db

FEBRUARY_2027 = datetime.datetime(2027, 2, 1, 10, 0, tzinfo=EASTERN)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def request_for_2028(db):
    """A payer's draft for 2028 (its window opens in January 2027) while only the 2027 list is loaded."""
    call_command("load_reference_data", verbosity=0)
    mips_measures_import(path_or_dir=EXTRACT_DIR / "2027.json.gz")
    payer = member_of(OrganizationKind.PAYER, "medicaid", "Test State Medicaid Agency")
    with time_machine.travel(FEBRUARY_2027, tick=True):
        submission = submissions.submission_start(
            actor=payer,
            organization=payer.memberships.get().organization,
            window=_window_2028(),
            arrangement_name="Plan",
        )
        yield payer, submission


def _window_2028():
    return SubmissionWindow.objects.get(performance_year__year=2028, process="payer_initiated", payer_type="medicaid")


def test_the_search_offers_the_latest_list_labelled_with_its_year(client, signed_in, request_for_2028):
    payer, submission = request_for_2028
    payer_client = signed_in(payer)
    quality = reverse("determinations:submission_section", args=[submission.pk, "quality"])
    page = text(payer_client.get(quality, {"q": "blood pressure"}))
    assert "No 2028 MIPS measure matches" not in page
    assert "Add a measure from the 2027 MIPS list" in page
    assert "CMS's 2028 MIPS list is not loaded yet, so the search offers the 2027 list" in page
    assert "236: Controlling High Blood Pressure 2027 list" in page

    measure_pk = re.search(
        r'name="mips_measure" value="(\d+)"><button[^>]*>Add<span class="usa-sr-only"> measure 236<',
        payer_client.get(quality, {"q": "236"}).content.decode(),
    ).group(1)
    response = payer_client.post(
        reverse("determinations:measure_add", args=[submission.pk]), {"mips_measure": measure_pk}
    )
    assert response.status_code == 302
    added = ArrangementMeasure.objects.get(submission=submission)
    assert (added.mips_measure.year, added.measure_identifier) == (2027, "236")
    assert "from the 2027 MIPS list" in text(payer_client.get(quality))


def test_the_reviewer_sees_the_measure_came_from_an_older_list(client, signed_in, request_for_2028, reviewer):
    payer, _ = request_for_2028
    draft = SubmissionFactory(member=payer, year=2028, name="Another plan", state=SubmissionStatus.DRAFT)
    measure = _mips(2027, "236")
    submissions.arrangement_measure_add(
        submission_id=draft.pk,
        actor=payer,
        mips_measure=measure,
        title=measure.title,
        measure_identifier=measure.measure_id,
        basis="mips_list",
        is_outcome=True,
    )
    submitted = submitted_through_services(draft, payer, measure_count=1, document_count=1)
    detail = text(signed_in(reviewer).get(reverse("determinations:review_detail", args=[submitted.pk])))
    assert "236: Controlling High Blood Pressure from the 2027 MIPS list" in detail


def test_a_measure_from_an_unrelated_year_is_refused(client, signed_in, request_for_2028):
    payer, submission = request_for_2028
    mips_measures_import(path_or_dir=EXTRACT_DIR / "2026.json.gz")
    response = signed_in(payer).post(
        reverse("determinations:measure_add", args=[submission.pk]),
        {"mips_measure": _mips(2026, "236").pk},
        follow=True,
    )
    assert "That measure is not on the 2027 MIPS list." in text(response)
    assert not ArrangementMeasure.objects.exists()


def test_program_page_names_the_years_without_a_list_and_how_to_load_one(client, signed_in, program_admin):
    call_command("load_reference_data", verbosity=0)
    mips_measures_import(path_or_dir=EXTRACT_DIR / "2027.json.gz")
    page = text(signed_in(program_admin).get(reverse("accounts:program_admin_home")))
    assert "No MIPS measure list for 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2028" in page
    assert "manage.py import_mips_measures --file measures-data.json --year YEAR" in page
    assert "MIPS measure lists are loaded for 2027." in page


def _mips(year, measure_id):
    return MipsMeasure.objects.get(year=year, measure_id=measure_id)
