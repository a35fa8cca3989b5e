"""Open311 GeoReport v2 at /open311/v2/, in XML (the spec's required format) and JSON, so existing civic reporting
apps can submit complaints and anyone's Open311 reader can follow them.

Thin views: parse, call one selector or service, answer in the spec's shapes, in the format the path's suffix names
(`.xml` or `.json`); errors in the spec's format, `[{"code": 400, "description": "..."}]` or
`<errors><error>...</error></errors>` (403 for a wrong api_key, 404 for what does not exist, 400 for the rest).
Creating needs a channel's api_key. Reading requests with a key shows that channel's own; without one, the public
tracking fields of publicly listed requests, rate-limited like the tracking page (docs/integrations/open311.md says
what and why).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import idempotency
from api.throttles import ChannelIntakeThrottle
from channels.complaint_view import channel_view
from channels.open311 import selectors
from channels.open311.auth import Open311KeyAuthentication
from channels.open311.renderers import GeoReportXMLRenderer
from channels.open311.serializers import (
    CreatedRequestSerializer,
    DiscoverySerializer,
    ErrorSerializer,
    ServiceDefinitionSerializer,
    ServiceRequestInput,
    ServiceRequestSerializer,
    ServiceSerializer,
    created_body,
    discovery_body,
    request_body,
    service_body,
)
from channels.open311.services import UnknownService, submit_service_request
from common import ratelimit
from common.parsers import LimitedJSONParser
from common.ratelimit import RateLimitedViewMixin
from complaints import dates
from complaints.errors import InputError, WorkflowError
from complaints.models import Category
from public.selectors import tracking
from roles.principals import is_channel

IDEMPOTENCY_HEADER = idempotency.IDEMPOTENCY_HEADER
# The path's suffix (urls.py), under another name than DRF's `format`: DRF's schema generator leaves `.{format}` out.
FORMAT_KWARG = "response_format"
TAGS = ["open311"]
ERRORS = ErrorSerializer(many=True)


def _errors(code: int, *descriptions: str) -> Response:
    body = [{"code": code, "description": str(text)} for text in descriptions]
    return Response(body, status=code)


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [f"{field}: {message}" for field, messages in detail.items() for message in _flatten(messages)]
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


def open311_exception_handler(exc, context) -> Response | None:
    """Every refusal in the spec's error format."""
    if isinstance(exc, UnknownService):
        return _errors(404, _("service_code tidak ditemukan: %(code)s") % {"code": exc.args[0]})
    if isinstance(exc, InputError):
        return _errors(400, *_flatten(exc.errors))
    if isinstance(exc, WorkflowError):
        return _errors(exc.status if exc.status != 401 else 403, exc.message)
    if isinstance(exc, (Http404, ObjectDoesNotExist, exceptions.NotFound)):
        return _errors(404, str(getattr(exc, "detail", "") or _("Tidak ditemukan.")))
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        return _errors(403, _("api_key tidak ada atau tidak dikenal: %(detail)s") % {"detail": exc.detail})
    if isinstance(exc, (exceptions.PermissionDenied, DjangoPermissionDenied)):
        return _errors(403, str(getattr(exc, "detail", "") or _("Tidak diizinkan.")))
    if isinstance(exc, exceptions.ValidationError):
        return _errors(400, *_flatten(exc.detail))
    if isinstance(exc, exceptions.Throttled):
        response = _errors(429, str(exc.detail))
        response["Retry-After"] = str(exc.wait or 1)
        return response
    if isinstance(exc, exceptions.APIException):
        return _errors(exc.status_code, *_flatten(exc.detail))
    return None


class FormatInPath(BaseContentNegotiation):
    """The format is the path's suffix (`.xml`, `.json`), as the spec has it; an Accept header changes nothing."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if parser.media_type.split(";")[0] == (request.content_type or "").split(";")[0].strip():
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        for renderer in renderers:
            if renderer.format == format_suffix:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type


class IsChannel(BasePermission):
    message = "Kirim api_key kanal Anda (kolom api_key atau header Authorization: Api-Key <key>)."

    def has_permission(self, request, view) -> bool:
        return is_channel(request.user)


class PublicReadThrottle(ratelimit.ScopedThrottle):
    """A read without a key counts toward the tracking page's limit (`track`, per client address): each tracking code
    it looks up counts once, as a lookup on that page does, so a list of guessed codes costs what guessing there
    costs. A channel's own reads are not counted here."""

    scope = "track"
    methods = ("GET", "HEAD")

    def allow_request(self, request, view) -> bool:
        if request.method not in self.methods or is_channel(request.user):
            return True
        ids = tuple(part.strip() for part in request.query_params.get("service_request_id", "").split(",") if part.strip())
        for _lookup in range(max(1, len(selectors.tracking_codes(ids)))):
            self.verdict = ratelimit.check(request, self.scope)
            if not self.verdict.allowed:
                return False
        return True


