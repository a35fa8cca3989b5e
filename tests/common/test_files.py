"""The one private-file answer the portal, the API, the duty log and the inbox serve stored files with."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage

from common.files import private_file_response


def test_a_private_file_is_shown_inline_and_cached_only_by_the_browser():
    storage = InMemoryStorage()
    name = storage.save("attachments/x/photo.jpg", ContentFile(b"\xff\xd8 not really a jpeg"))
    response = private_file_response(storage, name, "image/jpeg", "7.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="7.jpg"'
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Length"] == str(len(b"\xff\xd8 not really a jpeg"))
    assert b"".join(response.streaming_content) == b"\xff\xd8 not really a jpeg"
