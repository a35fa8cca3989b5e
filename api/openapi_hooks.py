"""drf-spectacular postprocessing: every operation's error responses as problem+json with one `Problem` schema.

Views declare the errors particular to them (409 on an action, 412 with If-Match); this hook adds those any
operation can give (400 malformed input, 401/403 with authentication, 404 with a path parameter, 413/415 with a
body, 429, 500, 503), points each at the `Problem` schema under `application/problem+json`, and lists the codes
each status may carry. The codes come from the registry (common/problems.py), so openapi.yaml cannot drift from it.
Open311 keeps the error format its specification fixes. A second hook (`make_contract`) then makes true of the whole
document what generators and validators read literally; tests/test_openapi_contract.py checks the result.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator

from common.problems import ERRORS, TITLES, codes_for_status

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OWN_ERROR_FORMAT = ("/open311/",)
ALWAYS = (400, 429, 500, 503)
WITH_AUTH = (401, 403)
WITH_PATH_PARAMETER = (404,)
WITH_BODY = (413, 415)
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before sending the request again."}
}
DEFAULT_DESCRIPTIONS = {
    400: "The request is malformed or a field is wrong.",
    401: "No credentials, or unknown ones.",
    403: "Not allowed for your role, team or channel.",
    404: "Unknown, or not visible to you.",
    405: "Method not allowed.",
    406: "Not acceptable.",
    409: "Not possible in the complaint's current state.",
    412: "The complaint changed since the version you sent.",
    413: "The body or a file is too large.",
    415: "Unsupported Content-Type.",
    422: "This idempotency key was used before with another body; nothing was stored.",
    429: "Too many requests; see `Retry-After`.",
    500: "Unexpected server error; nothing was stored. No details are sent.",
    503: "The database is unreachable for a moment; send the same request again after `Retry-After` seconds.",
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": (
        "An error, as RFC 9457 problem details (`application/problem+json`). Branch on `code`, which never changes "
        "meaning; `detail` is for people and follows `Accept-Language` (Indonesian by default). docs/errors.md "
        "lists every code."
    ),
    "properties": {
        "type": {"type": "string", "description": "`urn:treckk:error:<code>`.", "example": "urn:treckk:error:invalid_input"},
        "title": {"type": "string", "description": "The HTTP status's name.", "example": "Bad Request"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "example": 400},
        "code": {
            "type": "string",
            "enum": [error.code for error in ERRORS],
            "description": "\n".join(f"- `{e.code}` ({e.status}): {e.description}" for e in ERRORS),
        },
        "detail": {"type": "string", "description": "What went wrong, for a person.", "example": "Periksa isian yang ditandai."},
        "errors": {
            "type": "object",
            "description": "With `invalid_input`: each field (nested ones dotted, e.g. `reporter.phone`) and its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"description": ["Kolom ini wajib diisi."]},
        },
    },
    "required": ["type", "title", "status", "code", "detail"],
}


def _authenticated(operation: dict) -> bool:
    security = operation.get("security")
    return security is None or any(requirement for requirement in security)


def _statuses(path: str, operation: dict) -> set[int]:
    wanted = set(ALWAYS)
    if _authenticated(operation):
        wanted.update(WITH_AUTH)
    if "{" in path:
        wanted.update(WITH_PATH_PARAMETER)
    if "requestBody" in operation:
        wanted.update(WITH_BODY)
    return wanted


def _describe(status: int, description: str) -> str:
    if description.startswith("Problem details"):
        description = ""  # the views' generic placeholder: say what this status means here instead
    codes = ", ".join(f"`{code}`" for code in codes_for_status(status, api_only=True))
    text = description or DEFAULT_DESCRIPTIONS.get(status, TITLES.get(status, "Error"))
    return f"{text} Codes: {codes}." if codes and "Codes:" not in text else text


OPEN311_ERRORS = {"type": "array", "items": {"$ref": "#/components/schemas/Error"}}


def _open311_errors(path: str, operation: dict) -> None:
    """GeoReport v2 answers every error as a list of {code, description} (a view's `many=True` error serializer is
    drawn as one object by drf-spectacular), including the ones Django or the request limits give."""
    responses = operation.setdefault("responses", {})
    # A missing or wrong api_key is 403 in GeoReport v2, never 401; an unknown jurisdiction_id is 404 anywhere.
    for status in (_statuses(path, operation) - {401}) | {403, 404}:
        responses.setdefault(str(status), {"description": DEFAULT_DESCRIPTIONS.get(status, "")})
    for key, response in responses.items():
        if key.isdigit() and int(key) >= 400:
            response["content"] = {"application/json": {"schema": OPEN311_ERRORS}}
    operation["responses"] = dict(sorted(responses.items()))


def add_problem_responses(result: dict, generator, request, public) -> dict:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, item in result.get("paths", {}).items():
        if path.startswith(OWN_ERROR_FORMAT):
            for method, operation in item.items():
                if method in METHODS:
                    _open311_errors(path, operation)
            continue
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, operation):
                responses.setdefault(str(status), {"description": ""})
            for key in list(responses):
                if not key.isdigit() or int(key) < 400:
                    continue
                status = int(key)
                response = {
                    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
                    "description": _describe(status, responses[key].get("description", "")),
                }
                if status in (429, 503):
                    response["headers"] = RETRY_AFTER
                responses[key] = response
            operation["responses"] = dict(sorted(responses.items()))
    return result


# --- the document as a contract for generators and validators ---------------------------------------------------------


def make_contract(result: dict, generator, request, public) -> dict:
    """What code generators and validators read literally, made true of the whole document:

    - a public operation says `security: []` (no credentials), not drf-spectacular's `[{}]` ("optional") or nothing
      (which would inherit any root-level requirement), so a generated client lets it be called without a token;
    - no `default` that its own schema refuses (`default: ''` beside `minLength: 1`, a `pattern` or `format: email`):
      a default inside one `oneOf` branch moves up to the property when the property accepts it, else it is dropped,
      because "left out" then simply means not sent;
    - no OpenAPI 3.0 `nullable` left over from a schema written by hand (DRF's pagination): 3.1 says `"null"` in `type`.
    """
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method in METHODS and not any(requirement for requirement in operation.get("security") or []):
                operation["security"] = []
    for schema in _schemas_outside_components(result.get("paths", {})):
        _walk(schema)
    _walk(result.get("components", {}).get("schemas", {}), schema_map=True)
    return result


def _schemas_outside_components(node):
    """The `schema` of every parameter, header, request and response body (example values are left alone)."""
    if isinstance(node, list):
        for child in node:
            yield from _schemas_outside_components(child)
    elif isinstance(node, dict):
        for key, child in node.items():
            if key == "schema":
                yield child
            elif key not in ("example", "examples"):
                yield from _schemas_outside_components(child)


def _walk(node, schema_map: bool = False) -> None:
    """Every schema under `node`, innermost first (a `oneOf` branch is settled before its property looks at it).
    Example values are data, never schemas; a `properties` map's keys are field names, never keywords."""
    if isinstance(node, list):
        for child in node:
            _walk(child)
        return
    if not isinstance(node, dict):
        return
    for key, child in node.items():
        if schema_map:
            _walk(child)
        elif key not in ("example", "examples"):
            _walk(child, schema_map=key in ("properties", "patternProperties", "$defs"))
    if schema_map:
        return
    if node.get("nullable") is True:
        _nullable_to_type(node)
    for branch in node.get("oneOf", ()):
        if isinstance(branch, dict) and "default" in branch:
            node.setdefault("default", branch.pop("default"))
    if "default" in node and not _accepts(node, node["default"]):
        del node["default"]


def _nullable_to_type(schema: dict) -> None:
    del schema["nullable"]
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        kind.append("null")


def _accepts(schema: dict, value) -> bool:
    # Only schemas without references: a default sits on a plain property, and resolving would need the document.
    if _has_reference(schema):
        return True
    checked = {key: part for key, part in schema.items() if key not in ("default", "example", "examples", "description")}
    return Draft202012Validator(checked, format_checker=Draft202012Validator.FORMAT_CHECKER).is_valid(value)


def _has_reference(node) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_has_reference(child) for child in node.values())
    return isinstance(node, list) and any(_has_reference(child) for child in node)
