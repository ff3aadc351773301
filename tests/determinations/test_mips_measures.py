"""The MIPS quality measure list: import from qpp-measures-data or a file, and search."""

import copy
import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from determinations.models import MipsMeasure
from determinations.models.measure import is_outcome_type
from determinations.selectors.measures import mips_measures_search
from determinations.selectors.reference import mips_measure_years_loaded
from determinations.services.measures import (
    EXTRACT_DIR,
    MeasureDataError,
    extract_years,
    measures_data_years,
    mips_measures_import,
)
from scripts.extract_mips_measures import write_extract

PACKAGE_COUNTS = {2017: 894, 2018: 996, 2019: 813, 2020: 652, 2021: 585, 2022: 516}
# CMS's qpp-measures-data v11.1.0, shipped as determinations/reference_data/mips_measures/<year>.json.gz
EXTRACT_COUNTS = {2023: 471, 2024: 413, 2025: 435, 2026: 405, 2027: 405}


@pytest.fixture
def package_dir(settings):
    path = Path(settings.QPP_MEASURES_DATA_DIR)
    if not (path / "2022" / "measures-data.json").is_file():
        pytest.fail(f"{path} lacks the qpp-measures-data package: run npm ci")
    return path


@pytest.fixture
def measures_2022(package_dir):
    return json.loads((package_dir / "2022" / "measures-data.json").read_text(encoding="utf-8"))


def run_command(*args) -> str:
    out = StringIO()
    call_command("import_mips_measures", *args, stdout=out)
    return out.getvalue()


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def small_list():
    return [
        {
            "measureId": "001",
            "title": "Diabetes: Glycemic Status Assessment Greater Than 9%",
            "description": "Percentage of patients 18-75 years of age with diabetes ...",
            "category": "quality",
            "measureType": "intermediateOutcome",
            "isHighPriority": True,
            "nqfId": None,
            "eMeasureId": "CMS122v12",
            "primarySteward": "National Committee for Quality Assurance",
        },
        {"measureId": "047", "title": "Advance Care Plan", "category": "quality", "measureType": "process"},
        {"measureId": "IA_AHE_1", "title": "Enhance Engagement of Medicaid Patients", "category": "ia"},
    ]


