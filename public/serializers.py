"""The public API's shapes. They render `public.selectors.PublicTracking` field for field: the allowed set is
decided there, and a test keeps these fields equal to its fields."""

from __future__ import annotations

from rest_framework import serializers

from complaints.workflow import Outcome, Status
from public.models import COMMENT_LIMIT, RATING_MAX, RATING_MIN


class PublicStepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="The status the complaint entered.")
    label = serializers.CharField(help_text="The step's public name, in the request's language.")
    step = serializers.IntegerField(allow_null=True, help_text="SOP step 1-8; null once closed.")
    at = serializers.DateTimeField(help_text="When (WITA, UTC+8).")


class PublicFeedbackSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX)
    created_at = serializers.DateTimeField()


class PublicTrackingSerializer(serializers.Serializer):
    code = serializers.CharField()
    category = serializers.CharField(help_text="The category's name.")
    district = serializers.CharField(help_text="The kecamatan's name.")
    received_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(help_text="The current step's public name.")
    step = serializers.IntegerField(allow_null=True, help_text="SOP step 1-8; null once closed.")
    total_steps = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, help_text="Empty until closed.")
    outcome_label = serializers.CharField(allow_blank=True)
    result = serializers.CharField(
        allow_blank=True,
        help_text="From step 8 on: the result in public words (the field team's result, the return reason, or for a "
        "duplicate the outcome of the case it was merged into).",
    )
    referred_to = serializers.CharField(allow_blank=True, help_text="The agency a referred complaint was handed to.")
    answer = serializers.CharField(allow_blank=True, help_text="The answer to an information request.")
    timeline = PublicStepSerializer(many=True, help_text="Each change of status, oldest first.")
    feedback_open = serializers.BooleanField(help_text="Whether the reporter may rate the handling now.")
    feedback = PublicFeedbackSerializer(allow_null=True, help_text="The rating, once given (never the comment).")


class FeedbackRequestSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="The reporter's rating token: the last part of the `/nilai/<token>/` link in their outcome message. "
        "Required, unless the request comes with the API key of the channel the complaint came through.",
    )
    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX, help_text="1 (very dissatisfied) to 5.")
    comment = serializers.CharField(max_length=COMMENT_LIMIT, required=False, allow_blank=True, default="")
