"""GeoReport v2's XML, the format the spec requires (JSON is the provider's option): every endpoint answers
`.xml` as well as `.json`, with the same fields.

The spec's XML is schemaless and its shapes are fixed by example: a list is a wrapper element named for the
resource with one element per item (`<services><service>...</service></services>`, `<service_requests><request>
...</request></service_requests>`, `<errors><error><code/><description/></error></errors>`), an object's fields are
child elements in order, a boolean is `true`/`false` and a null an empty element. djangorestframework-xml, the XML
renderer DRF's documentation points to, has had no release since 2.0.0 (April 2020) and names every list item
`<list-item>` and booleans `True`; so this renderer is written on Django's own XML writer
(`django.utils.xmlutils.SimplerXMLGenerator`, which escapes text) instead of subclassing it.
"""

from __future__ import annotations

import re
from io import StringIO

from django.http import HttpResponse, JsonResponse
from django.utils.xmlutils import SimplerXMLGenerator
from rest_framework.renderers import BaseRenderer

MEDIA_TYPE = "text/xml"  # the spec: "XML for the API should be Content-Type: text/xml"
CHARSET = "utf-8"
ERRORS = "errors"
# What the items of each list are called, by the list's own element name (the spec's examples).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    ERRORS: "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# XML 1.0 cannot carry these at all, not even escaped; an error message may echo them from a client's input.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _element(xml: SimplerXMLGenerator, name: str, value) -> None:
    xml.startElement(name, {})
    if isinstance(value, (list, tuple)):
        item = ITEM_TAGS.get(name, "item")
        for entry in value:
            _element(xml, item, entry)
    elif isinstance(value, dict):
        for key, entry in value.items():
            _element(xml, str(key), entry)
    elif value is not None:  # null: an empty element, as in the spec's examples
        xml.characters(_text(value))
    xml.endElement(name)


def to_xml(root: str, data) -> bytes:
    """`data` (a list or an object of fields) as a GeoReport v2 XML document whose root element is `root`."""
    stream = StringIO()
    xml = SimplerXMLGenerator(stream, CHARSET)
    xml.startDocument()  # the declaration with its encoding, which the spec requires before the root element
    _element(xml, root, data)
    xml.endDocument()
    return stream.getvalue().encode(CHARSET)


class GeoReportXMLRenderer(BaseRenderer):
    """For the Open311 views: the root element is the view's `xml_root`, or `errors` for any 4xx/5xx answer."""

    media_type = MEDIA_TYPE
    format = "xml"
    charset = CHARSET

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        failed = response is not None and response.status_code >= 400
        root = ERRORS if failed else getattr(context.get("view"), "xml_root", "response")
        return to_xml(root, data)


def wants_xml(path: str) -> bool:
    """An Open311 URL asks for XML by its suffix (`/services.xml`): also for errors answered outside the views."""
    return path.rstrip("/").endswith(".xml")


def error_response(path: str, status: int, description: str) -> HttpResponse:
    """GeoReport v2's error list for an answer given outside the Open311 views (a 404 for an unknown URL, a body
    too large, the database unreachable), in the format the URL asked for."""
    errors = [{"code": status, "description": str(description)}]
    if wants_xml(path):
        return HttpResponse(to_xml(ERRORS, errors), status=status, content_type=f"{MEDIA_TYPE}; charset={CHARSET}")
    return JsonResponse(errors, status=status, safe=False)