class Open311View(APIView):
    authentication_classes = [Open311KeyAuthentication]
    permission_classes = [AllowAny]
    # The first is the default; the path's suffix chooses (FormatInPath). `xml_root` names each view's XML root.
    renderer_classes = [JSONRenderer, GeoReportXMLRenderer]
    xml_root = "response"
    parser_classes = [FormParser, MultiPartParser, LimitedJSONParser]  # JSON within common/limits.py's limits
    content_negotiation_class = FormatInPath

    def get_format_suffix(self, **kwargs) -> str | None:
        return kwargs.get(FORMAT_KWARG)

    def get_exception_handler(self):
        return open311_exception_handler

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        jurisdiction = request.query_params.get("jurisdiction_id", "")
        if not jurisdiction and request.method == "POST" and hasattr(request.data, "get"):
            jurisdiction = request.data.get("jurisdiction_id", "") or ""
        # One jurisdiction is served, so the argument is optional; a different one does not exist here.
        if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
            raise exceptions.NotFound(_("jurisdiction_id tidak ditemukan: %(id)s") % {"id": jurisdiction})


JURISDICTION = OpenApiParameter(
    "jurisdiction_id", str, OpenApiParameter.QUERY, required=False,
    description="Optional: this endpoint serves one jurisdiction (OPEN311_JURISDICTION_ID); another one is 404.",
)
API_KEY = OpenApiParameter("api_key", str, OpenApiParameter.QUERY, required=False, description="The channel's API key.")
# DRF's `?format=` override, which drf-spectacular lists beside several renderers: here the path's suffix decides.
NO_FORMAT_QUERY = OpenApiParameter("format", exclude=True)
FORMAT = OpenApiParameter(
    FORMAT_KWARG, str, OpenApiParameter.PATH, enum=["xml", "json"],
    description="The answer's format, errors included: `xml` (`text/xml`, GeoReport v2's required format) or `json`.",
)


class DiscoveryView(Open311View):
    xml_root = "discovery"

    @extend_schema(
        summary="Open311 service discovery",
        operation_id="open311_discovery",
        auth=[],
        parameters=[NO_FORMAT_QUERY, FORMAT],
        responses={200: DiscoverySerializer},
        tags=TAGS,
    )
    def get(self, request: Request, response_format: str) -> Response:
        here = reverse("open311:discovery", kwargs={FORMAT_KWARG: response_format})
        base = request.build_absolute_uri(here).rsplit("/", 1)[0] + "/"
        return Response(DiscoverySerializer(discovery_body(base)).data)


class ServiceListView(Open311View):
    xml_root = "services"

    @extend_schema(
        summary="Open311 services: the complaint categories",
        operation_id="open311_services",
        auth=[],
        description="Every active category is a service; `service_code` is the category's slug. No API key needed.",
        parameters=[NO_FORMAT_QUERY, FORMAT, JURISDICTION],
        responses={200: ServiceSerializer(many=True), 404: ERRORS},
        examples=[OpenApiExample("Services", response_only=True, value={
            "service_code": "balap-liar", "service_name": "Balap liar",
            "description": "Gangguan ketentraman dan ketertiban umum: Balap liar", "metadata": False, "type": "realtime",
            "keywords": "balap, liar", "group": "Gangguan ketentraman dan ketertiban umum",
        })],
        tags=TAGS,
    )
    def get(self, request: Request, response_format: str) -> Response:
        return Response(ServiceSerializer([service_body(c) for c in selectors.services()], many=True).data)


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @extend_schema(
        summary="Open311 service definition",
        operation_id="open311_service_definition",
        auth=[],
        description="No service has extra attributes (`metadata` is false), so the definition is always empty.",
        parameters=[NO_FORMAT_QUERY, FORMAT, JURISDICTION],
        responses={200: ServiceDefinitionSerializer, 404: ERRORS},
        tags=TAGS,
    )
    def get(self, request: Request, service_code: str, response_format: str) -> Response:
        try:
            category = selectors.service(service_code)
        except Category.DoesNotExist as error:
            raise UnknownService(service_code) from error
        return Response(ServiceDefinitionSerializer({"service_code": category.slug, "attributes": []}).data)


