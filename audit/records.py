"""Writing the audit trail: one row in AuditEntry and one structured log line per security-relevant moment."""

from __future__ import annotations

import ipaddress
import json
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.http import HttpRequest

from audit.models import AuditEntry, AuditKind
from common.ratelimit import client_ip
from config.redaction import redact

logger = logging.getLogger("treckk.audit")

MAX_PATH = 500


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    raw = client_ip(request)
    try:  # REMOTE_ADDR may be empty (a unix socket); the field only takes an address
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _actor(request: HttpRequest | None, user: Any) -> tuple[Any, str]:
    """The User row and a name to keep: a staff user, a channel (its name) or nobody."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    if isinstance(user, get_user_model()):
        return user, user.get_username()
    channel = getattr(user, "channel", None)  # roles.principals.ChannelPrincipal
    return None, f"channel:{channel.name}" if channel is not None else str(user)[:150]


def record(
    kind: AuditKind | str,
    request: HttpRequest | None = None,
    *,
    user: Any = None,
    username: str = "",
    status_code: int | None = None,
    **detail: Any,
) -> AuditEntry | None:
    """Store one audit entry and log it. Never lets an audit failure break the request it describes."""
    row_user, name = _actor(request, user)
    name = (username or name)[:150]
    entry = AuditEntry(
        kind=str(kind), user=row_user, username=name, ip_address=_address(request),
        method=(request.method or "")[:10] if request is not None else "",
        # An Open311 client's `?api_key=` is a credential: the trail keeps the path with the key redacted.
        path=redact(request.get_full_path())[:MAX_PATH] if request is not None else "",
        status_code=status_code, detail=detail,
    )
    line = {
        "audit": str(kind), "user": name, "ip": entry.ip_address, "method": entry.method, "path": entry.path,
        "status": status_code, **detail,
    }
    try:
        if transaction.get_connection().in_atomic_block:
            # Its own savepoint: a failed insert must not poison the transaction of the view being audited.
            with transaction.atomic():
                entry.save()
        else:
            entry.save()  # autocommit: one INSERT, which is atomic by itself (the usual case, after the view)
    except DatabaseError:
        logger.exception("Audit entry could not be stored: %s", json.dumps(line, default=str))
        return None
    logger.info(json.dumps(line, default=str, ensure_ascii=False))
    return entry
