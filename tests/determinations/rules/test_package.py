"""rules/ is plain Python: no Django, no database, no floats in the money and share arithmetic."""

import ast
from pathlib import Path

import determinations.rules

RULES = Path(determinations.rules.__file__).parent


def test_no_django_imports_in_rules():
    for path in RULES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] in ("django", "determinations") for name in names), path.name


def test_no_float_literals_in_rules():
    for path in RULES.glob("*.py"):
        floats = [
            n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant) and type(n.value) is float
        ]
        assert not floats, path.name
