"""Credentials that arrive in a URL are redacted wherever a URL is written down.

Open311 (GeoReport v2) sends the channel's key as `?api_key=` on a GET; we keep that form for the spec's clients and
prefer `Authorization: Api-Key <key>` (docs/integrations/open311.md). A key in a URL would otherwise land in the
audit trail's stored path (audit/records.py), the development server's request log (`django.server`), Django's
request log and error reports (`django.request`, the 500 e-mail), and gunicorn's access log if one is switched on
(config/gunicorn_logging.py). Each of those passes its text through `redact` here.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Query and form parameters that carry a credential.
SECRET_PARAMETERS = frozenset({"api_key"})
REDACTED = "[redacted]"
# `api_key=` (also percent-encoded: `api%5Fkey`, `=` as `%3D`) after the start, `?`, `&`, `;`, a space or a quote;
# its value runs to the next `&`, space, quote or `#`.
_IN_TEXT = re.compile(r"(?i)(?<![\w%])(api(?:_|%5f)key(?:=|%3d))[^&\s\"'#]*")


def redact(text: str) -> str:
    return _IN_TEXT.sub(lambda match: match.group(1) + REDACTED, text) if "key" in text.lower() else text


def redact_value(value: Any) -> Any:
    """`redact` through the strings of a log record's arguments (a tuple, a dict or one value)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, tuple):
        return tuple(redact_value(item) for item in value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    return value


def redacted_items(items) -> list[tuple[str, Any]]:
    """A QueryDict's items with the secret parameters' values replaced."""
    return [(key, REDACTED if key.lower() in SECRET_PARAMETERS else value) for key, value in items]


class RedactSecretsFilter(logging.Filter):
    """A logging filter that rewrites a record's message and arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = redact_value(record.args)
        return True


class RedactingReporterFilter(SafeExceptionReporterFilter):
    """Django's filter for error reports (DEBUG off), plus: a frame's local variable whose name says it holds a key,
    token or secret (`raw_key`, `api_key`, ...) is hidden like a sensitive setting, and a secret POST field too."""

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [(name, self.cleansed_substitute if self.hidden_settings.search(name) else value) for name, value in variables]

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if request is None or not any(key.lower() in SECRET_PARAMETERS for key in parameters):
            return parameters
        parameters = parameters.copy()
        for key in list(parameters):
            if key.lower() in SECRET_PARAMETERS:
                parameters[key] = self.cleansed_substitute
        return parameters


class RedactingExceptionReporter(ExceptionReporter):
    """The 500 page and e-mail with the URL's secrets redacted: Django prints the query parameters, the full URI and
    request.META (QUERY_STRING, REQUEST_URI) as they came, whatever the reporter filter says."""

    def get_traceback_data(self) -> dict:
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = redacted_items(self.request.GET.items())
            data["request_insecure_uri"] = redact(data.get("request_insecure_uri", ""))
            data["request_meta"] = {key: redact_value(value) for key, value in data.get("request_meta", {}).items()}
        for frame in data.get("frames", []):
            if "vars" in frame:
                frame["vars"] = [(name, redact_value(value)) for name, value in frame["vars"]]
        if "exception_value" in data:
            data["exception_value"] = redact(data["exception_value"])
        return data
