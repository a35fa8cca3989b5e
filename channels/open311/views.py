"""Open311 GeoReport v2 at /open311/v2/ (JSON), so existing civic reporting apps can submit complaints.

Thin views: parse, call one selector or service, answer in the spec's shapes; errors in the spec's format
`[{"code": 400, "description": "..."}]` (403 for a missing or wrong api_key, 404 for what does not exist, 400
for the rest). Listing and reading requests need the channel's api_key and show only that channel's requests
(docs/integrations/open311.md says why).
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
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import idempotency
from api.parsers import LimitedJSONParser
from api.throttles import ChannelIntakeThrottle
from channels.complaint_view import channel_view
from channels.open311 import selectors
from channels.open311.auth import Open311KeyAuthentication
from channels.open311.serializers import (
    CreatedRequestSerializer,
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
from complaints import dates
from complaints.errors import InputError, WorkflowError
from complaints.models import Category
from public.ratelimit import RateLimitedViewMixin
from roles.principals import is_channel

IDEMPOTENCY_HEADER = idempotency.IDEMPOTENCY_HEADER
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
    """The format is in the path (`.json`); whatever the client's Accept header says, it gets JSON."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if parser.media_type.split(";")[0] == (request.content_type or "").split(";")[0].strip():
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class IsChannel(BasePermission):
    message = "Kirim api_key kanal Anda (kolom api_key atau header Authorization: Api-Key <key>)."

    def has_permission(self, request, view) -> bool:
        return is_channel(request.user)


class Open311View(APIView):
    authentication_classes = [Open311KeyAuthentication]
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = [FormParser, MultiPartParser, LimitedJSONParser]  # JSON within config/limits.py's limits
    content_negotiation_class = FormatInPath

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


class DiscoveryView(Open311View):
    @extend_schema(
        summary="Open311 service discovery",
        operation_id="open311_discovery",
        auth=[],
        responses={200: OpenApiTypes.OBJECT},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        base = request.build_absolute_uri(reverse("open311:discovery")).rsplit("/", 1)[0] + "/"
        return Response(discovery_body(base))


class ServiceListView(Open311View):
    @extend_schema(
        summary="Open311 services: the complaint categories",
        operation_id="open311_services",
        auth=[],
        description="Every active category is a service; `service_code` is the category's slug. No API key needed.",
        parameters=[JURISDICTION],
        responses={200: ServiceSerializer(many=True), 404: ERRORS},
        examples=[OpenApiExample("Services", response_only=True, value={
            "service_code": "balap-liar", "service_name": "Balap liar",
            "description": "Gangguan ketentraman dan ketertiban umum: Balap liar", "metadata": False, "type": "realtime",
            "keywords": "balap, liar", "group": "Gangguan ketentraman dan ketertiban umum",
        })],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(ServiceSerializer([service_body(c) for c in selectors.services()], many=True).data)


class ServiceDefinitionView(Open311View):
    @extend_schema(
        summary="Open311 service definition",
        operation_id="open311_service_definition",
        auth=[],
        description="No service has extra attributes (`metadata` is false), so the definition is always empty.",
        parameters=[JURISDICTION],
        responses={200: ServiceDefinitionSerializer, 404: ERRORS},
        tags=TAGS,
    )
    def get(self, request: Request, service_code: str) -> Response:
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


@extend_schema(tags=TAGS)
class RequestsView(RateLimitedViewMixin, Open311View):
    permission_classes = [IsChannel]
    throttle_classes = [ChannelIntakeThrottle]  # creating requests counts toward the channel's intake limit

    @extend_schema(
        summary="Open311: the channel's service requests",
        operation_id="open311_requests_list",
        description=(
            "Only requests this channel submitted (api_key required). `service_request_id` (comma-separated) "
            "overrides the other filters; otherwise the last 90 days, at most 1000, newest first. A request shows "
            "its status and the public wording of its step or outcome, never the description, reporter or exact "
            "location."
        ),
        parameters=[
            API_KEY, JURISDICTION,
            OpenApiParameter("service_request_id", str, description="Tracking codes, comma-separated."),
            OpenApiParameter("service_code", str, description="Category slugs, comma-separated."),
            OpenApiParameter("start_date", OpenApiTypes.DATETIME, description="Requested at or after (W3C datetime)."),
            OpenApiParameter("end_date", OpenApiTypes.DATETIME, description="Requested at or before; at most 90 days after start_date."),
            OpenApiParameter("status", str, description="`open`, `closed` or both, comma-separated."),
        ],
        responses={200: ServiceRequestSerializer(many=True), 400: ERRORS, 403: ERRORS},
    )
    def get(self, request: Request) -> Response:
        complaints = selectors.service_requests(request.user, _filter(request))
        bodies = [request_body(channel_view(request.user, complaint)) for complaint in complaints]
        return Response(ServiceRequestSerializer(bodies, many=True).data)

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
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=False)],
        responses={
            201: CreatedRequestSerializer(many=True), 200: CreatedRequestSerializer(many=True),
            400: ERRORS, 403: ERRORS, 404: OpenApiResponse(ERRORS, description="service_code or jurisdiction_id not found."),
            422: OpenApiResponse(ERRORS, description=f"This `{IDEMPOTENCY_HEADER}` came before with other fields."),
            429: OpenApiResponse(ERRORS, description="The channel sent more than its intake limit; see Retry-After."),
        },
        examples=[REQUEST_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
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


class RequestDetailView(Open311View):
    permission_classes = [IsChannel]

    @extend_schema(
        summary="Open311: one service request",
        operation_id="open311_request",
        description="A request this channel submitted (api_key required), as a list of one; 404 for any other code.",
        parameters=[API_KEY, JURISDICTION],
        responses={200: ServiceRequestSerializer(many=True), 403: ERRORS, 404: ERRORS},
        tags=TAGS,
    )
    def get(self, request: Request, service_request_id: str) -> Response:
        complaint = selectors.service_request(request.user, service_request_id.upper())
        return Response(ServiceRequestSerializer([request_body(channel_view(request.user, complaint))], many=True).data)


@extend_schema(exclude=True)
class XmlNotSupportedView(Open311View):
    def get(self, request: Request, **kwargs) -> Response:
        return _errors(400, _("Format XML tidak tersedia; gunakan .json."))

    post = get
