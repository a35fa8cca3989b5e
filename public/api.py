"""The public API: tracking by tracking code, without authentication; the reporter's rating, with the token of the
link in their outcome message (or their channel's key). Rate-limited per client."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.auth import ChannelKeyAuthentication
from common.ratelimit import RateLimitedViewMixin, ScopedThrottle
from complaints.models import Complaint
from public.selectors import find_complaint, tracking
from public.serializers import FeedbackRequestSerializer, PublicFeedbackSerializer, PublicTrackingSerializer
from public.services import check_rater, leave_feedback

PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="Problem details (RFC 9457) with a stable `code`.")
RATE_LIMITED = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Too many requests from this address (`rate_limited`); see `Retry-After`."
)
NOT_FOUND_DESCRIPTION = "Unknown and malformed codes get the same 404 (`not_found`)."


class TrackThrottle(ScopedThrottle):
    scope = "track"


class FeedbackThrottle(ScopedThrottle):
    scope = "feedback"
    methods = ("POST",)


class PublicView(RateLimitedViewMixin, APIView):
    # Nobody logs in here; a staff session or token changes nothing about what is shown.
    authentication_classes: list = []
    permission_classes = [AllowAny]


def _complaint_or_404(code: str) -> Complaint:
    complaint = find_complaint(code)
    if complaint is None:
        raise NotFound(_("Kode lacak tidak ditemukan."))
    return complaint


@extend_schema(
    summary="Track a complaint by its code",
    description=(
        "What the reporter may know: status in public words, the steps passed with their times, and the outcome. "
        "Never reporter data, notes, staff, teams or attachments. The code may be typed in any case, with spaces or "
        f"without the hyphen. {NOT_FOUND_DESCRIPTION} Rate-limited per client address, together with the tracking page."
    ),
    responses={200: PublicTrackingSerializer, 404: PROBLEM, 429: RATE_LIMITED},
    examples=[
        OpenApiExample(
            "In the field",
            value={
                "code": "7KQ2M-XH4PD", "category": "Balap liar", "district": "Paringin",
                "received_at": "2026-11-20T21:04:00+08:00", "status": "dispatch",
                "status_label": "Penanganan oleh tim lapangan", "step": 5, "total_steps": 8, "closed_at": None,
                "outcome": "", "outcome_label": "", "result": "", "referred_to": "", "answer": "",
                "timeline": [
                    {"status": "submitted", "label": "Aduan diterima", "step": 1, "at": "2026-11-20T21:04:00+08:00"},
                    {"status": "screening", "label": "Diperiksa petugas", "step": 2, "at": "2026-11-20T21:06:10+08:00"},
                ],
                "feedback_open": False, "feedback": None,
            },
            response_only=True,
        )
    ],
    tags=["public"],
)
class PublicTrackingView(PublicView):
    throttle_classes = [TrackThrottle]

    def get(self, request: Request, code: str) -> Response:
        body = PublicTrackingSerializer(tracking(_complaint_or_404(code))).data
        return Response(body, headers={"Cache-Control": "no-store"})


@extend_schema(
    summary="Rate how a complaint was handled",
    description=(
        "Once per complaint, by its reporter only: send `token`, the last part of the `/nilai/<token>/` link in the "
        "outcome message the reporter received, or call with the API key (`Authorization: Api-Key`) of the channel "
        "the complaint came through, relaying its reporter's rating. The tracking code alone is not enough (it is "
        "printed on receipts and told over the phone): 403 `feedback_link_required`, checked before anything else "
        "in the body. Open once the outcome is decided (step 8 or closed; a duplicate once the case it was merged "
        "into has closed): 409 `feedback_not_open` before that, 409 `already_rated` the second time. "
        f"{NOT_FOUND_DESCRIPTION} Rate-limited per client address."
    ),
    request=FeedbackRequestSerializer,
    responses={201: PublicFeedbackSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 429: RATE_LIMITED},
    examples=[OpenApiExample(
        "The reporter's rating", request_only=True,
        value={"token": "7KQ2M-XH4PD.b2Y7rW9oQm0s1xUu2kNh8b4Zf3c", "rating": 5, "comment": "Cepat ditangani."},
    )],
    tags=["public"],
)
class PublicFeedbackView(PublicView):
    # A channel's key (never a staff login) lets the reporter's channel relay their rating.
    authentication_classes = [ChannelKeyAuthentication]
    throttle_classes = [FeedbackThrottle]

    def post(self, request: Request, code: str) -> Response:
        complaint = _complaint_or_404(code)
        token = request.data.get("token") if hasattr(request.data, "get") else None
        # Who may rate comes before what was rated, so a code alone learns nothing from the body's errors.
        check_rater(complaint, token=token if isinstance(token, str) else "", user=request.user)
        serializer = FeedbackRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = leave_feedback(complaint=complaint, user=request.user, **serializer.validated_data)
        return Response(PublicFeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)
