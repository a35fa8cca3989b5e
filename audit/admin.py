"""The audit trail in the admin: searchable and filterable, never editable (no add, change or delete)."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEntry
from common.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip_address", "method", "path", "status_code")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip_address", "path")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    list_select_related = False
