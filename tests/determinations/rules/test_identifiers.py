"""Identifiers (NPI, TIN, USPS state, county FIPS, Medicare Advantage contract) and the participant list."""

from determinations.rules.identifiers import county_fips_problem, ma_contract_problem, npi_problem, tin_problem
from determinations.rules.participants import participant_counts, participants_from_csv

HEADER = "entity_name,tin,entity_identifier,npi\n"


def test_npi_check_digit_uses_the_80840_prefix():
    assert npi_problem("1234567893") is None  # CMS's published example NPI
    assert "check digit" in npi_problem("1234567890")
    assert "ten digits" in npi_problem("123456789")


def test_tin_ma_contract_and_county_fips():
    assert tin_problem("123456789") is None
    assert "nine digits" in tin_problem("12-3456789")
    assert ma_contract_problem("H1234") is None
    assert "a letter" in ma_contract_problem("H123")
    assert county_fips_problem("24031", "MD") is None
    assert "not of Virginia" in county_fips_problem("24031", "VA")
    assert "five digits" in county_fips_problem("2403")
    assert "no state" in county_fips_problem("99001")


def test_every_bad_row_is_named_with_its_line_and_nothing_is_kept():
    text = (
        HEADER
        + "Riverside,123456789,E1,1234567893\n"
        + "Riverside,12345678,E1,1234567893\n"  # line 3: bad TIN
        + "Hilltop,987654321,E2,1234567890\n"  # line 4: bad check digit
        + ",987654321,E3,1003000126\n"  # line 5: no name
    )
    read = participants_from_csv(text)
    assert read.entities == ()
    assert [error.split(":")[0] for error in read.errors] == ["Line 3", "Line 4", "Line 5"]
    assert "not a TIN" in read.errors[0]
    assert "check digit" in read.errors[1]
    assert "name is empty" in read.errors[2]


def test_one_entity_with_two_names_or_a_repeated_npi_is_refused():
    text = HEADER + "Riverside,123456789,E1,1234567893\nRiverbend,123456789,E1,1245319599\n"
    assert "named Riverside with TIN 123456789 on line 2" in participants_from_csv(text).errors[0]
    text = HEADER + "Riverside,123456789,E1,1234567893\nRiverside,123456789,E1,1234567893\n"
    assert "listed twice" in participants_from_csv(text).errors[0]


def test_missing_columns_are_named():
    read = participants_from_csv("entity_name,tin\nA,123456789\n")
    assert read.errors == ("Line 1: the header must name the columns entity_name, tin, entity_identifier, npi; "
                           "missing entity_identifier, npi",)  # fmt: skip


def test_counts_are_derived_from_the_list():
    text = (
        HEADER
        + "Riverside,123456789,E1,1234567893\nRiverside,123456789,E1,1245319599\nHilltop,987654321,E2,1003000126\n"
    )
    read = participants_from_csv(text)
    assert read.errors == ()
    counts = participant_counts(read.entities)
    assert (counts.apm_entities, counts.clinicians, counts.largest_entity_clinicians) == (2, 3, 2)
    assert read.entities[0].npis == ("1234567893", "1245319599")


def test_hospitals_give_cehrt_yes_or_no():
    text = "entity_name,tin,entity_identifier,npi,uses_cehrt\nGeneral,123456789,H1,,yes\nCity,987654321,H2,,maybe\n"
    read = participants_from_csv(text)
    assert read.errors == ("Line 3: uses_cehrt must be yes or no, not 'maybe'",)
