"""Open311 sends the channel's key as an `api_key` field (form or JSON body, or the query string of a GET).

The key is a channel API key like any other (hashed, shown once, `api.auth.ChannelKeyAuthentication` checks it);
the `Authorization: Api-Key <key>` header works here too and is the better way: a query string is written down by
every proxy on the way. This server redacts `api_key` wherever it writes a URL down (config/redaction.py).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.auth import ChannelKeyAuthentication

FIELD = "api_key"


class Open311KeyAuthentication(ChannelKeyAuthentication):
    def authenticate(self, request):
        from_header = super().authenticate(request)
        if from_header is not None:
            return from_header
        raw_key = request.query_params.get(FIELD, "")
        if not raw_key and request.method == "POST":
            data = request.data
            raw_key = data.get(FIELD, "") if hasattr(data, "get") else ""
        raw_key = str(raw_key or "").strip()
        if not raw_key:
            return None
        return self.authenticate_key(raw_key)


class Open311KeyScheme(OpenApiAuthenticationExtension):
    target_class = "channels.open311.auth.Open311KeyAuthentication"
    name = "open311ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": FIELD,
            "description": (
                "A channel's API key as Open311's `api_key`: a form or JSON field of a POST, a query parameter of a "
                "GET. Prefer `Authorization: Api-Key <key>`, accepted on every Open311 call: a key in a URL is kept "
                "by proxies and browsers; this server redacts it from its own logs and audit trail."
            ),
        }
