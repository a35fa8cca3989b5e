"""Indexes for a million complaints (issue 7). Raw SQL with no model state, since one of them is PostgreSQL-only.

- Open complaints by due time, as a partial index: every queue and the oversight list read the few thousand open
  rows in the order they show them, whatever the number of closed ones (SQLite and PostgreSQL).
- Full-text search on PostgreSQL: a GIN index over to_tsvector('simple', description || ' ' || address), the very
  expression `complaints.filters.search_condition` compares. Its statistics (ANALYZE) tell the planner how common a
  word is, so a common word walks the newest rows and a rare one reads only its matches. SQLite keeps LIKE.
"""

from django.db import migrations

OPEN_INDEX = "complaint_open_due_idx"
SEARCH_INDEX = "complaint_search_idx"
# Must stay identical to complaints.filters.SEARCH_VECTOR (with the table name), or the index is not used.
SEARCH_VECTOR = "to_tsvector('simple'::regconfig, description || ' ' || address)"


def create(apps, schema_editor) -> None:
    execute = schema_editor.execute
    execute(f"CREATE INDEX IF NOT EXISTS {OPEN_INDEX} ON complaints_complaint (due_at, id) WHERE status <> 'closed'")
    if schema_editor.connection.vendor != "postgresql":
        return
    execute(f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON complaints_complaint USING gin (({SEARCH_VECTOR}))")
    # The expression's statistics come from ANALYZE; without them every word looks equally rare.
    execute("ANALYZE complaints_complaint")


def drop(apps, schema_editor) -> None:
    for name in (OPEN_INDEX, SEARCH_INDEX):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # ANALYZE and a long index build need not hold one transaction open

    dependencies = [("complaints", "0005_knowledge_base")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
