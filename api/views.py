"""Thin API views: parse, call one selector or service, serialize."""

from __future__ import annotations

import re

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, parsers, status
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples, idempotency
from api.action_schema import action_description, action_request_serializer
from api.filters import ComplaintFilterBackend
from api.pagination import QueuePagination, TimelinePagination
from api.serializers import (
    AttachmentSerializer,
    CategorySerializer,
    ChannelComplaintSerializer,
    ChannelEventSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintListSerializer,
    DistrictSerializer,
    EventSerializer,
    MeSerializer,
    TeamSerializer,
    TransitionSerializer,
    UploadSerializer,
    VillageSerializer,
)
from api.throttles import ChannelIntakeThrottle
from channels.complaint_view import channel_complaint, channel_complaints, just_submitted
from common.files import private_file_response
from common.ratelimit import RateLimitedViewMixin
from complaints.filters import ChannelComplaintFilter, ComplaintFilter
from complaints.models import Attachment, Category, Complaint, ComplaintEvent, District, Team, Village
from complaints.selectors import complaint_detail, complaint_events, complaint_list, queue_for
from complaints.services.attachments import add_attachment, check_file_count
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from complaints.workflow import TRANSITIONS
from public.selectors import public_timeline_events
from roles.policy import attachment_condition, available_transitions, sees_case_internals
from roles.principals import is_channel, user_roles, user_team_ids

PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="Problem details (RFC 9457) with a stable `code`.")
CHANNEL_VIEW_NOTE = (
    " A channel (`Api-Key`) gets its own complaints as `ChannelComplaint`: the public tracking fields, what it sent, "
    "and what the reporter was written through it; never notes, drafts, field reports, staff, teams or field photos."
)


def _staff_or_channel(name: str, staff, many: bool = False) -> PolymorphicProxySerializer:
    """A response that is `staff`'s shape for staff and the channel view for a channel (no discriminator: the two
    shapes' required fields tell them apart)."""
    return PolymorphicProxySerializer(
        component_name=name, serializers=[staff, ChannelComplaintSerializer], resource_type_field_name=None, many=many,
    )


COMPLAINT_OR_CHANNEL_VIEW = _staff_or_channel("ComplaintOrChannelComplaint", ComplaintDetailSerializer)
ETAG_PATTERN = re.compile(r'^(?:W/)?"?(\d+)"?$')


def _complaint_or_404(request: Request, code: str) -> Complaint:
    try:
        return complaint_detail(request.user, code)
    except Complaint.DoesNotExist:
        raise NotFound() from None


def _channel_complaint_or_404(request: Request, code: str) -> Complaint:
    try:
        return channel_complaint(request.user, code)
    except Complaint.DoesNotExist:
        raise NotFound() from None


def _just_created(complaint: Complaint) -> Complaint:
    """The complaint this request wrote, answered as it is in memory instead of read back (the read was a third of an
    intake's time): its category, district, village, channel and reporter are the objects it was written from, and a
    complaint recorded through the API has no attachment, field report, team or duplicate yet, which is said here so
    the serializer asks no query for them."""
    complaint._state.fields_cache.setdefault("field_report", None)
    complaint._prefetched_objects_cache = {"attachments": Attachment.objects.none()}
    return complaint


