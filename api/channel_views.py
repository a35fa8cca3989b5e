"""The generic intake for messaging channels and bots: a normalized inbound message lands in the Operator's inbox."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import idempotency
from api.fields import DateTimeField
from api.throttles import ChannelIntakeThrottle
from channels.services import NormalizedMessage, receive_message
from common.ratelimit import RateLimitedViewMixin
from roles.principals import is_channel

IDEMPOTENCY_HEADER = idempotency.IDEMPOTENCY_HEADER
MAX_ATTACHMENTS = 10


class SenderSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=128, help_text="The sender's id on your channel (chat id, phone, user id).")
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class LocationSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class MediaSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1000, help_text="Where the Operator can open the file (your storage).")
    content_type = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    caption = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class InboundMessageSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default="",
        help_text=f"Your id for this message; the same id again is not stored twice. Or send an `{IDEMPOTENCY_HEADER}` header.",
    )
    sender = SenderSerializer()
    text = serializers.CharField(max_length=4096, required=False, allow_blank=True, default="")
    location = LocationSerializer(required=False)
    attachments = MediaSerializer(many=True, required=False, default=list)
    sent_at = DateTimeField(help_text="When the citizen sent it (ISO 8601 with an offset).")

    def validate_attachments(self, value: list) -> list:
        if len(value) > MAX_ATTACHMENTS:
            raise ValidationError(f"At most {MAX_ATTACHMENTS} attachments.")
        return value

    def validate(self, attrs: dict) -> dict:
        if not (attrs.get("text", "").strip() or attrs.get("location") or attrs.get("attachments")):
            raise ValidationError({"text": ["A message needs text, a location or an attachment."]})
        return attrs


class InboundMessageResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    external_id = serializers.CharField()
    created = serializers.BooleanField(help_text="False when this id was already stored (a retry).")
    received_at = serializers.DateTimeField()


MESSAGE_EXAMPLE = OpenApiExample(
    "A citizen's message with a photo and a location", request_only=True,
    value={
        "external_id": "msg-20261123-0001",
        "sender": {"id": "6281234567890", "name": "Rahmat", "phone": "+6281234567890"},
        "text": "Ada balap liar di jalan poros Paringin tiap malam Minggu.",
        "location": {"latitude": "-2.334100", "longitude": "115.466800", "name": "Jl. Poros Paringin"},
        "attachments": [{"url": "https://files.example.org/m/abc.jpg", "content_type": "image/jpeg", "caption": ""}],
        "sent_at": "2026-11-23T21:14:00+08:00",
    },
)
RESULT_EXAMPLE = OpenApiExample(
    "Stored", response_only=True,
    value={"id": 118, "conversation": 42, "external_id": "msg-20261123-0001", "created": True,
           "received_at": "2026-11-23T21:14:02+08:00"},
)


@extend_schema(
    summary="Deliver a citizen's message to the Operator's inbox",
    description=(
        "For a channel (bot, app, gateway) authenticated with its `Api-Key`. The message lands in the sender's "
        "conversation in the Operator's inbox, where it can become a complaint. Idempotent: the same `external_id` "
        f"(or `{IDEMPOTENCY_HEADER}`) again with the same body answers 200 with the first result and stores nothing, "
        "also under concurrent retries; with a different body it is refused with 422 `idempotency_key_reused` and "
        "stores nothing either. A message that contains a tracking code gets that complaint's status as a reply."
    ),
    request=InboundMessageSerializer,
    parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=False,
                                 description="Used as the message id when `external_id` is empty.")],
    responses={
        201: InboundMessageResultSerializer, 200: InboundMessageResultSerializer,
        400: OpenApiResponse(description="Invalid input (problem+json with `errors`)."),
        401: OpenApiResponse(description="No or wrong API key, or the channel is disabled."),
        403: OpenApiResponse(description="Only channels post messages."),
        422: OpenApiResponse(description="This `external_id` (or `Idempotency-Key`) came before with another body."),
        429: OpenApiResponse(description="The channel sent more than its intake limit (`rate_limited`, `Retry-After`)."),
    },
    examples=[MESSAGE_EXAMPLE, RESULT_EXAMPLE],
    tags=["channels"],
)
class InboundMessageView(RateLimitedViewMixin, APIView):
    throttle_classes = [ChannelIntakeThrottle]  # TRECKK_RATE_LIMIT_INTAKE per channel: 429 with Retry-After

    def post(self, request: Request) -> Response:
        if not is_channel(request.user):
            raise PermissionDenied("Only a channel (Api-Key) posts citizens' messages.")
        serializer = InboundMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        external_id = data["external_id"] or idempotency.header_key(request)
        if not external_id:
            raise ValidationError({"external_id": [f"Send external_id or an {IDEMPOTENCY_HEADER} header."]})
        location = data.get("location") or {}
        incoming = NormalizedMessage(
            external_id=external_id, sender_id=data["sender"]["id"], sender_name=data["sender"]["name"],
            sender_phone=data["sender"]["phone"], text=data["text"], sent_at=data["sent_at"],
            latitude=location.get("latitude"), longitude=location.get("longitude"), location_name=location.get("name", ""),
            media=[dict(item) for item in data["attachments"]],
            fingerprint=idempotency.body_fingerprint(request.data),  # the same id with another body: 422
        )
        received = receive_message(request.user.channel, incoming)
        message = received.message
        body = {
            "id": message.pk, "conversation": message.conversation_id, "external_id": message.external_id,
            "created": received.created, "received_at": message.received_at,
        }
        return Response(
            InboundMessageResultSerializer(body).data, status=status.HTTP_201_CREATED if received.created else status.HTTP_200_OK
        )
