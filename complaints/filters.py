"""Complaint filters shared by the API list and the portal's oversight views."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Dari tanggal"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Sampai tanggal"))

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
        # Codes are stored in capitals: an exact match uses the unique index. On PostgreSQL the two text columns have
        # trigram indexes on UPPER(...) (complaints migration 0006), which is what icontains compares; every branch of
        # the OR is indexed, so a search never reads the whole table.
        return queryset.filter(
            Q(code=value.upper()) | Q(description__icontains=value) | Q(address__icontains=value)
        )
