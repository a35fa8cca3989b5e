"""drf-spectacular postprocessing for Open311: every answer documented in both formats the path's suffix chooses.

drf-spectacular lists each renderer's media type for a view's 2xx answers, but draws them all as JSON; the error
answers come from api.openapi_hooks as JSON only. Here each Open311 answer gets its `text/xml` twin with OpenAPI's
`xml` object saying what renderers.GeoReportXMLRenderer writes: the root element (the view's `xml_root`, or `errors`),
what each list's items are called (renderers.ITEM_TAGS), and nothing else (no attributes, no namespace).
Runs after api.openapi_hooks.add_problem_responses and before make_contract (SPECTACULAR_SETTINGS).
"""

from __future__ import annotations

import copy

from channels.open311.renderers import ERRORS, ITEM_TAGS, MEDIA_TYPE

PREFIX = "/open311/"
JSON = "application/json"
METHODS = ("get", "put", "post", "delete", "patch")
REF = "#/components/schemas/"


def describe_xml(result: dict, generator, request, public) -> dict:
    roots = _roots(generator)
    schemas = result.get("components", {}).get("schemas", {})
    for path, item in result.get("paths", {}).items():
        if not path.startswith(PREFIX):
            continue
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if JSON not in content:
                    continue
                root = ERRORS if int(status) >= 400 else roots.get(path, "response")
                content[MEDIA_TYPE] = {"schema": _as_xml(copy.deepcopy(content[JSON]["schema"]), root, schemas)}
    return result


def _roots(generator) -> dict[str, str]:
    """Each Open311 path's XML root element, from its view (`xml_root`): the one place that names it."""
    endpoints = getattr(generator, "endpoints", None) or []
    return {path: root for path, _regex, _method, callback in endpoints if (root := getattr(callback.cls, "xml_root", None))}


def _as_xml(schema: dict, name: str, schemas: dict) -> dict:
    """`schema` as the element `name`: a list wraps its items (named by ITEM_TAGS), an object holds its fields."""
    if schema.get("type") == "array":
        schema["xml"] = {"name": name, "wrapped": True}
        _name_component(schema.get("items", {}), ITEM_TAGS.get(name, "item"), schemas)
    elif "$ref" in schema:
        _name_component(schema, name, schemas)
    else:
        schema["xml"] = {"name": name}
    return schema


def _name_component(schema: dict, name: str, schemas: dict) -> None:
    """Components here are Open311's own (Service, ServiceRequest, Error, Endpoint...), so their element name is
    theirs; a list among their fields (a definition's `attributes`, an endpoint's `formats`) wraps its items the same
    way, down to the innermost."""
    component = schemas.get(schema.get("$ref", "").removeprefix(REF))
    if component is None:
        schema.setdefault("xml", {"name": name})
        return
    component["xml"] = {"name": name}
    for field, field_schema in component.get("properties", {}).items():
        if field_schema.get("type") == "array":
            field_schema["xml"] = {"wrapped": True}
            _name_component(field_schema.setdefault("items", {}), ITEM_TAGS.get(field, "item"), schemas)
