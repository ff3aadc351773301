"""The audit records' table refuses updates and deletions (see ``accounts/audit_records.py``)."""

from django.db import migrations

from accounts import audit_records


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(audit_records.TRIGGERS.install, audit_records.TRIGGERS.uninstall)]
