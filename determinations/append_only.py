"""The database refuses to change or remove a request's history (``SubmissionEvent`` rows).

PostgreSQL: a trigger raises on UPDATE or DELETE of a row. TRUNCATE is not a row operation, so
``manage.py flush`` (and the test runner's reset between transactional tests) still empties it.
SQLite: triggers raise unless ``qpp_event_log_open()`` returns 1, a function this module registers
on every SQLite connection; it returns 1 only inside ``flush`` (see the ``flush`` command of this
app), since SQLite empties tables with DELETE. A connection without the function (the sqlite3
shell) is refused too.
"""

import threading
from contextlib import contextmanager

TABLE = "determinations_submissionevent"
MESSAGE = "Submission events are append-only."

_flushing = threading.local()

POSTGRESQL_FORWARD = f"""
CREATE OR REPLACE FUNCTION submission_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER submission_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION submission_event_append_only();
"""
POSTGRESQL_BACKWARD = f"""
DROP TRIGGER IF EXISTS submission_event_append_only ON {TABLE};
DROP FUNCTION IF EXISTS submission_event_append_only();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER submission_event_no_{operation.lower()} BEFORE {operation} ON {TABLE}
    WHEN qpp_event_log_open() = 0
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    for operation in ("UPDATE", "DELETE")
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS submission_event_no_{operation};" for operation in ("update", "delete")]


def _event_log_open() -> int:
    return 1 if getattr(_flushing, "active", False) else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give SQLite connections the function the triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("qpp_event_log_open", 0, _event_log_open, deterministic=False)


@contextmanager
def emptying_allowed():
    """Let ``flush`` empty the table on SQLite (PostgreSQL's TRUNCATE needs no leave)."""
    _flushing.active = True
    try:
        yield
    finally:
        _flushing.active = False


def _execute(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def install(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": [POSTGRESQL_FORWARD], "sqlite": SQLITE_FORWARD})


def uninstall(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": [POSTGRESQL_BACKWARD], "sqlite": SQLITE_BACKWARD})
