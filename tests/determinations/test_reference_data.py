"""Performance years and submission windows: loading, idempotence, the model's parameters and admin edits."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command

from determinations.admin.performance_year import PerformanceYearAdmin
from determinations.models import PerformanceYear, ReminderKind, ReminderSchedule, SubmissionWindow
from determinations.rules.calendar import EASTERN, default_windows
from determinations.services.reference_data import reference_data_load, reference_year_parameters

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_reference_data")]


def test_loads_2017_to_2028_and_is_idempotent():
    first = reference_data_load()
    assert first["years_created"] == 12
    windows = SubmissionWindow.objects.count()
    # 2019 has no payer-initiated window for the remaining payers; each year from 2019 has an All-Payer QP window
    assert windows == 7 + 8 * 9 + 10
    second = reference_data_load()
    assert second["years_created"] == 0 and second["windows_created"] == 0
    assert PerformanceYear.objects.count() == 12
    assert SubmissionWindow.objects.count() == windows


def test_the_command_reports_what_it_did(capsys):
    call_command("load_reference_data")
    assert "12 created" in capsys.readouterr().out


@pytest.mark.parametrize("year", range(2017, 2029))
def test_the_row_gives_the_same_parameters_as_the_file(year):
    reference_data_load()
    assert PerformanceYear.objects.get(year=year).to_rule_parameters() == reference_year_parameters(year)


def test_the_next_years_windows_are_known_and_provisional():
    """Finding 1: payer windows for year Y open in the winter before it, so 2028's are on file in late 2026."""
    reference_data_load()
    windows = SubmissionWindow.objects.filter(performance_year__year=2028)
    assert windows.count() == 9
    assert all(w.is_provisional for w in windows)
    expected = {w.process + w.payer_type: w for w in default_windows(2028)}
    for window in windows:
        assert (window.opens_at, window.closes_at) == (
            expected[window.process + window.payer_type].opens_at,
            expected[window.process + window.payer_type].closes_at,
        )
    medicaid = windows.get(process="payer_initiated", payer_type="medicaid")
    assert medicaid.opens_at == datetime.datetime(2027, 1, 1, tzinfo=EASTERN)
    assert not SubmissionWindow.objects.get(
        performance_year__year=2026, process="payer_initiated", payer_type="medicaid"
    ).is_provisional


def test_windows_are_timezone_aware_and_know_when_they_are_open():
    reference_data_load()
    window = SubmissionWindow.objects.get(performance_year__year=2024, process="payer_initiated", payer_type="medicaid")
    assert window.closes_at == datetime.datetime(2023, 4, 1, 23, 59, 59, tzinfo=EASTERN)
    assert window.is_open(datetime.datetime(2023, 3, 1, tzinfo=EASTERN))
    assert not window.is_open(datetime.datetime(2023, 4, 2, tzinfo=EASTERN))
    assert str(window) == "2024 Payer Initiated, State Medicaid agency (closes April 1, 2023 at 11:59 PM EDT)"


def test_the_model_validates_an_admin_edit():
    reference_data_load()
    year = PerformanceYear.objects.get(year=2024)
    year.all_payer_qp_payment_percent = None
    with pytest.raises(ValidationError) as error:
        year.full_clean()
    assert "all_payer_qp_payment_percent" in error.value.message_dict
    year.all_payer_qp_payment_percent = Decimal("50")
    year.cehrt_participant_percent = Decimal("101")
    with pytest.raises(ValidationError) as error:
        year.full_clean()
    assert "cehrt_participant_percent" in error.value.message_dict


def test_admin_shows_provisional_figures(signed_in, program_admin):
    reference_data_load()
    client = signed_in(program_admin)
    year = PerformanceYear.objects.get(year=2024)
    response = client.get(f"/admin/determinations/performanceyear/{year.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "CEHRT use required (%) (provisional)" in page
    assert "Provisional: not confirmed in the current regulation" in page


def test_a_snapshot_outside_the_period_is_refused_on_its_field():
    reference_data_load()
    year = PerformanceYear.objects.get(year=2024)
    year.snapshot_3_date = datetime.date(2024, 9, 30)
    with pytest.raises(ValidationError) as error:
        year.full_clean()
    assert "snapshot_3_date" in error.value.message_dict


def test_admin_form_marks_provisional_fields(rf):
    reference_data_load()
    year = PerformanceYear.objects.get(year=2024)
    form = PerformanceYearAdmin(PerformanceYear, admin.site).get_form(rf.get("/"), year)
    assert form.base_fields["cehrt_participant_percent"].label.endswith("(provisional)")
    assert form.base_fields["cehrt_participant_percent"].help_text.startswith("Provisional:")
    assert not form.base_fields["nominal_expenditure_percent"].label.endswith("(provisional)")
    bound = form(instance=year, data={})
    assert not bound.is_valid()


def test_reloading_keeps_admin_edits_unless_overwriting():
    reference_data_load()
    PerformanceYear.objects.filter(year=2026).update(cehrt_participant_percent=Decimal("80"))
    kept = reference_data_load()
    assert kept["years_kept"] == 12 and kept["years_updated"] == 0
    assert PerformanceYear.objects.get(year=2026).cehrt_participant_percent == Decimal("80")
    restored = reference_data_load(overwrite=True)
    assert restored["years_updated"] == 12
    assert PerformanceYear.objects.get(year=2026).cehrt_participant_percent == Decimal("75")


def test_loading_restores_missing_reminder_schedules_and_keeps_edited_ones():
    """A database whose schedules were emptied (a flush, a restore) would send no reminder at all."""
    ReminderSchedule.objects.all().delete()
    reference_data_load()
    assert set(ReminderSchedule.objects.values_list("kind", flat=True)) == set(ReminderKind.values)
    ReminderSchedule.objects.filter(kind=ReminderKind.DRAFT_WINDOW_CLOSING).update(days_before="14")
    ReminderSchedule.objects.filter(kind=ReminderKind.QUESTION_DUE).delete()
    assert reference_data_load(overwrite=True)["reminder_schedules_created"] == 1
    assert ReminderSchedule.objects.get(kind=ReminderKind.DRAFT_WINDOW_CLOSING).days_before == "14"