@pytest.mark.django_db
class TestImportFromPackage:
    def test_2022_has_exactly_516_quality_measures(self, package_dir):
        output = run_command("--year", "2022")

        assert MipsMeasure.objects.filter(year=2022).count() == 516
        assert MipsMeasure.objects.count() == 516
        assert output.strip().startswith("2022: 516 quality measures from ")
        assert "(516 created, 0 updated, 0 unchanged)" in output
        measure = MipsMeasure.objects.get(year=2022, measure_id="001")
        assert measure.title == "Diabetes: Hemoglobin A1c (HbA1c) Poor Control (>9%)"
        assert measure.measure_type == "intermediateOutcome"
        assert measure.is_outcome and measure.is_high_priority
        assert (measure.nqf_id, measure.e_measure_id) == ("0059", "CMS122v10")
        assert measure.primary_steward == "National Committee for Quality Assurance"
        assert measure.get_measure_type_display() == "Intermediate outcome"

    def test_reimport_adds_and_updates_nothing(self, package_dir):
        first = mips_measures_import(path_or_dir=package_dir, years=[2022])
        before = dict(MipsMeasure.objects.values_list("pk", "updated_at"))

        second = mips_measures_import(path_or_dir=package_dir, years=[2022])

        assert (first.created, first.updated, first.unchanged) == (516, 0, 0)
        assert (second.created, second.updated, second.unchanged) == (0, 0, 516)
        assert dict(MipsMeasure.objects.values_list("pk", "updated_at")) == before

    def test_no_arguments_imports_the_package_then_the_extract_and_reports_missing_years(self, package_dir):
        assert list(measures_data_years(package_dir)) == list(PACKAGE_COUNTS)
        call_command("load_reference_data", verbosity=0)  # performance years 2017-2028 take requests from 2019

        output = run_command()

        counts = {year: MipsMeasure.objects.filter(year=year).count() for year in PACKAGE_COUNTS | EXTRACT_COUNTS}
        assert counts == PACKAGE_COUNTS | EXTRACT_COUNTS
        lines = output.strip().splitlines()
        year_lines = lines[: len(counts)]
        assert [line.split(":")[0] for line in year_lines] == [str(year) for year in counts]
        for line, (year, count) in zip(year_lines, counts.items(), strict=True):
            assert f"{year}: {count} quality measures" in line
            assert f"({count} created, 0 updated, 0 unchanged)" in line
            assert ("node_modules" in line) == (year in PACKAGE_COUNTS), line
        assert "MIPS measure lists loaded for 2017-2027." in output
        assert "No MIPS measure list for performance year 2028" in output
        assert "import_mips_measures --file PATH --year YYYY" in output

    def test_the_extract_matches_cms_for_the_facts_the_portal_uses(self):
        sources = extract_years()
        assert list(sources) == list(EXTRACT_COUNTS)
        manifest = json.loads((EXTRACT_DIR / "SOURCE.json").read_text())
        for year, path in sources.items():
            assert path.stat().st_size < 100_000, path
            origin = manifest["years"][str(year)]
            assert origin["repository"] == "https://github.com/CMSgov/qpp-measures-data"
            assert origin["version"] == "v11.1.0"
            assert len(origin["commit"]) == 40
            assert origin["quality_measures"] == EXTRACT_COUNTS[year]
        mips_measures_import(path_or_dir=sources[2027])
        measure = MipsMeasure.objects.get(year=2027, measure_id="236")
        assert measure.title == "Controlling High Blood Pressure"
        assert measure.is_outcome and measure.measure_type == "intermediateOutcome"

    def test_the_extract_script_regenerates_the_same_bytes(self, tmp_path):
        manifest = json.loads((EXTRACT_DIR / "SOURCE.json").read_text())["years"]["2027"]
        plain = tmp_path / "measures-data.json"
        plain.write_bytes(gzip.decompress((EXTRACT_DIR / "2027.json.gz").read_bytes()))
        origin = {key: manifest[key] for key in ("repository", "version", "commit", "path")}
        target = write_extract(source=plain, year=2027, output_dir=tmp_path / "out", origin=origin)
        assert target.read_bytes() == (EXTRACT_DIR / "2027.json.gz").read_bytes()

    def test_a_year_neither_source_holds_is_a_clear_error(self, package_dir):
        with pytest.raises(
            CommandError, match=r"Neither the package nor the shipped extract holds 2031 \(they hold 2017-2027\)"
        ):
            run_command("--year", "2031")
        assert not MipsMeasure.objects.exists()

    def test_missing_package_folder_still_loads_the_extract(self, settings, tmp_path):
        settings.QPP_MEASURES_DATA_DIR = tmp_path / "nowhere"
        output = run_command()
        assert "nowhere: no such folder (install the qpp-measures-data package" in output
        assert mips_measure_years_loaded() == list(EXTRACT_COUNTS)

    def test_outcome_flags_follow_the_measure_types(self, package_dir):
        mips_measures_import(path_or_dir=package_dir, years=[2019, 2022])

        outcome_types = {"outcome", "intermediateOutcome", "patientReportedOutcome"}
        for measure in MipsMeasure.objects.all():
            assert measure.is_outcome == (measure.measure_type in outcome_types), measure
        assert MipsMeasure.objects.filter(year=2022, is_outcome=True).count() == 112 + 70 + 14


