"""Participation data in: every bad row named with its line and reason, nothing loaded until the file is clean."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from determinations.models import ParticipationRecord
from determinations.services.qp_participation import COLUMNS, participation_file_load

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "qp_participation_sample.csv"
GOOD = {
    "npi": "1234567893", "tin": "123456789", "apm_entity_id": "A-DEMO-0001", "affiliated_practitioner": "N",
    "all_payer_level": "", "medicare_payment_numerator": "300000", "medicare_payment_denominator": "1000000",
    "medicare_patient_numerator": "30", "medicare_patient_denominator": "100", "other_payment_numerator": "",
    "other_payment_denominator": "", "other_patient_numerator": "", "other_patient_denominator": "",
}  # fmt: skip


def csv_text(*rows: dict) -> list[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().splitlines(keepends=True)


def load(year, *rows, known=("A-DEMO-0001",), snapshot=1):
    errors = []
    report = participation_file_load(
        lines=csv_text(*rows), performance_year=year, snapshot=snapshot,
        errors=lambda line, reason: errors.append((line, reason)), known_entities=set(known),
    )  # fmt: skip
    return report, errors


BAD_ROWS = [
    ({"npi": "1234567890"}, "its check digit is wrong"),
    ({"npi": "12345"}, "an NPI is ten digits"),
    ({"tin": "12-3456789"}, "a TIN is nine digits"),
    ({"apm_entity_id": "UNKNOWN-1"}, "not a known APM Entity"),
    ({"medicare_payment_numerator": "-1"}, "must not be negative"),
    ({"medicare_patient_numerator": "101"}, "medicare_patient_numerator (101) is above"),
    ({"other_payment_numerator": "5", "other_payment_denominator": "4"}, "other_payment_numerator (5) is above"),
    ({"other_patient_numerator": "5"}, "must be given together"),
    ({"medicare_patient_denominator": "ten"}, "must be a whole number"),
    ({"medicare_payment_numerator": "1.005"}, "at most two decimals"),
    ({"affiliated_practitioner": "maybe"}, "must be Y or N"),
    ({"all_payer_level": "state"}, "must be entity, tin or clinician"),
    ({"tin": ""}, "missing tin"),
    ({"county_fips": "2403"}, "is not a county FIPS code"),
    ({"county_fips": "99031"}, "no state has the code 99"),
    ({"medicaid_specialty_eligible": "perhaps"}, "medicaid_specialty_eligible must be Y or N"),
    (
        {"medicaid_payment_numerator": "5", "medicaid_payment_denominator": "4"},
        "medicaid_payment_numerator (5) is above",
    ),
    ({"medicaid_patient_denominator": "7"}, "medicaid_patient_numerator and _denominator must be given together"),
]


def test_every_bad_row_is_reported_and_nothing_is_loaded(years):
    ParticipationRecord.objects.create(performance_year=years[2025], snapshot=1, npi="1245319599", tin="123456789",
        apm_entity_id="A-DEMO-0001", medicare_payment_numerator=1, medicare_payment_denominator=2,
        medicare_patient_numerator=1, medicare_patient_denominator=2)  # fmt: skip
    rows = [GOOD | change for change, _ in BAD_ROWS] + [GOOD, GOOD]
    report, errors = load(years[2025], *rows)
    assert not report.clean
    assert [line for line, _ in errors] == list(range(2, 2 + len(BAD_ROWS))) + [len(BAD_ROWS) + 3]
    for (line, reason), (_, expected) in zip(errors, BAD_ROWS, strict=False):
        assert expected in reason, (line, reason)
    assert "repeat line" in errors[-1][1]
    assert list(ParticipationRecord.objects.values_list("npi", flat=True)) == ["1245319599"]


def test_a_clean_file_replaces_the_snapshot(years):
    load(years[2025], GOOD)
    other_npi = GOOD | {"npi": "1245319599", "other_payment_numerator": "1,200.50", "other_payment_denominator": "2000"}
    report, errors = load(years[2025], other_npi)
    assert report.clean and report.rows_loaded == 1 and not errors
    record = ParticipationRecord.objects.get()
    assert (record.npi, str(record.other_payment_numerator), record.all_payer_level) == ("1245319599", "1200.50",
                                                                                        "entity")  # fmt: skip


def test_header_without_the_required_columns(years):
    errors = []
    report = participation_file_load(lines=["npi,tin\n", "1234567893,123456789\n"], performance_year=years[2025],
                                     snapshot=1, errors=lambda *e: errors.append(e))  # fmt: skip
    assert not report.clean
    assert errors[0][0] == 1 and "apm_entity_id" in errors[0][1]


def test_determine_qp_command_writes_the_results(years, tmp_path):
    output = tmp_path / "results.csv"
    call_command("determine_qp", year=2026, snapshot=1, input=str(SAMPLE), output=str(output))
    expected = (SAMPLE.parent / "qp_results_sample.csv").read_text()
    assert output.read_text() == expected


def test_determine_qp_command_refuses_bad_rows(years, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("".join(csv_text(GOOD | {"npi": "1234567890"})))
    with pytest.raises(
        CommandError, match=r"(?s)1 bad rows .*line 2: 1234567890 is not an NPI: its check digit is wrong"
    ):
        call_command("determine_qp", year=2026, snapshot=1, input=str(bad), output=str(tmp_path / "out.csv"))
    assert not ParticipationRecord.objects.exists()


def test_medicaid_figures_and_county_load_apart(years):
    row = GOOD | {"county_fips": "24031", "medicaid_specialty_eligible": "N", "medicaid_payment_numerator": "10",
                  "medicaid_payment_denominator": "400"}  # fmt: skip
    report, errors = load(years[2025], row)
    assert report.clean and not errors
    record = ParticipationRecord.objects.get()
    assert (record.county_fips, record.medicaid_specialty_eligible) == ("24031", False)
    assert (record.medicaid_payment_denominator, record.medicaid_patient_denominator) == (400, None)
    assert record.other_payment_denominator is None
