"""The dashboard's period counts as an index-only scan on PostgreSQL (issue 7).

A year at a million complaints is over half a million rows; counting them by week, kind, status, outcome and
channel read 480 MB of complaint rows (their descriptions and addresses along) through the created_at index. This
index holds the creation time and every column the counts group or narrow by, 35 MB, so the count never visits the
table (after VACUUM has marked the old rows all-visible, which autovacuum does). SQLite has no INCLUDE; it keeps the
created_at index.
"""

from django.db import migrations

PERIOD_INDEX = "complaint_period_counts_idx"
COVERED = "kind, status, outcome, channel_kind, district_id, category_id"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {PERIOD_INDEX} ON complaints_complaint (created_at) INCLUDE ({COVERED})")


def drop(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {PERIOD_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_step_spans")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