@extend_schema_view(
    get=extend_schema(
        summary="List complaints you may see",
        description="Filtered and cursor-paginated. TRC members see only their own rows; reporter data is masked per role."
        + CHANNEL_VIEW_NOTE + " A channel cannot filter by team or deadline.",
        responses={200: _staff_or_channel("ComplaintListItem", ComplaintListSerializer, many=True), 401: PROBLEM},
        examples=[examples.COMPLAINT_LIST],
        tags=["complaints"],
    ),
    post=extend_schema(
        summary="Record a new complaint",
        description=(
            "By an Operator, a TRC post (walk-in) or an authenticated channel (`Api-Key`). Answers 201 with the "
            "tracking code, or 200 with the existing complaint when the channel already sent this `external_ref` "
            "(or, without one, this `Idempotency-Key` header) with the same body. The same key with a different body "
            "is refused with 422 `idempotency_key_reused` and stores nothing." + CHANNEL_VIEW_NOTE
        ),
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                     description="For channels: used as `external_ref` when that is empty.")],
        request=ComplaintCreateSerializer,
        responses={201: COMPLAINT_OR_CHANNEL_VIEW, 200: COMPLAINT_OR_CHANNEL_VIEW, 400: PROBLEM, 403: PROBLEM, 422: PROBLEM,
                   429: PROBLEM},
        examples=[examples.COMPLAINT_CREATE],
        tags=["complaints"],
    ),
)
class ComplaintListCreateView(RateLimitedViewMixin, generics.ListCreateAPIView):
    throttle_classes = [ChannelIntakeThrottle]  # a channel's POSTs count toward its intake limit (429)
    serializer_class = ComplaintListSerializer
    filter_backends = [ComplaintFilterBackend]

    def get_queryset(self):
        if not sees_case_internals(self.request.user):
            return channel_complaints(self.request.user)
        return complaint_list(self.request.user)

    def get_serializer_class(self):
        return ComplaintListSerializer if sees_case_internals(self.request.user) else ChannelComplaintSerializer

    @property
    def filterset_class(self):
        # A channel filters on what its view shows: not on teams or deadlines, which would answer what it may not read.
        user = getattr(getattr(self, "request", None), "user", None)
        return ChannelComplaintFilter if user is not None and not sees_case_internals(user) else ComplaintFilter

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = ComplaintCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if is_channel(request.user):
            if not data.get("external_ref"):
                # A retried POST with the same Idempotency-Key must not make a second complaint.
                data["external_ref"] = idempotency.header_key(request)
            # ...and the same key with another body must not pass for a retry (422, api/idempotency.py).
            data["fingerprint"] = idempotency.body_fingerprint(request.data)
        reporter = ReporterInput(**data.pop("reporter", {}))
        result = submit_complaint(user=request.user, data=ComplaintInput(reporter=reporter, **data))
        as_channel = not sees_case_internals(request.user)
        if result.created:
            complaint = _just_created(result.complaint)
            if as_channel:
                complaint = just_submitted(complaint)
        elif as_channel:
            complaint = channel_complaint(request.user, result.complaint.code)
        else:
            try:
                complaint = complaint_detail(request.user, result.complaint.code)
            except Complaint.DoesNotExist:
                # A TRC post records a walk-in it does not handle itself (before step 4, or another kecamatan's): it
                # still gets what it recorded (reporter masked as for any TRC member), as the portal prints its
                # receipt (roles.policy.may_view_receipt). A 404 here made the client believe nothing was stored.
                complaint = Complaint.objects.prefetch_related("attachments").get(pk=result.complaint.pk)
        answer = ChannelComplaintSerializer if as_channel else ComplaintDetailSerializer
        body = answer(complaint, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


@extend_schema(
    summary="One complaint",
    description="404 for a code you may not see. The `ETag` is the version; send it back as `If-Match` with an action."
    + CHANNEL_VIEW_NOTE,
    responses={200: COMPLAINT_OR_CHANNEL_VIEW, 404: PROBLEM},
    examples=[examples.COMPLAINT_DETAIL],
    tags=["complaints"],
)
class ComplaintDetailView(APIView):
    def get(self, request: Request, code: str) -> Response:
        if not sees_case_internals(request.user):
            complaint = _channel_complaint_or_404(request, code)
            return Response(ChannelComplaintSerializer(complaint, context={"request": request}).data)
        complaint = _complaint_or_404(request, code)
        body = ComplaintDetailSerializer(complaint, context={"request": request}).data
        return Response(body, headers={"ETag": f'"{complaint.version}"'})


@extend_schema(
    summary="Timeline of a complaint",
    description="Every event, oldest first. Events never carry reporter data. A channel (`Api-Key`) gets the public "
    "timeline instead (`ChannelEvent`): each change of status in public words, no actor, role, note or payload.",
    responses={
        200: PolymorphicProxySerializer(
            component_name="EventOrChannelEvent", serializers=[EventSerializer, ChannelEventSerializer],
            resource_type_field_name=None, many=True,
        ),
        404: PROBLEM,
    },
    examples=[examples.EVENTS],
    tags=["complaints"],
)
class ComplaintEventsView(generics.ListAPIView):
    pagination_class = TimelinePagination

    def get_serializer_class(self):
        return EventSerializer if sees_case_internals(self.request.user) else ChannelEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ComplaintEvent.objects.none()
        complaint = _complaint_or_404(self.request, self.kwargs["code"])
        if not sees_case_internals(self.request.user):
            return public_timeline_events(complaint)
        return complaint_events(complaint)


@extend_schema(
    summary="Actions you may take now",
    description="Exactly the workflow actions this user may take on this complaint in its current state.",
    responses={200: TransitionSerializer(many=True), 404: PROBLEM},
    examples=[examples.AVAILABLE_ACTIONS],
    tags=["workflow"],
)
class AvailableActionsView(APIView):
    def get(self, request: Request, code: str) -> Response:
        complaint = _complaint_or_404(request, code)
        return Response(TransitionSerializer(available_transitions(request.user, complaint), many=True).data)


def _expected_version(request: Request) -> int | None:
    header = request.headers.get("If-Match")
    if header:
        match = ETAG_PATTERN.match(header.strip())
        if not match:
            raise ParseError("If-Match must carry the complaint's ETag, e.g. \"3\".")
        return int(match.group(1))
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ParseError("version must be an integer.") from None


def _scalar_fields(request: Request) -> dict:
    if not hasattr(request.data, "items"):
        raise ParseError("The body must be a JSON object.")
    data = {}
    for key, value in request.data.items():
        if isinstance(value, (dict, list)):
            raise ParseError(f"Field '{key}' must be a single value.")
        data[key] = value
    return data


class ComplaintActionView(APIView):
    """Base for the one-endpoint-per-action views generated below."""

    action_name = ""

    def post(self, request: Request, code: str) -> Response:
        complaint = _complaint_or_404(request, code)
        data = _scalar_fields(request)
        perform_action(
            user=request.user, complaint_id=complaint.pk, action=self.action_name, data=data,
            expected_version=_expected_version(request),
        )
        updated = _complaint_or_404_after_action(request, code)
        if updated is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        body = ComplaintDetailSerializer(updated, context={"request": request}).data
        return Response(body, headers={"ETag": f'"{updated.version}"'})


def _complaint_or_404_after_action(request: Request, code: str) -> Complaint | None:
    """After an action a TRC user may no longer see the row (e.g. the report went to the Kepala)."""
    try:
        return complaint_detail(request.user, code)
    except Complaint.DoesNotExist:
        return None


def _action_view(action: str) -> type[ComplaintActionView]:
    view = type(f"{action.title().replace('_', '')}ActionView", (ComplaintActionView,), {"action_name": action})
    return extend_schema_view(post=extend_schema(
        operation_id=f"complaints_action_{action}",
        summary=f"Action: {action}",
        description=action_description(action)
        + "\n\n400 missing or bad field; 403 role or team may not; 404 unknown or not visible; "
        "409 not possible in the current state; 412 stale version. 204 when the action moved the case out of your view.",
        request=action_request_serializer(action),
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description='The ETag you read, e.g. "3".')],
        responses={200: ComplaintDetailSerializer, 204: None, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 412: PROBLEM},
        examples=examples.action_examples(action),
        tags=["workflow"],
    ))(view)


