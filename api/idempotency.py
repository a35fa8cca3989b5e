"""Idempotency keys of channel intake (`Idempotency-Key`, or the body's `external_ref`/`external_id`) and the
fingerprint of the body they were first sent with.

The IETF draft "The Idempotency-Key HTTP Header Field" (httpapi working group): a retry with the same key and the
same payload gets the first result; the same key with a different payload is refused with 422. The fingerprint is
a SHA-256 of the parsed body in a canonical form (keys sorted, no insignificant spaces), so a client that
serializes the same data differently on a retry is still retrying. It is stored with the complaint or message the
key made (`Complaint.intake_fingerprint`, `InboundMessage.fingerprint`) and compared by the services that look the
key up (complaints.services.intake.submit_complaint, channels.services.receive_message), in the same transaction.

Requests are never in flight twice for one key: the unique (channel, key) constraint makes a concurrent second
request wait for the first one's commit and then answer like a retry (or 422), so the draft's 409 does not arise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 128  # the length of Complaint.external_ref and InboundMessage.external_id


def header_key(request) -> str:
    return request.headers.get(IDEMPOTENCY_HEADER, "").strip()[:MAX_KEY_LENGTH]


def _plain(value):
    if isinstance(value, UploadedFile):
        return {"file": value.name, "size": value.size}
    return str(value)


def body_fingerprint(data, *, ignore: Iterable[str] = ()) -> str:
    """SHA-256 (hex) of the parsed body. `ignore` names fields that are not part of what is asked (a credential
    sent as a field, like Open311's `api_key`)."""
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in data}
    if isinstance(data, dict):
        skipped = set(ignore)
        data = {key: value for key, value in data.items() if key not in skipped}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return hashlib.sha256(canonical.encode()).hexdigest()
