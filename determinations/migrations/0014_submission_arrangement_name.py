# Each request keeps its own arrangement name (docs/decisions/0027-a-request-keeps-its-own-name.md).
# Until now the arrangement step renamed the shared Arrangement, so a draft started from an approved
# request renamed the approved one on the public list. A request's answers were always its own, so
# its name is taken from them ("arrangement" -> "name", as it was when it was sent); a request whose
# answers have no name takes the arrangement's. The queue's search reads the new column through a
# trigram index instead of the arrangement's name, whose index goes (PostgreSQL only, like 0008).

from django.db import migrations, models

TRIGRAM_INDEX = "submission_arrangement_name_trgm_idx"
UNUSED_INDEX = "arrangement_name_trgm_idx"


def names_from_answers(apps, schema_editor):
    Submission = apps.get_model("determinations", "Submission")
    changed = []
    for submission in Submission.objects.select_related("arrangement").iterator(chunk_size=2000):
        answered = (submission.answers or {}).get("arrangement", {})
        name = answered.get("name") if isinstance(answered, dict) else None
        submission.arrangement_name = (name if isinstance(name, str) and name.strip() else submission.arrangement.name)[
            :200
        ]
        changed.append(submission)
        if len(changed) >= 2000:
            Submission.objects.bulk_update(changed, ["arrangement_name"])
            changed = []
    Submission.objects.bulk_update(changed, ["arrangement_name"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{TRIGRAM_INDEX}" ON "determinations_submission" '
        'USING gin (UPPER("arrangement_name"::text) gin_trgm_ops)'
    )
    schema_editor.execute(f'DROP INDEX IF EXISTS "{UNUSED_INDEX}"')


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{TRIGRAM_INDEX}"')
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{UNUSED_INDEX}" ON "determinations_arrangement" '
        'USING gin (UPPER("name"::text) gin_trgm_ops)'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("determinations", "0013_event_types_of_jobs_and_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="arrangement_name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(names_from_answers, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="submission",
            name="arrangement_name",
            field=models.CharField(
                help_text=(
                    "The arrangement's name as this request gives it: what CMS decides on, lists and writes in letters."
                ),
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="arrangement",
            name="name",
            field=models.CharField(
                help_text="The name its first request gave (never changed by later ones).", max_length=200
            ),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