ACTION_VIEWS: dict[str, type[ComplaintActionView]] = {t.action: _action_view(t.action) for t in TRANSITIONS}


@extend_schema_view(
    get=extend_schema(
        summary="Attachments of a complaint",
        description="A channel (`Api-Key`) gets only the reporter's evidence that came in through it: never files staff "
        "added, nor the field team's photos.",
        responses={200: AttachmentSerializer(many=True), 404: PROBLEM},
        examples=[examples.ATTACHMENT], tags=["complaints"],
    ),
    post=extend_schema(
        summary="Upload an attachment",
        description="Multipart upload. Reporter evidence (Operator, Kepala, channel) or field photos (the TRC team "
        "owning the step). One file per request. 413 when too large; 400 when not JPEG/PNG/WebP/PDF by content, when "
        "more than one file is sent, or when the image would not decode within TRECKK_IMAGE_MAX_DECODED_BYTES.",
        request={"multipart/form-data": UploadSerializer},
        responses={201: AttachmentSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 413: PROBLEM},
        examples=[examples.ATTACHMENT],
        tags=["complaints"],
    ),
)
class AttachmentListCreateView(generics.ListCreateAPIView):
    serializer_class = AttachmentSerializer
    pagination_class = None
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return _complaint_or_404(self.request, self.kwargs["code"]).attachments.filter(attachment_condition(self.request.user))

    def create(self, request: Request, code: str) -> Response:
        complaint = _complaint_or_404(request, code)
        # One file per upload: a second would be dropped unseen by the serializer, and each file costs a decode.
        check_file_count([f for name in request.FILES for f in request.FILES.getlist(name)], limit=1)
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = add_attachment(user=request.user, complaint=complaint, upload=upload.validated_data["file"])
        return Response(AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Download an attachment",
    description="Served only to users who may see the complaint; attachments are never public files. A channel "
    "(`Api-Key`) opens only the reporter's evidence that came in through it (404 for any other file).",
    # The stored file's own type: what the upload was sniffed as (complaints/services/attachments.py).
    responses={
        **{(200, media_type): OpenApiTypes.BINARY for media_type in ("image/jpeg", "image/png", "image/webp", "application/pdf")},
        404: PROBLEM,
    },
    examples=[examples.NOT_FOUND],
    tags=["complaints"],
)
class AttachmentDownloadView(APIView):
    def get(self, request: Request, code: str, pk: int) -> FileResponse:
        complaint = _complaint_or_404(request, code)
        attachment = complaint.attachments.filter(attachment_condition(request.user), pk=pk).first()
        if attachment is None:
            raise NotFound()
        return private_file_response(
            attachment.file.storage, attachment.file.name, attachment.content_type, f"{attachment.pk}{attachment.extension}"
        )


