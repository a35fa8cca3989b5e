from django.contrib import admin

from public.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Reporters' ratings, to read: they are the reporter's words and are never edited or made up."""

    list_display = ("complaint", "rating", "created_at")
    list_filter = ("rating",)
    search_fields = ("complaint__code",)
    readonly_fields = ("complaint", "rating", "comment", "created_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
