"""DRF's JSON parser with the request limits of common/limits.py (UTF-8, no NaN, depth), used by every API view
and the channels' JSON endpoints."""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

from common.limits import JSONRefused, loads


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "Request body too large."


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # DRF hands JSON parsers request.body in a BytesIO, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE applied already.
        raw = stream.read() if stream is not None else b""
        try:
            return loads(raw)
        except JSONRefused as refused:
            if refused.status == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE:
                raise RequestTooLarge() from None
            raise exceptions.ParseError(refused.message, code=refused.code) from None
