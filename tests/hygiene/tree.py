"""The project's own Python files, as the hygiene checks read them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_OURS = {"node_modules", ".venv", "var", "migrations", "__pycache__"}


def python_files(*, skipping: set[str] = frozenset()):
    """Every ``.py`` file of the project, in order, leaving out folders named in ``NOT_OURS`` or ``skipping``."""
    left_out = NOT_OURS | skipping
    for path in sorted(ROOT.rglob("*.py")):
        if not left_out & set(path.relative_to(ROOT).parts):
            yield path
