"""Query expressions shared by the selectors, the filters and the policy."""

from __future__ import annotations

from django.db.models import BooleanField, F, Func, QuerySet, Subquery


class PkAmong(Func):
    """`pk IN (subquery)`; on PostgreSQL `pk = ANY(ARRAY(subquery))`.

    The ids are read once (an InitPlan) and the rows fetched by primary key. Written as IN, PostgreSQL turns the
    subquery into a semi-join, and with join_collapse_limit=1 (config/settings.py) that semi-join comes after the
    list's joins, i.e. after joining every row of the table: a search for a rare word or a TRC queue then costs
    70-100 ms at a million complaints instead of 1-20 ms.
    """

    output_field = BooleanField()

    def __init__(self, ids: QuerySet) -> None:
        super().__init__(F("pk"), Subquery(ids))

    def as_sql(self, compiler, connection, **extra_context):
        (pk, pk_params), (ids, id_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{pk} IN {ids}", (*pk_params, *id_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (pk, pk_params), (ids, id_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{pk} = ANY(ARRAY{ids})", (*pk_params, *id_params)