def _filter(request: Request) -> selectors.RequestFilter:
    params = request.query_params

    def listed(name: str) -> tuple[str, ...]:
        return tuple(item.strip() for item in params.get(name, "").split(",") if item.strip())

    def moment(name: str):
        raw = params.get(name, "").strip()
        if not raw:
            return None
        try:
            value = parse_datetime(raw)
        except ValueError:  # well formed but not on the calendar (2026-02-30)
            value = None
        if value is None:
            raise exceptions.ValidationError({name: [_("Gunakan format W3C, mis. 2026-11-01T00:00:00+08:00.")]})
        if not dates.in_range(value):
            raise exceptions.ValidationError({name: [dates.out_of_range_message()]})
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    statuses = listed("status")
    if set(statuses) - {"open", "closed"}:
        raise exceptions.ValidationError({"status": [_("Nilai status: open, closed.")]})
    start, end = moment("start_date"), moment("end_date")
    if start and end and (end < start or end - start > timedelta(days=selectors.DEFAULT_SPAN.days)):
        raise exceptions.ValidationError({"end_date": [_("Rentang tanggal paling lama 90 hari, end_date setelah start_date.")]})
    if start and not end:
        end = min(start + selectors.DEFAULT_SPAN, timezone.now())
    return selectors.RequestFilter(
        ids=listed("service_request_id"), service_codes=listed("service_code"), start=start, end=end, statuses=statuses,
    )


REQUEST_EXAMPLE = OpenApiExample(
    "A request (form-encoded in the spec; JSON works too)", request_only=True,
    value={
        "api_key": "a1b2c3d4.…", "jurisdiction_id": "balangankab.go.id", "service_code": "balap-liar",
        "lat": -2.3341, "long": 115.4668, "address_string": "Jl. Ahmad Yani, Paringin", "email": "warga@example.org",
        "device_id": "tt222111", "account_id": "123456", "first_name": "Rahmat", "last_name": "Hidayat",
        "phone": "+6281234567890", "description": "Balap liar tiap malam Minggu di jalan poros.",
        "media_url": "https://files.example.org/m/abc.jpg",
    },
)


def _channel_bodies(user, complaints) -> list[dict]:
    """A channel's own requests, from its channel view, named by their tracking codes."""
    views = (channel_view(user, complaint) for complaint in complaints)
    return [request_body(view, service_request_id=view.code, service_code=view.submitted.category) for view in views]


def _public_bodies(found) -> list[dict]:
    """Requests read without a key: the tracking page's fields, named as selectors.public_service_requests says."""
    return [
        request_body(tracking(complaint), service_request_id=request_id, service_code=complaint.category.slug)
        for request_id, complaint in found
    ]


def _no_store(body: list) -> Response:
    # A request's state changes and may be read with a tracking code: no shared cache keeps a copy.
    return Response(ServiceRequestSerializer(body, many=True).data, headers={"Cache-Control": "no-store"})


REQUESTS_KEYLESS = (
    "Without a key, anyone may read requests in public form, the fields the public tracking page shows: "
    "requests the Operator has accepted and that are not confidential, each named by its number, never by its "
    "tracking code. A tracking code sent as `service_request_id` finds its request as the tracking page would. "
    "Rate-limited per client address together with the tracking page; each tracking code looked up counts once (429)."
)


