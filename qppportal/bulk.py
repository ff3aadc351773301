"""Writing many saved rows at once, for batch work that has already computed each row's new values.

``rows_update(model, objects, fields)`` runs one ``UPDATE … SET … WHERE id = …`` statement for
every object with ``executemany`` (psycopg sends them in a pipeline: one round trip, not one per
row; SQLite runs them in-process). Django's ``bulk_update`` does the same writes as one statement
with a ``CASE WHEN id = … THEN …`` per field and row, and building that expression in Python cost
more than everything else a re-check batch does (decision 0035). Like ``bulk_update``, it sends no
signals and does not touch ``auto_now`` fields unless they are listed.
"""

from django.db import connections, router


def rows_update(model, objects, fields: list[str]) -> int:
    """Write ``fields`` of each of ``objects`` (rows already saved) to the database; returns how many rows."""
    objects = list(objects)
    if not objects:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # nosec B608: quoted names of the model, values as parameters
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [meta.pk.get_db_prep_value(obj.pk, connection)]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
