"""The code keeps one source for each fact: checks that read the source tree, not the running app."""

import ast
from pathlib import Path

from determinations import states
from determinations.forms.sections import SECTIONS_BY_KEY
from determinations.models import Submission
from determinations.rules import arrangement

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("accounts", "determinations", "qppportal", "ui")


def _function_local_project_imports():
    """Imports of the project's modules inside a function, unless the line before says why."""
    found = []
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = path.read_text().splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                found += [
                    f"{path.relative_to(ROOT)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.ImportFrom)
                    and (inner.module or "").split(".")[0] in PROJECT_PACKAGES
                    and "Imported here" not in lines[inner.lineno - 2]
                ]
    return found


def test_no_function_local_imports_of_the_project():
    assert _function_local_project_imports() == []


def test_open_requests_are_one_set_used_by_the_partial_indexes():
    conditions = [index.condition for index in Submission._meta.indexes if index.name.startswith("submission_open_")]
    assert len(conditions) == 2
    for condition in conditions:
        assert condition.children == [("status__in", list(states.OPEN))]
    assert set(states.BEFORE_DECISION) == {states.SubmissionStatus.DRAFT, *states.OPEN}
    assert not set(states.OPEN) & states.DECIDED


def test_the_form_offers_exactly_the_codes_the_rules_accept():
    fields = {**SECTIONS_BY_KEY["arrangement"].base_fields, **SECTIONS_BY_KEY["financial_risk"].base_fields}
    assert dict(fields["medical_home_elements"].choices) == arrangement.MEDICAL_HOME_ELEMENTS
    assert dict(fields["risk_type"].choices) == arrangement.RISK_TYPES
    assert dict(fields["risk_mechanisms"].choices) == arrangement.RISK_MECHANISMS