@pytest.mark.django_db
class TestImportFromFile:
    def test_changed_title_is_updated_in_place(self, package_dir, measures_2022, tmp_path):
        mips_measures_import(path_or_dir=package_dir, years=[2022])
        original = MipsMeasure.objects.get(year=2022, measure_id="001")
        changed = copy.deepcopy(measures_2022)
        entry = next(m for m in changed if m["measureId"] == "001")
        entry["title"] = "Diabetes: Glycemic Status Assessment Greater Than 9%"
        path = write_json(tmp_path / "2022" / "measures-data.json", changed)

        output = run_command("--file", str(path))

        assert "2022: 516 quality measures" in output and "(0 created, 1 updated, 515 unchanged)" in output
        measure = MipsMeasure.objects.get(year=2022, measure_id="001")
        assert measure.pk == original.pk
        assert measure.title == "Diabetes: Glycemic Status Assessment Greater Than 9%"
        assert measure.updated_at > original.updated_at
        assert MipsMeasure.objects.filter(year=2022).count() == 516

    def test_a_file_for_a_new_year(self, tmp_path):
        path = write_json(tmp_path / "cms-list.json", small_list())

        output = run_command("--file", str(path), "--year", "2027")

        assert (
            output.strip().splitlines()[0]
            == f"2027: 2 quality measures from {path} (2 created, 0 updated, 0 unchanged)"
        )
        assert "MIPS measure lists loaded for 2027." in output
        measures = {m.measure_id: m for m in MipsMeasure.objects.filter(year=2027)}
        assert set(measures) == {"001", "047"}
        assert measures["001"].is_outcome and measures["001"].nqf_id == ""
        assert not measures["047"].is_outcome and not measures["047"].is_high_priority
        assert measures["047"].description == ""

    def test_the_year_of_a_file_can_come_from_its_path(self, tmp_path):
        run_command("--file", str(write_json(tmp_path / "2028" / "measures-data.json", small_list())))
        run_command("--file", str(write_json(tmp_path / "measures-data-2029.json", small_list())))

        assert sorted(MipsMeasure.objects.order_by().values_list("year", flat=True).distinct()) == [2028, 2029]

    def test_a_file_without_a_year_asks_for_one(self, tmp_path):
        path = write_json(tmp_path / "measures-data.json", small_list())
        with pytest.raises(CommandError, match="the year these measures are for is not in the path; add --year YYYY"):
            run_command("--file", str(path))
        with pytest.raises(MeasureDataError, match="the year these measures are for is not in the path; give the year"):
            mips_measures_import(path_or_dir=path)

    def test_measures_a_newer_file_drops_are_kept_and_reported(self, tmp_path):
        path = write_json(tmp_path / "2027" / "measures-data.json", small_list())
        run_command("--file", str(path))
        write_json(path, small_list()[:1])

        output = run_command("--file", str(path))

        assert "(0 created, 0 updated, 1 unchanged); 1 stored measures the file no longer lists were kept" in output
        assert MipsMeasure.objects.filter(year=2027).count() == 2

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            ("{not json", r"is not valid JSON \(line 1, column 2: "),
            ('{"measures": []}', "expected a JSON list of measure objects, found an object"),
            (
                '[{"measureId": "001", "title": "A", "category": "quality"}, 7]',
                "item 2 is a number, not a measure object",
            ),
            ('[{"measureId": "001", "category": "quality"}]', r"item 1 \(measure 001\) lacks title"),
            ('[{"title": "A", "category": "quality"}]', "item 1 lacks measureId"),
            ('[{"measureId": "001", "title": "A"}]', r"item 1 \(measure 001\) lacks category"),
            ('[{"measureId": "X", "title": "A", "category": "ia"}]', "holds no quality measures"),
            (
                '[{"measureId": "1", "title": "A", "category": "quality"},'
                ' {"measureId": "1", "title": "B", "category": "quality"}]',
                r"item 2 \(measure 1\) repeats measure 1 \(also item 1\)",
            ),
            (
                '[{"measureId": "1", "title": "A", "category": "quality", "isHighPriority": "yes"}]',
                "isHighPriority is text, expected true or false",
            ),
            (
                '[{"measureId": "1", "title": "A", "category": "quality", "nqfId": ["0059"]}]',
                "nqfId is a list, expected text",
            ),
            (
                '[{"measureId": "' + "9" * 21 + '", "title": "A", "category": "quality"}]',
                "measureId is 21 characters long, longer than 20",
            ),
            ("[]", "holds no quality measures"),
            (b"\xff\xfe[]", "is not UTF-8 encoded JSON"),
        ],
    )
    def test_a_bad_file_is_a_command_error_naming_the_file(self, tmp_path, content, problem):
        path = tmp_path / "2027" / "measures-data.json"
        path.parent.mkdir()
        path.write_bytes(content if isinstance(content, bytes) else content.encode())

        with pytest.raises(CommandError) as raised:
            run_command("--file", str(path))

        message = str(raised.value)
        assert message.startswith(f"{path}: ")
        assert raised.match(problem)
        assert not MipsMeasure.objects.exists()

    def test_a_missing_file_is_a_command_error(self, tmp_path):
        with pytest.raises(CommandError, match=r"absent\.json: no such file or folder"):
            run_command("--file", str(tmp_path / "absent.json"), "--year", "2027")

    def test_an_implausible_year_is_refused(self, tmp_path):
        path = write_json(tmp_path / "list.json", small_list())
        with pytest.raises(CommandError, match="1999 is not a MIPS performance year"):
            run_command("--file", str(path), "--year", "1999")

    def test_one_bad_year_in_a_folder_imports_nothing(self, package_dir, tmp_path):
        write_json(tmp_path / "2026" / "measures-data.json", small_list())
        write_json(tmp_path / "2027" / "measures-data.json", {"oops": True})

        with pytest.raises(MeasureDataError, match="2027/measures-data.json: expected a JSON list"):
            mips_measures_import(path_or_dir=tmp_path)
        assert not MipsMeasure.objects.exists()