@extend_schema(tags=TAGS)
class RequestsView(RateLimitedViewMixin, Open311View):
    xml_root = "service_requests"
    # Creating counts toward the channel's intake limit; reading without a key toward the tracking page's limit.
    throttle_classes = [ChannelIntakeThrottle, PublicReadThrottle]

    def get_permissions(self) -> list[BasePermission]:
        # GeoReport v2 lets anyone read requests ("Requires API Key: No") and only a key holder create one.
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsChannel()]

    @extend_schema(
        summary="Open311: service requests (a channel's own with its key, public ones without)",
        operation_id="open311_requests_list",
        description=(
            "With the channel's key: the requests this channel submitted, named by their tracking codes. "
            f"{REQUESTS_KEYLESS} "
            "`service_request_id` (comma-separated) overrides the other filters; otherwise the last 90 days, at most "
            "1000, newest first. A request shows its status and the public wording of its step or outcome, never the "
            "description, reporter or exact location."
        ),
        parameters=[
            NO_FORMAT_QUERY, FORMAT, API_KEY, JURISDICTION,
            OpenApiParameter("service_request_id", str, description=(
                "Comma-separated: tracking codes, or (without a key) the numbers a keyless list gives.")),
            OpenApiParameter("service_code", str, description="Category slugs, comma-separated."),
            OpenApiParameter("start_date", OpenApiTypes.DATETIME, description="Requested at or after (W3C datetime)."),
            OpenApiParameter("end_date", OpenApiTypes.DATETIME, description="Requested at or before; at most 90 days after start_date."),
            OpenApiParameter("status", str, description="`open`, `closed` or both, comma-separated."),
        ],
        responses={
            200: ServiceRequestSerializer(many=True), 400: ERRORS, 403: OpenApiResponse(ERRORS, description="A wrong api_key."),
            429: OpenApiResponse(ERRORS, description="Too many reads without a key from this address; see Retry-After."),
        },
    )
    def get(self, request: Request, response_format: str) -> Response:
        query = _filter(request)
        if is_channel(request.user):
            return _no_store(_channel_bodies(request.user, selectors.service_requests(request.user, query)))
        return _no_store(_public_bodies(selectors.public_service_requests(query)))

    @extend_schema(
        summary="Open311: submit a service request (creates a complaint)",
        operation_id="open311_requests_create",
        description=(
            "Creates a complaint in `submitted` on the calling channel; the Operator sees it in the queue at once. "
            "Location: lat+long, address_string or address_id (the kecamatan is read from a desa or kecamatan named "
            "in address_string, else from the nearest kecamatan centre). The description is required here. "
            f"Send an `{IDEMPOTENCY_HEADER}` header to make retries safe: the same key with the same fields answers 200 "
            "with the first request; with different fields 422 (`[{\"code\": 422, ...}]`), nothing stored. 201 with "
            "`[{service_request_id, service_notice, account_id}]`."
        ),
        # GeoReport v2's one format, documented alone: a generator given several media types for one schema sends
        # whichever it likes under another's label. The view reads multipart and JSON too, for clients that send them.
        request={"application/x-www-form-urlencoded": ServiceRequestInput},
        parameters=[NO_FORMAT_QUERY, FORMAT, OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=False)],
        responses={
            201: CreatedRequestSerializer(many=True), 200: CreatedRequestSerializer(many=True),
            400: ERRORS, 403: ERRORS, 404: OpenApiResponse(ERRORS, description="service_code or jurisdiction_id not found."),
            422: OpenApiResponse(ERRORS, description=f"This `{IDEMPOTENCY_HEADER}` came before with other fields."),
            429: OpenApiResponse(ERRORS, description="The channel sent more than its intake limit; see Retry-After."),
        },
        examples=[REQUEST_EXAMPLE],
    )
    def post(self, request: Request, response_format: str) -> Response:
        if not hasattr(request.data, "items"):
            raise exceptions.ValidationError(_("Kirim kolom-kolom permintaan sebagai formulir atau objek JSON."))
        # "A null parameter should be treated as equivalent to a non-declared parameter."
        present = {key: value for key, value in request.data.items() if value not in ("", None)}
        serializer = ServiceRequestInput(data=present)
        serializer.is_valid(raise_exception=True)
        external_ref = idempotency.header_key(request)
        # The api_key field is the credential, not the request: a retry may carry it or the header instead.
        fingerprint = idempotency.body_fingerprint(request.data, ignore=("api_key",)) if external_ref else ""
        result = submit_service_request(
            user=request.user, data=serializer.validated_data, external_ref=external_ref, fingerprint=fingerprint,
        )
        body = CreatedRequestSerializer([created_body(result.complaint)], many=True).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class RequestDetailView(RateLimitedViewMixin, Open311View):
    xml_root = "service_requests"
    throttle_classes = [PublicReadThrottle]

    @extend_schema(
        summary="Open311: one service request",
        operation_id="open311_request",
        description=(
            "As a list of one. With the channel's key: a request this channel submitted, by its tracking code; 404 for "
            "any other. Without a key: by its tracking code (as the public tracking page would show it) or by the "
            "number a keyless list gives; the same 404 for an unknown code, an unknown number and a request that is "
            "not listed publicly. Rate-limited without a key, together with the tracking page."
        ),
        parameters=[NO_FORMAT_QUERY, FORMAT, API_KEY, JURISDICTION],
        responses={
            200: ServiceRequestSerializer(many=True), 403: OpenApiResponse(ERRORS, description="A wrong api_key."),
            404: ERRORS, 429: OpenApiResponse(ERRORS, description="Too many reads without a key from this address."),
        },
        tags=TAGS,
    )
    def get(self, request: Request, service_request_id: str, response_format: str) -> Response:
        if is_channel(request.user):
            complaint = selectors.service_request(request.user, service_request_id.upper())
            return _no_store(_channel_bodies(request.user, [complaint]))
        return _no_store(_public_bodies([selectors.public_service_request(service_request_id)]))