@extend_schema(
    summary="My work queue",
    description="The complaints whose current step is yours, most urgent (earliest `due_at`) first.",
    responses={200: ComplaintListSerializer(many=True)},
    examples=[examples.COMPLAINT_LIST],
    tags=["complaints"],
)
class QueueView(generics.ListAPIView):
    serializer_class = ComplaintListSerializer
    pagination_class = QueuePagination
    filter_backends = [ComplaintFilterBackend]
    filterset_class = ComplaintFilter

    def get_queryset(self):
        if is_channel(self.request.user):
            raise PermissionDenied("Channels have no work queue.")
        return queue_for(self.request.user)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": timezone.now()}


@extend_schema(summary="Kecamatan", responses={200: DistrictSerializer(many=True)}, examples=[examples.DISTRICTS], tags=["reference"])
class DistrictListView(generics.ListAPIView):
    serializer_class = DistrictSerializer
    queryset = District.objects.all()
    pagination_class = None


@extend_schema(
    summary="Villages (desa/kelurahan)", description="Filter with `?district__slug=paringin`.",
    responses={200: VillageSerializer(many=True)}, examples=[examples.VILLAGES], tags=["reference"],
)
class VillageListView(generics.ListAPIView):
    serializer_class = VillageSerializer
    pagination_class = None
    filterset_fields = {"district__slug": ["exact"]}

    def get_queryset(self):
        return Village.objects.select_related("district")


@extend_schema(
    summary="Complaint categories", responses={200: CategorySerializer(many=True)}, examples=[examples.CATEGORIES], tags=["reference"]
)
class CategoryListView(generics.ListAPIView):
    serializer_class = CategorySerializer
    queryset = Category.objects.filter(is_active=True)
    pagination_class = None


@extend_schema(
    summary="TRC teams", description="For staff; a channel is never told about teams (403).",
    responses={200: TeamSerializer(many=True), 403: PROBLEM}, examples=[examples.TEAMS], tags=["reference"],
)
class TeamListView(generics.ListAPIView):
    serializer_class = TeamSerializer
    pagination_class = None

    def get_queryset(self):
        if not sees_case_internals(self.request.user):
            raise PermissionDenied(_("Daftar tim hanya untuk petugas."))
        return Team.objects.filter(is_active=True).select_related("district")


@extend_schema(
    summary="The SOP workflow table",
    description="Every transition: from which status, by which role, to which status, with which fields. No login needed.",
    responses={200: TransitionSerializer(many=True)},
    examples=[examples.WORKFLOW],
    tags=["workflow"],
)
class WorkflowView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request: Request) -> Response:
        return Response(TransitionSerializer(TRANSITIONS, many=True).data)


@extend_schema(
    summary="Who am I", description="The caller's roles and teams.", responses={200: MeSerializer}, examples=[examples.ME], tags=["auth"]
)
class MeView(APIView):
    def get(self, request: Request) -> Response:
        user = request.user
        if is_channel(user):
            body = {"username": user.get_username(), "full_name": user.channel.name, "roles": [], "teams": []}
        else:
            teams = Team.objects.filter(pk__in=user_team_ids(user)).values_list("slug", flat=True)
            body = {
                "username": user.get_username(), "full_name": user.get_full_name(),
                "roles": sorted(str(r) for r in user_roles(user)), "teams": sorted(teams),
            }
        return Response(MeSerializer(body).data)
