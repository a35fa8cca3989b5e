"""The one JSON reader for request bodies: DRF's parser (common/parsers.py) and the webhooks that read their raw body
for its signature use it. UTF-8 only, no NaN/Infinity, at most TRECKK_MAX_JSON_DEPTH levels, at most
DATA_UPLOAD_MAX_MEMORY_SIZE bytes. Python's own parser would hit its recursion limit on deep nesting and answer 500.

The limits on bodies before any view reads them (size, form encoding) are config/limits.py's middleware.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _


class JSONRefused(ValueError):
    """A request body that is not acceptable JSON; `code` is a registered error code (common/problems.py)."""

    def __init__(self, code: str, status: int, message: str | None = None) -> None:
        super().__init__(message or code)
        self.code = code
        self.status = status
        self.message = message  # None: the registry's message for the code


def max_json_depth() -> int:
    return int(getattr(settings, "TRECKK_MAX_JSON_DEPTH", 20))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_depth(value: Any) -> int:
    """How deeply containers nest in a parsed document ({} and [] count one level; a bare scalar is 0)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def loads(raw: bytes | str) -> Any:
    """Parse a request body as JSON within the limits, or raise JSONRefused."""
    if isinstance(raw, bytes):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and len(raw) > limit:
            raise JSONRefused("request_too_large", 413)
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRefused("invalid_encoding", 400) from None
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        value = None
        depth = None
    except ValueError as error:
        raise JSONRefused("malformed_json", 400, _("Isi permintaan bukan JSON yang sah: %(error)s") % {"error": error}) from None
    else:
        depth = json_depth(value)
    limit = max_json_depth()
    if depth is None or depth > limit:
        raise JSONRefused("json_too_deep", 400, _("JSON bersarang terlalu dalam (paling banyak %(limit)s tingkat).") % {"limit": limit})
    return value
