"""The audit records (django-auditlog's ``LogEntry``) are append-only in the database.

Same approach as a request's history (``determinations/append_only.py``): PostgreSQL refuses an
UPDATE or DELETE of a row with a trigger (TRUNCATE, as ``flush`` and the test runner use, is not a
row operation). One UPDATE is let through: the foreign key to a deleted person's account set to
NULL (``on_delete=SET_NULL``), nothing else changed; ``actor_email`` keeps who it was.
SQLite: the triggers ask ``qpp_event_log_open()``, the function determinations registers on every
SQLite connection, which opens only inside ``flush``.
"""

TABLE = "auditlog_logentry"
MESSAGE = "Audit records are append-only."

POSTGRESQL_FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();
"""
POSTGRESQL_BACKWARD = f"""
DROP TRIGGER IF EXISTS audit_record_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_record_append_only();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON {TABLE}
    WHEN qpp_event_log_open() = 0 AND NOT (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON {TABLE}
    WHEN qpp_event_log_open() = 0
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS audit_record_no_{operation};" for operation in ("update", "delete")]


def _execute(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def install(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": [POSTGRESQL_FORWARD], "sqlite": SQLITE_FORWARD})


def uninstall(apps, schema_editor) -> None:
    _execute(schema_editor, {"postgresql": [POSTGRESQL_BACKWARD], "sqlite": SQLITE_BACKWARD})
