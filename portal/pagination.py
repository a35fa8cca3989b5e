"""Pages for lists that may match most of a million rows: the count stops at a cap instead of reading every row."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows (unordered, so the database takes the cheapest path), so a page of an
    unfiltered register or a common search word costs the same at 10,000 or 1,000,000 complaints. Past the cap the
    page says "more than" and offers the pages up to it; narrowing the filters finds the rest."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
