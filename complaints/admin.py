"""The administrator's screens: channels and their keys, reference data, SOP time limits, teams.

Complaints themselves change only through the workflow (portal or API), so the admin shows them read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyAdmin
from complaints.knowledge import knowledge_answer_used
from complaints.models import Category, Channel, Complaint, District, Holiday, KnowledgeAnswer, SlaPolicy, Team, Village


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active", "api_key_prefix", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    readonly_fields = ("api_key_prefix", "created_at")
    exclude = ("api_key_hash",)
    actions = ("issue_new_key", "disable")

    @admin.action(description=_("Terbitkan kunci API baru (kunci lama langsung tidak berlaku)"))
    def issue_new_key(self, request, queryset) -> None:
        for channel in queryset:
            raw_key = channel.rotate_api_key()
            # Shown once: only the hash is stored, so losing it means issuing another.
            self.message_user(
                request,
                format_html(_("Kunci baru untuk {}: <code>{}</code> — salin sekarang, tidak ditampilkan lagi."), channel.name, raw_key),
                level=messages.WARNING,
            )

    @admin.action(description=_("Nonaktifkan kanal (permintaannya ditolak dengan 401)"))
    def disable(self, request, queryset) -> None:
        count = queryset.update(is_active=False)
        self.message_user(request, _("%(count)s kanal dinonaktifkan.") % {"count": count})


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("status", "program", "target", "limit")
    list_filter = ("program",)
    list_editable = ("target", "limit")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug", "is_active", "sort_order")
    list_filter = ("kind", "is_active")
    list_editable = ("is_active", "sort_order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Public holidays and collective leave (cuti bersama): the days working-day deadlines (SP4N-LAPOR!'s) skip.
    Seeded with 2026 from the SKB 3 Menteri; each later year is added here once its decree is published."""

    list_display = ("date", "name", "kind", "source")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            this_year = timezone.localdate().year
            known = {day.year for day in Holiday.objects.filter(date__year__in=(this_year, this_year + 1)).dates("date", "year")}
            for year in (this_year, this_year + 1):
                if year not in known:
                    self.message_user(request, _(
                        "Kalender hari libur tahun %(year)s masih kosong: tenggat hari kerja (SP4N-LAPOR!) tahun itu hanya "
                        "melewati Sabtu dan Minggu. Tambahkan libur nasional dan cuti bersama dari SKB 3 Menteri tahun itu "
                        "begitu terbit."
                    ) % {"year": year}, level=messages.WARNING)
        return super().changelist_view(request, extra_context)


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "latitude", "longitude")
    inlines = (VillageInline,)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "is_active")
    list_filter = ("is_active",)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("code", "status", "category", "district", "channel_kind", "created_at", "due_at")
    list_filter = ("status", "channel_kind", "program")
    search_fields = ("code",)
    date_hierarchy = "created_at"
    list_select_related = ("category", "district")
    # Reporter data is deliberately absent: it is shown only through the role policy in the portal and API.
    fields = ("code", "status", "outcome", "category", "district", "village", "channel_kind", "created_at", "due_at", "version")
    readonly_fields = fields


@admin.register(KnowledgeAnswer)
class KnowledgeAnswerAdmin(admin.ModelAdmin):
    """The Operator and Kepala keep the entries at /knowledge/; the administrator may too, from here."""

    list_display = ("title", "topic", "is_active", "updated_at", "updated_by")
    list_filter = ("topic", "is_active")
    search_fields = ("title", "answer")
    readonly_fields = ("updated_at", "updated_by", "version")
    actions = None  # no bulk delete: an entry an answer was sent from must stay

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        # A mistaken, never-used entry may go; one that answers were sent from is deactivated instead.
        if obj is not None and knowledge_answer_used(obj.pk):
            return False
        return super().has_delete_permission(request, obj)