def test_outcome_types():
    assert is_outcome_type("outcome") and is_outcome_type("patientReportedOutcome")
    assert is_outcome_type("intermediateOutcome") and is_outcome_type("intermediateOutcomeAndProcess")
    assert not is_outcome_type("process") and not is_outcome_type("patientEngagementExperience")
    assert not is_outcome_type("efficiency") and not is_outcome_type("structure") and not is_outcome_type("")
    # A type CMS adds later is judged by its name, and labelled from it.
    assert is_outcome_type("clinicianReportedOutcome") and not is_outcome_type("costAndUse")
    assert MipsMeasure(measure_type="clinicianReportedOutcome").get_measure_type_display() == (
        "Clinician reported outcome"
    )


@pytest.mark.django_db
class TestSearch:
    @pytest.fixture(autouse=True)
    def imported(self, package_dir):
        mips_measures_import(path_or_dir=package_dir, years=[2021, 2022])

    @pytest.mark.parametrize("query", ["1", "001", "01", " 001 "])
    def test_by_measure_number(self, query):
        results = mips_measures_search(year=2022, query=query)

        assert results[0].measure_id == "001"
        assert results[0].year == 2022
        assert results[0].is_outcome is True

    def test_by_words_of_the_title(self):
        results = mips_measures_search(year=2022, query="hemoglobin A1C")

        assert "001" in [m.measure_id for m in results]
        for measure in results:
            assert "hemoglobin" in measure.title.lower() and "a1c" in measure.title.lower()
            assert measure.year == 2022

    def test_marks_outcome_measures(self):
        results = {m.measure_id: m for m in mips_measures_search(year=2022, query="diabetes", limit=100)}

        assert results["001"].is_outcome  # intermediate outcome
        assert not results["117"].is_outcome  # Diabetes: Eye Exam, a process measure
        assert results["117"].get_measure_type_display() == "Process"

    def test_by_ecqm_id_and_case_insensitive_number(self):
        assert [m.measure_id for m in mips_measures_search(year=2022, query="cms122V10")] == ["001"]
        assert mips_measures_search(year=2022, query="uswr22")[0].measure_id == "USWR22"

    def test_number_matches_come_before_title_matches(self):
        results = mips_measures_search(year=2022, query="47", limit=100)

        assert results[0].measure_id == "047"

    def test_scope_limit_and_empty_query(self):
        assert len(mips_measures_search(year=2022, query="patients", limit=5)) == 5
        assert mips_measures_search(year=2022, query="   ") == []
        assert mips_measures_search(year=2030, query="001") == []
        assert mips_measures_search(year=2022, query="no such words zzz") == []


@pytest.mark.django_db
def test_admin_is_read_only(admin_user):
    model_admin = admin.site._registry[MipsMeasure]
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db
def test_admin_pages_list_filter_search_and_show_a_measure(signed_in, program_admin, tmp_path):
    mips_measures_import(path_or_dir=write_json(tmp_path / "2027" / "measures-data.json", small_list()))
    client = signed_in(program_admin)
    measure = MipsMeasure.objects.get(measure_id="001")

    listing = client.get(
        "/admin/determinations/mipsmeasure/", {"year": "2027", "is_outcome__exact": "1", "q": "glycemic"}
    )
    detail = client.get(f"/admin/determinations/mipsmeasure/{measure.pk}/change/")

    assert listing.status_code == 200 and detail.status_code == 200
    assert list(listing.context["cl"].result_list) == [measure]
    assert "Intermediate outcome" in listing.content.decode()
    assert b"Diabetes: Glycemic Status Assessment Greater Than 9%" in detail.content
    assert b'name="_save"' not in detail.content
    assert client.get("/admin/determinations/mipsmeasure/add/").status_code == 403
