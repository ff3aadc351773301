"""Tables the database refuses to change: a request's history and the audit records.

Each such table gets ``AppendOnlyTriggers``, run by its app's migration. PostgreSQL: a trigger
raises on UPDATE or DELETE of a row. TRUNCATE is not a row operation, so ``manage.py flush`` (and
the test runner's reset between transactional tests) still empties the table. SQLite: the triggers
raise unless ``qpp_event_log_open()`` returns 1, a function registered on every SQLite connection
(``register_sqlite_function``, connected in ``determinations.apps``); it returns 1 only inside
``flush`` (``emptying_allowed``), since SQLite empties tables with DELETE. A connection without the
function (the sqlite3 shell) is refused too.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass

_flushing = threading.local()


@dataclass(frozen=True)
class AppendOnlyTriggers:
    """The statements that make one table append-only, and undo it, per database vendor."""

    postgresql_forward: str
    postgresql_backward: str
    sqlite_forward: tuple[str, ...]
    sqlite_backward: tuple[str, ...]

    def _execute(self, schema_editor, *, forward: bool) -> None:
        statements = {
            "postgresql": [self.postgresql_forward if forward else self.postgresql_backward],
            "sqlite": self.sqlite_forward if forward else self.sqlite_backward,
        }
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    def install(self, apps, schema_editor) -> None:
        self._execute(schema_editor, forward=True)

    def uninstall(self, apps, schema_editor) -> None:
        self._execute(schema_editor, forward=False)


def _event_log_open() -> int:
    return 1 if getattr(_flushing, "active", False) else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give SQLite connections the function the triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("qpp_event_log_open", 0, _event_log_open, deterministic=False)


@contextmanager
def emptying_allowed():
    """Let ``flush`` empty the append-only tables on SQLite (PostgreSQL's TRUNCATE needs no leave)."""
    _flushing.active = True
    try:
        yield
    finally:
        _flushing.active = False
