# The review queue's search (arrangement, payer or organization name, tracking number) reads
# trigram indexes instead of scanning every row (determinations/filters.py, bench/README.md).
# PostgreSQL only: pg_trgm is a PostgreSQL extension, so on SQLite both steps do nothing.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (index, table, column): each on UPPER(column), which is what Django's ``icontains`` compares.
INDEXES = (
    ("arrangement_name_trgm_idx", "determinations_arrangement", "name"),
    ("arrangement_payer_name_trgm_idx", "determinations_arrangement", "payer_name"),
    ("organization_name_trgm_idx", "accounts_organization", "name"),
    ("submission_tracking_number_trgm_idx", "determinations_submission", "tracking_number"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("determinations", "0007_windows_provisional_demonstration_changes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
