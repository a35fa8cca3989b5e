"""On PostgreSQL, the database itself refuses UPDATE and DELETE of complaint events and audit entries.

The models already refuse it (save of an existing row, delete, queryset update/delete), but raw SQL, a data fix in
psql or a future bug would not pass through them. A BEFORE UPDATE OR DELETE row trigger raises instead. SQLite has
no such guard here: it is for development and tests only. TRUNCATE is not covered (the test runner empties tables
with it); the application never truncates.
"""

from django.db import migrations

TABLES = {
    "complaints_complaintevent": "complaint_event_append_only",
    "audit_auditentry": "audit_entry_append_only",
}

FUNCTION = """
CREATE OR REPLACE FUNCTION treckk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'treckk: % rows are append-only; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Record a new row (a correction event) instead of changing or deleting one.';
END;
$$;
"""


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: the % are plpgsql's
    for table, trigger in TABLES.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION treckk_refuse_change()"
        )


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, trigger in TABLES.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS treckk_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("complaints", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
