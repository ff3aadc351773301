"""The database refuses to change or remove a request's history (``SubmissionEvent`` rows); how, in
``qppportal/append_only.py``."""

from qppportal.append_only import AppendOnlyTriggers

TABLE = "determinations_submissionevent"
MESSAGE = "Submission events are append-only."

TRIGGERS = AppendOnlyTriggers(
    postgresql_forward=f"""
CREATE OR REPLACE FUNCTION submission_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER submission_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION submission_event_append_only();
""",
    postgresql_backward=f"""
DROP TRIGGER IF EXISTS submission_event_append_only ON {TABLE};
DROP FUNCTION IF EXISTS submission_event_append_only();
""",
    sqlite_forward=tuple(
        f"""CREATE TRIGGER submission_event_no_{operation.lower()} BEFORE {operation} ON {TABLE}
    WHEN qpp_event_log_open() = 0
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
        for operation in ("UPDATE", "DELETE")
    ),
    sqlite_backward=tuple(
        f"DROP TRIGGER IF EXISTS submission_event_no_{operation};" for operation in ("update", "delete")
    ),
)
