"""bandit over the project's code: no medium or high finding is left unexplained.

A finding is explained by ``# nosec <id>`` on its line with the reason beside it or in the comment
directly above; every ``mark_safe`` says why its input is trusted in a ``safe:`` comment.
"""

import json
import re
import subprocess
import sys

from .tree import ROOT, python_files

NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
TEST_ID = re.compile(r"\bB\d{3}\b")


def _comment_above(lines: list[str], index: int) -> str:
    """The comment lines directly above line ``index`` (0-based), joined."""
    above = []
    while index > 0 and lines[index - 1].strip().startswith("#"):
        index -= 1
        above.insert(0, lines[index].strip())
    return " ".join(above)


def test_bandit_finds_no_unexplained_medium_or_high_issue():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-c",
            "pyproject.toml",
            "-r",
            ".",
            "--severity-level",
            "medium",
            "-f",
            "json",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    findings = [
        f"{item['filename']}:{item['line_number']} {item['test_id']} {item['issue_text']}" for item in report["results"]
    ]
    assert findings == [], "\n".join(findings)
    assert report["metrics"]["_totals"]["loc"] > 10_000, "bandit scanned less than the project"


def test_every_nosec_names_its_check_and_says_why():
    unexplained = []
    for path in python_files(skipping={"tests"}):
        lines = path.read_text().splitlines()
        for index, line in enumerate(lines):
            match = NOSEC.search(line)
            if not match:
                continue
            rest = match.group("rest")
            reason = TEST_ID.sub("", rest).strip(" :-()")
            if not TEST_ID.search(rest) or (len(reason) < 10 and len(_comment_above(lines, index)) < 12):
                unexplained.append(f"{path.relative_to(ROOT)}:{index + 1}: {line.strip()}")
    assert unexplained == [], "\n".join(unexplained)


def test_every_mark_safe_says_why_its_input_is_safe():
    unexplained = []
    for path in python_files(skipping={"tests"}):
        lines = path.read_text().splitlines()
        for index, line in enumerate(lines):
            if "mark_safe(" not in line or line.lstrip().startswith(("import", "from", "#")):
                continue
            if "safe:" not in line and "# safe:" not in _comment_above(lines, index):
                unexplained.append(f"{path.relative_to(ROOT)}:{index + 1}: {line.strip()}")
    assert unexplained == [], "\n".join(unexplained)
