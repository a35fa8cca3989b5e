"""The answer that serves a stored private file (case attachments, field-log photos, inbox media): shown in the
browser, never cached by a shared cache. The view checks who may see the file before calling here."""

from __future__ import annotations

from django.core.files.storage import Storage
from django.http import FileResponse


def private_file_response(storage: Storage, name: str, content_type: str, filename: str) -> FileResponse:
    """The stored file `name` as a 200 `content_type` response, offered as `filename`, cached privately for an hour."""
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
