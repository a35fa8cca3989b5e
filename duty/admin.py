"""Shifts are defined here once for every post. Roster entries are kept in the portal (the admin lists them);
the field log is append-only, so the admin shows it read-only."""

from __future__ import annotations

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from duty.models import FieldLogCorrection, FieldLogEntry, RosterEntry, Shift


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "starts_at", "ends_at", "order", "is_active")
    list_editable = ("order", "is_active")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Rostered shifts are protected by the database; an unused shift is switched off rather than deleted.
        return False


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ("date", "shift", "team", "member", "duty_type", "note")
    list_filter = ("team", "shift", "duty_type")
    date_hierarchy = "date"
    search_fields = ("member__username", "member__first_name", "member__last_name", "note")
    list_select_related = ("shift", "team", "member")
    readonly_fields = ("created_by", "created_at")


class CorrectionInline(admin.TabularInline):
    model = FieldLogCorrection
    extra = 0
    can_delete = False
    readonly_fields = ("text", "author", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FieldLogEntry)
class FieldLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "ended_at", "team", "kind", "district", "recorded_by")
    list_filter = ("team", "kind")
    date_hierarchy = "started_at"
    search_fields = ("summary", "place", "complaint__code")
    list_select_related = ("team", "district", "recorded_by")
    inlines = [CorrectionInline]
