"""``manage.py evaluate_arrangement``: the documented examples, the year override, and clear errors."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from determinations.models import PerformanceYear

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())["examples"]


def evaluate(path, *args) -> dict:
    out = StringIO()
    call_command("evaluate_arrangement", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: f"{c['file']}@{c['year'] or 'file'}")
@pytest.mark.parametrize("source", ["reference file", "database"])
def test_documented_examples(request, case, source):
    if source == "reference file":
        request.getfixturevalue("without_reference_data")
    args = ["--year", str(case["year"])] if case["year"] else []
    result = evaluate(EXAMPLES / case["file"], *args)
    assert result["parameters_source"] == source
    assert result["outcome"] == case["outcome"]
    assert {name: c["outcome"] for name, c in result["criteria"].items()} == case["criteria"]
    assert result["missing_inputs"] == case["missing_inputs"]
    reasons = [r["text"] for c in result["criteria"].values() for r in c["reasons"]]
    assert any(case["reason_contains"] in text for text in reasons), reasons


def test_every_example_file_is_documented():
    files = {p.name for p in EXAMPLES.glob("*.json")} - {"expected.json"}
    assert files == {case["file"] for case in EXPECTED}
    rules_md = (ROOT / "docs" / "rules.md").read_text()
    assert all(name in rules_md for name in files)


@pytest.mark.django_db
def test_an_admin_edit_changes_the_result(reference_data):
    PerformanceYear.objects.filter(year=2024).update(nominal_expenditure_percent="4")
    result = evaluate(EXAMPLES / "commercial_two_sided.json")
    assert result["criteria"]["financial_risk"]["outcome"] == "does_not_meet"
    assert any("below the 4% required" in r["text"] for r in result["criteria"]["financial_risk"]["reasons"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ({"year": 2024, "payer_type": "other_payer", "financial_risk": {"maximum_loss_amount": -1}}, [],
         "financial_risk.maximum_loss_amount: must not be negative"),
        ({"year": 2024, "payer_type": "other_payer", "cehrt": {"lowest_entity_cehrt_percent": 120}}, [],
         "cehrt.lowest_entity_cehrt_percent: must be between 0 and 100"),
        ({"year": 2024, "payer_type": "other_payer"}, ["--year", "2031"],
         "year: no figures for performance year 2031; known years are 2017-2028"),
        ({"year": 2018, "payer_type": "other_payer"}, [], "year: there are no Other Payer Advanced APM determinations"),
        ({"payer_type": "other_payer"}, [], "year: is required"),
        ({"year": 2024}, [], "payer_type: is required"),
        ([1, 2], [], "(top level): must be an object"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(tmp_path, content, args, message):
    path = tmp_path / "arrangement.json"
    path.write_text(json.dumps(content))
    with pytest.raises(CommandError) as error:
        call_command("evaluate_arrangement", str(path), *args)
    assert message in str(error.value)


def test_unreadable_files(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("evaluate_arrangement", str(broken))
    with pytest.raises(CommandError, match="cannot read it"):
        call_command("evaluate_arrangement", str(tmp_path / "absent.json"))


def test_the_command_line_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "arrangement.json"
    path.write_text(
        json.dumps({"year": 2024, "payer_type": "other_payer", "cehrt": {"lowest_entity_cehrt_percent": 101}})
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "evaluate_arrangement", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "qppportal.settings.test",
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "sqlite://:memory:",
        },
    )
    assert done.returncode != 0
    assert "cehrt.lowest_entity_cehrt_percent: must be between 0 and 100" in done.stderr
    assert "Traceback" not in done.stderr
