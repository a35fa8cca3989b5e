import re

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from complaints import dates

# What DRF's encode_cursor writes: standard base64 of a short query string.
CURSOR_PATTERN = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
INVALID_CURSOR = _("Kursor halaman tidak valid; ikuti tautan next/previous.")


class StandardPagination(CursorPagination):
    """Cursor pages: no COUNT over the table, stable under concurrent inserts.

    Paging input that cannot be honoured is refused (400), never replaced: DRF reads a page_size of -5, 0 or "abc"
    as the default and one over the maximum as the maximum, and a cursor whose base64 decodes to nothing as the first
    page, so a client would get another page than the one it asked for and not know it."""

    page_size = 25
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page, from 1 to 200; any other value is refused with 400."
    max_page_size = 200
    ordering = ("-created_at", "-id")

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            raise ValidationError({"page": [_("Daftar ini tidak memakai nomor halaman: ikuti tautan next/previous.")]})
        cursor = self.decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position, queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = _("Ukuran halaman harus bilangan bulat dari 1 sampai %(max)s.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return size

    def get_paginated_response_schema(self, schema: dict) -> dict:
        # DRF's own: `next`/`previous` not required though always sent, OpenAPI 3.0's `nullable` in a 3.1 document, and
        # an example link with a stray quote that is no URI. drf-spectacular builds each list example from these.
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page; null on the last.",
                         "example": "http://127.0.0.1:8000/api/v1/complaints/?cursor=cD0yMDI2LTExLTIz"},
                "previous": {**link, "description": "The page before; null on the first.", "example": None},
                "results": schema,
            },
        }

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded and not CURSOR_PATTERN.match(encoded):
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})
        # DRF answers a cursor it cannot read with 404, as if the list did not exist; it is bad input (400).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from None

    def _check_position(self, position: str, queryset, request, view) -> None:
        """A cursor's position is the ordering field's value of the last row seen; a forged one (not a time, or a time
        outside the range) would fail in the query (a 500), so it is read here first."""
        name = self.get_ordering(request, queryset, view)[0].lstrip("-")
        try:
            field = queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            return
        try:
            value = field.to_python(position)
        except DjangoValidationError:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from None
        if hasattr(value, "year") and not dates.in_range(value):
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})


class QueuePagination(StandardPagination):
    ordering = ("due_at", "id")


class TimelinePagination(StandardPagination):
    page_size = 100
    ordering = ("created_at", "id")
