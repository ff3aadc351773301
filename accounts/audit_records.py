"""The audit records (django-auditlog's ``LogEntry``) are append-only in the database (how, in
``qppportal/append_only.py``).

One UPDATE is let through: the foreign key to a deleted person's account set to NULL
(``on_delete=SET_NULL``), nothing else changed; ``actor_email`` keeps who it was.
"""

from qppportal.append_only import AppendOnlyTriggers

TABLE = "auditlog_logentry"
MESSAGE = "Audit records are append-only."

TRIGGERS = AppendOnlyTriggers(
    postgresql_forward=f"""
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
""",
    postgresql_backward=f"""
DROP TRIGGER IF EXISTS audit_record_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_record_append_only();
""",
    sqlite_forward=(
        f"""CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON {TABLE}
    WHEN qpp_event_log_open() = 0 AND NOT (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON {TABLE}
    WHEN qpp_event_log_open() = 0
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    ),
    sqlite_backward=tuple(f"DROP TRIGGER IF EXISTS audit_record_no_{operation};" for operation in ("update", "delete")),
)
