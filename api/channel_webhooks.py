"""A channel's webhook endpoints through the API (Standard Webhooks' "endpoint management API"): list, read, send a
test event, rotate the secret, delete. Authenticated with the channel's `Api-Key`; a channel sees only its own.

Adding an endpoint or changing its URL stays with the administrator (the admin): the server calls whatever URL is
stored, and the spec's SSRF section asks that someone checks it. Bodies are JSON only.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.throttles import ChannelIntakeThrottle
from channels.models import WEBHOOK_TEST_EVENT, WebhookEndpoint, WebhookEventType
from channels.selectors import webhook_endpoints
from channels.webhooks import MAX_GRACE_HOURS, EndpointDisabled, delete_endpoint, queue_test_event, rotate_secret
from common.parsers import LimitedJSONParser
from common.ratelimit import RateLimitedViewMixin
from roles.policy import may_manage_webhooks

TAGS = ["channel webhooks"]


class WebhookEndpointSerializer(serializers.ModelSerializer):
    enabled = serializers.BooleanField(
        source="is_active", read_only=True,
        help_text="False once the endpoint answered 410 Gone (or an administrator switched it off): nothing is sent to it.",
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices), read_only=True,
        help_text=f"The events this endpoint receives; empty: all of them. `{WEBHOOK_TEST_EVENT}` is always sent.",
    )
    disabled_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When it was disabled.")
    disabled_reason = serializers.CharField(read_only=True, help_text="Why it was disabled, e.g. `HTTP 410 Gone: …`.")
    previous_secret_expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="After a rotation: until then every delivery is signed with the new and the previous secret.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("id", "url", "description", "event_types", "enabled", "disabled_at", "disabled_reason",
                  "previous_secret_expires_at", "created_at")
        read_only_fields = fields


class RotateSecretSerializer(serializers.Serializer):
    grace_period_hours = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_GRACE_HOURS,
        help_text="How long the current secret keeps signing beside the new one (default "
                  "TRECKK_WEBHOOK_SECRET_GRACE_HOURS, 24). 0 drops it at once, e.g. when it leaked.",
    )


class RotateSecretResultSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new `whsec_…` secret. Shown this once: store it now.")
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until when the previous secret also signs; null if it stopped at once.",
    )


class TestEventResultSerializer(serializers.Serializer):
    message_id = serializers.CharField(help_text="The delivery's `webhook-id` header.")
    event_type = serializers.CharField(help_text=f"Always `{WEBHOOK_TEST_EVENT}`.")
    status = serializers.CharField(help_text="`pending`: queued; the worker sends it in a moment, retrying as any event.")


ENDPOINT_EXAMPLE = {
    "id": 3, "url": "https://mitra.example/hooks/treckk", "description": "Produksi", "event_types": [],
    "enabled": True, "disabled_at": None, "disabled_reason": "", "previous_secret_expires_at": None,
    "created_at": "2026-11-23T09:00:00+08:00",
}
DISABLED_EXAMPLE = {
    **ENDPOINT_EXAMPLE, "id": 4, "url": "https://lama.mitra.example/hooks", "description": "Server lama",
    "event_types": ["complaint.created"], "enabled": False, "disabled_at": "2026-11-24T02:15:07+08:00",
    "disabled_reason": "HTTP 410 Gone: the receiver asked for no more webhooks",
}
ROTATE_REQUEST_EXAMPLE = OpenApiExample("Keep the old secret for 48 hours", request_only=True, value={"grace_period_hours": 48})
ROTATE_RESULT_EXAMPLE = OpenApiExample(
    "New secret", response_only=True,
    value={"secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD6nJ8CS2pEIE=", "previous_secret_expires_at": "2026-11-25T09:00:00+08:00"},
)
TEST_RESULT_EXAMPLE = OpenApiExample(
    "Queued", response_only=True, status_codes=["202"],
    value={"message_id": "msg_1201", "event_type": WEBHOOK_TEST_EVENT, "status": "pending"},
)
NOT_FOUND = OpenApiResponse(description="No endpoint with this id for your channel.")


class EndpointDisabledProblem(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "endpoint_disabled"
    default_detail = "This webhook endpoint is disabled."


class ChannelWebhookView(APIView):
    parser_classes = [LimitedJSONParser]

    def endpoints(self):
        if not may_manage_webhooks(self.request.user):
            raise PermissionDenied("Only a channel (Api-Key) manages its webhook endpoints.")
        return webhook_endpoints(self.request.user.channel)

    def endpoint(self, pk: int) -> WebhookEndpoint:
        return get_object_or_404(self.endpoints(), pk=pk)


@extend_schema(
    summary="Your webhook endpoints",
    description="Every endpoint of your channel, enabled or not, without secrets. An administrator adds endpoints.",
    responses={200: WebhookEndpointSerializer(many=True)},
    # One endpoint per example: drf-spectacular puts each in the list.
    examples=[OpenApiExample("An endpoint", response_only=True, value=ENDPOINT_EXAMPLE),
              OpenApiExample("An endpoint disabled by a 410", response_only=True, value=DISABLED_EXAMPLE)],
    tags=TAGS,
)
class WebhookEndpointListView(ChannelWebhookView):
    def get(self, request: Request) -> Response:
        return Response(WebhookEndpointSerializer(self.endpoints(), many=True).data)


class WebhookEndpointDetailView(ChannelWebhookView):
    @extend_schema(
        summary="One webhook endpoint", responses={200: WebhookEndpointSerializer, 404: NOT_FOUND},
        examples=[OpenApiExample("Enabled", response_only=True, value=ENDPOINT_EXAMPLE)], tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(WebhookEndpointSerializer(self.endpoint(pk)).data)

    @extend_schema(
        summary="Delete a webhook endpoint",
        description="Nothing more is sent to it: events still waiting for it are dropped. Another endpoint needs an administrator.",
        responses={204: OpenApiResponse(description="Deleted."), 404: NOT_FOUND}, tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        delete_endpoint(self.endpoint(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    summary="Send a test event (ping)",
    description=(
        f"Queues a `{WEBHOOK_TEST_EVENT}` event for this endpoint. It goes through the same outbox, signature and retries "
        "as every event, so a 2xx at your end proves the whole path; `message_id` is its `webhook-id`. No body."
    ),
    request=None,
    responses={
        202: TestEventResultSerializer, 404: NOT_FOUND,
        409: OpenApiResponse(description="The endpoint is disabled (`endpoint_disabled`)."),
        429: OpenApiResponse(description="The channel sent more than its intake limit (`rate_limited`, `Retry-After`)."),
    },
    examples=[TEST_RESULT_EXAMPLE],
    tags=TAGS,
)
class WebhookEndpointTestView(RateLimitedViewMixin, ChannelWebhookView):
    throttle_classes = [ChannelIntakeThrottle]  # a ping is an outbox row: it counts toward the channel's intake limit

    def post(self, request: Request, pk: int) -> Response:
        try:
            message = queue_test_event(self.endpoint(pk))
        except EndpointDisabled:
            raise EndpointDisabledProblem() from None
        body = {"message_id": f"msg_{message.pk}", "event_type": WEBHOOK_TEST_EVENT, "status": message.status}
        return Response(TestEventResultSerializer(body).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    summary="Rotate the endpoint's signing secret",
    description=(
        "Issues a new secret and answers it this once. For the grace period (default 24 hours) every delivery carries "
        "two signatures, `webhook-signature: v1,<new> v1,<previous>`, so you can switch your verifier without missing "
        "an event; then only the new one. A second rotation within the grace period drops the oldest secret."
    ),
    request=RotateSecretSerializer,
    responses={200: RotateSecretResultSerializer, 404: NOT_FOUND},
    examples=[ROTATE_REQUEST_EXAMPLE, ROTATE_RESULT_EXAMPLE],
    tags=TAGS,
)
class WebhookEndpointRotateView(ChannelWebhookView):
    def post(self, request: Request, pk: int) -> Response:
        endpoint = self.endpoint(pk)
        serializer = RotateSecretSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hours = serializer.validated_data.get("grace_period_hours", settings.TRECKK_WEBHOOK_SECRET_GRACE_HOURS)
        secret = rotate_secret(endpoint, grace=timedelta(hours=hours))
        body = {"secret": secret, "previous_secret_expires_at": endpoint.previous_secret_expires_at}
        return Response(RotateSecretResultSerializer(body).data)
