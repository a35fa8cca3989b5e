from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class StandardPagination(CursorPagination):
    """Cursor pages: no COUNT over the table, stable under concurrent inserts."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")

    def decode_cursor(self, request):
        # DRF answers a cursor it cannot read with 404, as if the list did not exist; it is bad input (400).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [_("Kursor halaman tidak valid; ikuti tautan next/previous.")]}) from None


class QueuePagination(StandardPagination):
    ordering = ("due_at", "id")


class TimelinePagination(StandardPagination):
    page_size = 100
    ordering = ("created_at", "id")
