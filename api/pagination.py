from rest_framework.pagination import CursorPagination


class StandardPagination(CursorPagination):
    """Cursor pages: no COUNT over the table, stable under concurrent inserts."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")


class QueuePagination(StandardPagination):
    ordering = ("due_at", "id")


class TimelinePagination(StandardPagination):
    page_size = 100
    ordering = ("created_at", "id")
