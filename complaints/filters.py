"""Complaint filters shared by the API list and the portal's oversight views."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Func, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.dates import DateFilter
from complaints.expressions import PkAmong
from complaints.models import Category, ChannelKind, Complaint, ComplaintKind, District, Team
from complaints.workflow import STEP_OF, Outcome, Program, Status


class ComplaintFilter(django_filters.FilterSet):
    # distinct=False: status is a column of the row itself, so no join can repeat rows, and DISTINCT over whole rows
    # would make the database sort every match (a million closed complaints) before taking one page.
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"), distinct=False)
    step = django_filters.TypedChoiceFilter(
        choices=[(n, str(n)) for n in STEP_OF.values()], coerce=int, method="filter_step", label=_("Langkah SOP"),
    )
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Hasil"), empty_label=_("Semua"))
    kind = django_filters.ChoiceFilter(choices=ComplaintKind.choices, label=_("Jenis"), empty_label=_("Semua"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), to_field_name="slug", label=_("Kecamatan"), empty_label=_("Semua")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), to_field_name="slug", label=_("Kategori"), empty_label=_("Semua")
    )
    channel_kind = django_filters.ChoiceFilter(choices=ChannelKind.choices, label=_("Kanal"), empty_label=_("Semua"))
    program = django_filters.ChoiceFilter(choices=Program.choices, label=_("Program"), empty_label=_("Semua"))
    team = django_filters.ModelChoiceFilter(
        field_name="assigned_team", queryset=Team.objects.all(), to_field_name="slug", label=_("Tim"), empty_label=_("Semua")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Lewat tenggat"),
        widget=forms.Select(choices=[("", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))]),
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Cari"))
    # Bounded dates (complaints/dates.py): a year-1 or year-9999 bound is refused with a message, not computed with.
    created_after = DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Dari tanggal"))
    created_before = DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Sampai tanggal"))

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_step(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        statuses = [status for status, step in STEP_OF.items() if step == value]
        return queryset.filter(status__in=statuses)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = Q(due_at__lt=timezone.now()) & ~Q(status=Status.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(search_condition(value))


class ChannelComplaintFilter(ComplaintFilter):
    """A channel's filters over its own complaints: those of the channel view only. A filter on the team or on the
    deadline would tell it, by what comes back, what its view leaves out."""

    team = None
    overdue = None


SEARCH_INDEX = "complaint_search_idx"  # complaints migration 0006
WORD = re.compile(r"\w+")
# A search whose words (together) are in at least this share of rows walks the newest rows and stops at a page.
COMMON_SHARE = 0.005
# Any other search reads its matches through the index and keeps the newest this many.
NEWEST_MATCHES = 500
STATS_SECONDS = 600
_stats: dict = {"read_at": -STATS_SECONDS, "shares": {}}


class SearchMatch(Func):
    """to_tsvector('simple', description || ' ' || address) @@ to_tsquery('simple', query): the very expression
    the GIN index of complaints migration 0006 holds (the columns stay qualified by whatever alias the query uses)."""

    output_field = BooleanField()

    def __init__(self, query: str) -> None:
        super().__init__(F("description"), F("address"), Value(query))

    def as_sql(self, compiler, connection, **extra_context):
        (description, p1), (address, p2), (query, p3) = (compiler.compile(e) for e in self.get_source_expressions())
        vector = f"to_tsvector('simple'::regconfig, {description} || ' ' || {address})"
        return f"{vector} @@ to_tsquery('simple'::regconfig, {query})", (*p1, *p2, *p3)


def search_condition(value: str) -> Q:
    """A tracking code (exact, through the unique index; codes are stored in capitals), or the words of the description
    and address. On PostgreSQL every word must begin a word of the text ('pasa' finds 'pasar'), read through the
    full-text index, so no search reads the whole table; elsewhere (SQLite) the text is matched as one substring."""
    by_code = Q(code=value.upper())
    if connection.vendor != "postgresql":
        return by_code | Q(description__icontains=value) | Q(address__icontains=value)
    words = WORD.findall(value.lower())
    if not words:
        return by_code
    # Each word goes in as a quoted lexeme matched as a prefix (no tsquery syntax from the user gets through).
    query = " & ".join(f"'{word}':*" for word in words)
    if _estimated_share(words) >= COMMON_SHARE:
        # Common words: the newest rows (created_at index, newest first) match often, so a page comes quickly.
        return by_code | Q(SearchMatch(query))
    # Rare words: PostgreSQL cannot know how rare (a word missing from its statistics counts as 0.5% of rows), and
    # walking the newest rows for a word that is nowhere would read them all. So the matches come from the index,
    # the newest of them are kept (ordered by an expression no index provides, so the planner cannot walk an index),
    # and the page is taken from those.
    newest = (
        Complaint.objects.filter(by_code | Q(SearchMatch(query)))
        .order_by(ExpressionWrapper(F("created_at") + Value(timedelta(0)), output_field=DateTimeField()).desc())
        .values("pk")[:NEWEST_MATCHES]
    )
    return Q(PkAmong(newest))


def _estimated_share(words: list[str]) -> float:
    """Share of rows holding all the words (as prefixes), from PostgreSQL's most common lexemes of the search index;
    0 for a word not among them. Independent words multiply. Read again every ten minutes per process."""
    now = time.monotonic()
    if now - _stats["read_at"] > STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s",
                [SEARCH_INDEX],
            )
            row = cursor.fetchone()
        _stats.update(read_at=now, shares=dict(zip(row[0], row[1], strict=False)) if row and row[0] else {})
    share = 1.0
    for word in words:
        share *= min(1.0, sum(f for lexeme, f in _stats["shares"].items() if lexeme.startswith(word)))
    return share
