"""No function imports the project's own modules unless a comment says why.

A module-level import shows what a module depends on at a glance and fails at import time, not
on the first call; a function-local one hides an import cycle or a dependency on set-up. Where
one is needed (Django set up at run time, an ``AppConfig.ready``), a comment on the line or
directly above its block says why.
"""

import ast

from .tree import ROOT, python_files

PROJECT = {path.parent.name for path in ROOT.glob("*/__init__.py")} | {"conftest"}


def _imports_project(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in PROJECT
    return isinstance(node, ast.Import) and any(alias.name.split(".")[0] in PROJECT for alias in node.names)


def _explained(lines: list[str], lineno: int) -> bool:
    """A comment on the import's line, or directly above the block of imports it belongs to."""
    index = lineno - 1
    if "#" in lines[index]:
        return True
    while index > 0 and (not lines[index - 1].strip() or lines[index - 1].strip().startswith(("from ", "import "))):
        index -= 1  # the block runs up through its groups (isort separates them by a blank line)
    return index > 0 and lines[index - 1].strip().startswith("#")


def _unexplained_local_imports(source: str) -> list[tuple[int, str]]:
    """(line number, import) of each function-local import of the project's modules with no comment."""
    lines = source.splitlines()
    return [
        (node.lineno, lines[node.lineno - 1].strip())
        for function in ast.walk(ast.parse(source))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if _imports_project(node) and not _explained(lines, node.lineno)
    ]


def test_every_function_local_import_of_the_project_says_why():
    found = sorted(
        {
            f"{path.relative_to(ROOT)}:{lineno}: {statement}"
            for path in python_files()
            for lineno, statement in _unexplained_local_imports(path.read_text())
        }
    )
    assert not found, "function-local imports of the project's modules without a comment:\n" + "\n".join(found)


def test_the_check_finds_an_unexplained_import_and_accepts_an_explained_one():
    sample = (
        "def bare():\n"
        "    from determinations.models import Submission\n"
        "\n"
        "\n"
        "def explained():\n"
        "    # after django.setup()\n"
        "    from accounts.models import User\n"
        "    from determinations.models import Submission\n"
        "\n"
        "\n"
        "def relative():\n"
        "    from .models import Job\n"
        "\n"
        "\n"
        "def standard():\n"
        "    import json\n"
    )
    assert _unexplained_local_imports(sample) == [
        (2, "from determinations.models import Submission"),
        (12, "from .models import Job"),
    ]
