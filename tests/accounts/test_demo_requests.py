"""Finding 2 of issue 11: the demo holds requests in every state for several payer types and years,
a published list, and one demonstration window per process and payer type open whatever the date,
labelled as such. Today's real date is used on purpose. The demo is loaded once for the module; that
production settings never make demonstration windows is in ``test_demo_data.py`` (an empty database)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from determinations.models import Submission, SubmissionWindow
from determinations.services.measures import EXTRACT_DIR, mips_measures_import
from determinations.states import SubmissionStatus
from tests.support import built_once_for_the_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """What ``load_demo_data --quiet`` printed; the demo loaded once for the module
    (``tests.support.built_once_for_the_module``), its documents in a folder of its own."""
    with built_once_for_the_module(django_db_blocker), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo")):
        call_command("load_reference_data", verbosity=0)
        mips_measures_import(path_or_dir=EXTRACT_DIR / "2027.json.gz")
        out = StringIO()
        call_command("load_demo_data", "--quiet", stdout=out)
        yield out.getvalue()


def test_every_state_for_several_payer_types_and_years(demo):
    assert set(Submission.objects.values_list("status", flat=True)) == set(SubmissionStatus.values)
    assert set(Submission.objects.values_list("payer_type", flat=True)) == {
        "medicaid",
        "medicare_health_plan",
        "multi_payer_model",
        "other_payer",
    }
    assert set(Submission.objects.values_list("process", flat=True)) == {"payer_initiated", "clinician_initiated"}
    assert len(set(Submission.objects.values_list("performance_year__year", flat=True))) >= 3
    assert "12 demo requests added" in demo


def test_the_published_list_has_the_approved_arrangements(client, demo):
    page = client.get(reverse("apms:list"), {"year": "2026"}).content.decode()
    assert "Medicaid Primary Care Shared Risk" in page


def test_one_demonstration_window_per_process_and_payer_type_is_open_today(demo):
    now = timezone.now()
    windows = SubmissionWindow.objects.filter(is_demonstration=True)
    assert windows.count() == 9
    assert {(w.process, w.payer_type) for w in windows} == {
        (process, payer_type)
        for process in ("payer_initiated", "clinician_initiated")
        for payer_type in ("medicaid", "medicare_health_plan", "multi_payer_model", "other_payer")
    } | {("all_payer_qp", "")}
    # All-Payer QP data are about the year under way: its demonstration window is for this year.
    assert windows.get(process="all_payer_qp").performance_year.year == timezone.localdate(now).year
    assert all(w.is_open(now) for w in windows)
    assert "demonstration window" in str(windows.first())


def test_the_new_request_page_labels_the_demonstration_window(client, signed_in, demo):
    payer = User.objects.get(email="mhp.submitter@demo.example")
    page = signed_in(payer).get(reverse("determinations:request_start")).content.decode()
    assert "Demonstration window, 2027 performance year: Medicare Health Plan" in page


def test_loading_again_adds_no_request(demo):
    before = Submission.objects.count()
    call_command("load_demo_data", "--quiet", stdout=StringIO())
    assert Submission.objects.count() == before
