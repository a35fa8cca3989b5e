"""The OpenAPI document as a contract that generators and validators read literally (issue 15, item 1).

Checked on the document the code generates now (as `make openapi` writes it), so a view that drifts fails here and
not first in an integrator's generated client: every example matches its schema (JSON Schema 2020-12, the dialect
of OpenAPI 3.1), every 2xx but 204 has a schema, request bodies are JSON but for uploads and Open311's forms, public
operations say `security: []`, no default breaks its own constraints, the token scheme tells its prefix, and
openapi-spec-validator accepts the whole. `make openapi-lint` runs openapi-spec-validator and Redocly on the
committed file; tests/client/ generates a client from it and walks a complaint through the SOP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from jsonschema import Draft202012Validator, FormatChecker

METHODS = ("get", "put", "post", "delete", "patch")
# Operations anyone may call without credentials; every other one names the schemes it takes.
PUBLIC = {
    "auth_token_create", "public_track_retrieve", "workflow_list",
    "open311_discovery", "open311_services", "open311_service_definition",
}
# The one body format per operation: JSON, but multipart for uploads and GeoReport v2's form encoding for Open311.
NOT_JSON = {
    "complaints_attachments_create": ["multipart/form-data"],
    "open311_requests_create": ["application/x-www-form-urlencoded"],
}
# jsonschema checks `format: uri` only with an optional package; what Redocly's validator (ajv-formats) also refuses.
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]*$")
FORMATS = FormatChecker()
FORMATS.checks("uri")(lambda value: not isinstance(value, str) or bool(URI.match(value)))


@pytest.fixture(scope="module")
def rendered() -> str:
    # Through the renderer `make openapi` uses: lazy translations and decimals become what the file holds.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


@pytest.fixture(scope="module")
def document(rendered) -> dict:
    return yaml.safe_load(rendered)


def operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def validator(document: dict, schema: dict) -> Draft202012Validator:
    # `#/components/...` references resolve against this wrapper, which carries the document's components.
    return Draft202012Validator({"components": document["components"], "allOf": [schema]}, format_checker=FORMATS)


def examples(document: dict) -> Iterator[tuple[str, dict, object]]:
    """(where, schema, value) for every example of a body, a parameter or a schema property."""
    for path, method, operation in operations(document):
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += [(f"response {status}", response) for status, response in operation["responses"].items()]
        for label, body in bodies:
            for media_type, content in body.get("content", {}).items():
                where = f"{method.upper()} {path} {label} {media_type}"
                if "example" in content:
                    yield where, content["schema"], content["example"]
                for name, example in content.get("examples", {}).items():
                    yield f"{where} example {name!r}", content["schema"], example["value"]
        for parameter in operation.get("parameters", []):
            for name, example in parameter.get("examples", {}).items():
                yield f"{method.upper()} {path} parameter {parameter['name']} {name!r}", parameter["schema"], example["value"]
    yield from _property_examples(document["components"]["schemas"], "#/components/schemas")


def _property_examples(node, where: str) -> Iterator[tuple[str, dict, object]]:
    if isinstance(node, dict):
        if "example" in node:
            yield where, {key: value for key, value in node.items() if key != "example"}, node["example"]
        for key, child in node.items():
            if key not in ("example", "examples", "enum", "default"):
                yield from _property_examples(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _property_examples(child, f"{where}/{index}")


def schemas_with_defaults(node, where: str = "#") -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        if "default" in node and isinstance(node.get("type"), (str, list)):
            yield where, node
        for key, child in node.items():
            if key not in ("example", "examples"):
                yield from schemas_with_defaults(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from schemas_with_defaults(child, f"{where}/{index}")


def test_every_example_matches_its_schema(document):
    found = list(examples(document))
    assert len(found) > 40
    wrong = []
    for where, schema, value in found:
        for error in validator(document, schema).iter_errors(value):
            wrong.append(f"{where}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    assert not wrong, "\n".join(wrong)


def test_yaml_12_readers_see_the_same_strings(rendered):
    # PyYAML writes YAML 1.1, where `081234567890` cannot be an octal number and so stays a bare string; YAML 1.2
    # readers (js-yaml in Redocly and Swagger UI, most generators) read the same bare word as the integer 81234567890.
    assert not re.findall(r"^\s*(?:- )?[\w-]+: 0[0-9]*[89][0-9]*$", rendered, flags=re.MULTILINE)


def test_every_success_has_a_schema(document):
    missing = [
        f"{method.upper()} {path} {status} {media_type}"
        for path, method, operation in operations(document)
        for status, response in operation["responses"].items()
        if status.startswith("2") and status != "204"
        for media_type, content in response.get("content", {"-": {}}).items()
        if "schema" not in content
    ]
    assert not missing


def test_the_token_answer_is_described(document):
    answer = document["paths"]["/api/v1/auth/token/"]["post"]["responses"]["200"]["content"]["application/json"]
    assert validator(document, answer["schema"]).is_valid({"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"})
    assert not validator(document, answer["schema"]).is_valid({})


def test_request_bodies_are_json_but_uploads_and_open311(document):
    media_types = {
        operation["operationId"]: list(operation["requestBody"]["content"])
        for _path, _method, operation in operations(document) if "requestBody" in operation
    }
    wrong = {op: types for op, types in media_types.items() if types != NOT_JSON.get(op, ["application/json"])}
    assert not wrong


def test_public_operations_need_no_credentials(document):
    public = {operation["operationId"] for _p, _m, operation in operations(document) if operation.get("security") == []}
    assert public == PUBLIC
    for path, method, operation in operations(document):
        # `[{}]` alone ("optional, and nothing to send") must be `[]`; `{}` beside a scheme (optional key) may stay.
        assert operation.get("security") != [{}], (method, path)
        assert "security" in operation, (method, path)


def test_no_default_contradicts_its_schema(document):
    wrong = []
    for where, schema in schemas_with_defaults(document):
        rest = {key: value for key, value in schema.items() if key != "default"}
        if not validator(document, rest).is_valid(schema["default"]):
            wrong.append(f"{where}: default {schema['default']!r} against {rest}")
    assert not wrong, "\n".join(wrong)


def test_no_openapi_30_nullable_in_a_31_document(document):
    assert document["openapi"].startswith("3.1")
    assert "nullable:" not in yaml.safe_dump(document["components"]) + yaml.safe_dump(document["paths"])


def test_the_token_scheme_says_its_prefix(document):
    scheme = document["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Authorization: Token <key>" in scheme["description"]
    assert 'prefix="Token"' in scheme["description"]


def test_openapi_spec_validator_accepts_it(document):
    validation = pytest.importorskip("openapi_spec_validator")
    validation.validate(document)


def test_open311_answers_are_described_in_xml_too(document):
    """GeoReport v2's XML (the path's `.xml`) beside JSON for every answer, errors included, with the element names
    the XML renderer writes (channels/open311/renderers.py), and reads of requests open to callers without a key."""
    found = 0
    for path, method, operation in operations(document):
        if not path.startswith("/open311/"):
            continue
        for status, response in operation["responses"].items():
            found += 1
            assert set(response["content"]) == {"application/json", "text/xml"}, (method, path, status)
            if int(status) >= 400:
                assert response["content"]["text/xml"]["schema"]["xml"] == {"name": "errors", "wrapped": True}
        if method == "get" and path.startswith("/open311/v2/requests"):
            assert {} in operation["security"], path  # the key is optional: the public form without one
    assert found > 30
    schemas = document["components"]["schemas"]
    listing = document["paths"]["/open311/v2/services.{response_format}"]["get"]["responses"]["200"]["content"]["text/xml"]
    assert listing["schema"]["xml"] == {"name": "services", "wrapped": True} and schemas["Service"]["xml"] == {"name": "service"}
    assert (schemas["ServiceRequest"]["xml"], schemas["Error"]["xml"]) == ({"name": "request"}, {"name": "error"})
