"""Thin serializers: the reporter goes out only through roles.masking."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import DateTimeField
from channels.complaint_view import channel_view
from complaints.models import (
    Attachment,
    Category,
    ChannelKind,
    Complaint,
    ComplaintEvent,
    District,
    FieldReport,
    Team,
    Village,
)
from complaints.models.reporter import NIK_PATTERN, PHONE_PATTERN
from complaints.workflow import STEP_OF, Transition
from public.selectors import public_step
from public.serializers import PublicStepSerializer, PublicTrackingSerializer
from roles.masking import reporter_view
from roles.policy import ReporterAccess


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["slug", "name", "latitude", "longitude"]


class VillageSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Village
        fields = ["id", "name", "district"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "kind", "name", "is_active"]


class TeamSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Team
        fields = ["slug", "name", "district", "is_active"]


class ReporterViewSerializer(serializers.Serializer):
    access = serializers.ChoiceField(
        choices=[a.value for a in ReporterAccess],
        help_text="full: all data; contact: only a phone for field contact; masked: nothing identifying; "
        "anonymous: no reporter data is held; sent (a channel): the fields the channel sent itself.",
    )
    anonymous = serializers.BooleanField()
    confidential = serializers.BooleanField()
    name = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    nik = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    allow_field_contact = serializers.BooleanField(allow_null=True)


class ComplaintListSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)
    village = serializers.CharField(source="village.name", read_only=True, allow_null=True, default=None)
    assigned_team = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    step = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "code", "kind", "category", "category_name", "district", "district_name", "village", "status", "step",
            "outcome", "channel_kind", "program", "assigned_team", "due_at", "overdue", "created_at", "version",
            "reporter",
        ]

    def get_step(self, obj: Complaint) -> int | None:
        return STEP_OF.get(obj.status)

    def get_overdue(self, obj: Complaint) -> bool:
        return obj.is_overdue(self.context.get("now") or timezone.now())

    @extend_schema_field(ReporterViewSerializer)
    def get_reporter(self, obj: Complaint) -> dict:
        return reporter_view(self.context["request"].user, obj).as_dict()

    def to_representation(self, instance: Complaint) -> dict:
        """The fields above, written out: what DRF's generic loop gives (tests/test_api_representation.py
        compares the two), at a fraction of its cost. DRF builds every field of a ModelSerializer anew for each
        serializer (model introspection, deep copies) and walks each field's source for each row; a queue page is
        50 rows of 18 fields, and that machinery was a quarter of the request's time."""
        return _list_representation(self, instance)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "content_type", "size", "original_name", "url", "created_at"]

    def get_url(self, obj: Attachment) -> str:
        path = reverse("api:attachment-download", kwargs={"code": obj.complaint.code, "pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class FieldReportSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = FieldReport
        fields = ["team", "findings", "action_taken", "result", "created_at"]


class ComplaintDetailSerializer(ComplaintListSerializer):
    field_report = FieldReportSerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    duplicate_of = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "description", "address", "latitude", "longitude", "incident_at", "external_ref",
            "step_started_at", "forwarded_at", "closed_at", "draft_report", "return_reason", "referred_to",
            "answer", "duplicate_of", "expected_arrival_at", "arrived_at", "field_report", "attachments",
        ]

    def to_representation(self, instance: Complaint) -> dict:
        body = _list_representation(self, instance)
        field_report = _related_or_none(instance, "field_report")
        duplicate_of = instance.duplicate_of  # selected with the row (complaint_detail), or None without a query
        body.update(
            description=_str(instance.description), address=_str(instance.address),
            latitude=_decimal(instance.latitude), longitude=_decimal(instance.longitude),
            incident_at=_datetime(instance.incident_at), external_ref=_str(instance.external_ref),
            step_started_at=_datetime(instance.step_started_at), forwarded_at=_datetime(instance.forwarded_at),
            closed_at=_datetime(instance.closed_at), draft_report=_str(instance.draft_report),
            return_reason=_choice(instance.return_reason), referred_to=_str(instance.referred_to),
            answer=_str(instance.answer), duplicate_of=None if duplicate_of is None else duplicate_of.code,
            expected_arrival_at=_datetime(instance.expected_arrival_at), arrived_at=_datetime(instance.arrived_at),
            field_report=None if field_report is None else FieldReportSerializer(context=self.context).to_representation(field_report),
            attachments=AttachmentSerializer(many=True, context=self.context).to_representation(instance.attachments.all()),
        )
        return body


# Stateless DRF fields, used only for their output format (time zone and ISO 8601, six decimal places as a string),
# so the written-out representations above format exactly as ModelSerializer's generated fields do.
_DATETIME_FIELD = serializers.DateTimeField()
_DECIMAL_FIELD = serializers.DecimalField(max_digits=9, decimal_places=6)


def _datetime(value) -> str | None:
    return None if value is None else _DATETIME_FIELD.to_representation(value)


def _decimal(value) -> str | None:
    return None if value is None else _DECIMAL_FIELD.to_representation(value)


def _str(value) -> str | None:
    return None if value is None else str(value)


def _choice(value) -> str | None:
    # ChoiceField gives the choice's key: a plain string also for an enum member set in this request.
    return value if value in ("", None) else str(value)


def _slug(related, field: str = "slug") -> str | None:
    return None if related is None else getattr(related, field)


def _related_or_none(instance, name: str):
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _list_representation(serializer: ComplaintListSerializer, obj: Complaint) -> dict:
    context = serializer.context
    village = obj.village
    return {
        "code": _str(obj.code),
        "kind": _choice(obj.kind),
        "category": _slug(obj.category),
        "category_name": _str(obj.category.name),
        "district": _slug(obj.district),
        "district_name": _str(obj.district.name),
        "village": None if village is None else _str(village.name),
        "status": _choice(obj.status),
        "step": STEP_OF.get(obj.status),
        "outcome": _choice(obj.outcome),
        "channel_kind": _choice(obj.channel_kind),
        "program": _choice(obj.program),
        "assigned_team": _slug(obj.assigned_team),
        "due_at": _datetime(obj.due_at),
        "overdue": obj.is_overdue(context.get("now") or timezone.now()),
        "created_at": _datetime(obj.created_at),
        "version": int(obj.version),
        "reporter": reporter_view(context["request"].user, obj).as_dict(),
    }


class ReporterInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    phone = serializers.RegexField(PHONE_PATTERN, required=False, allow_blank=True, default="")
    nik = serializers.RegexField(NIK_PATTERN, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    allow_field_contact = serializers.BooleanField(required=False, default=False)


class ComplaintCreateSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    description = serializers.CharField(max_length=8000)
    district = serializers.SlugRelatedField(slug_field="slug", queryset=District.objects.all())
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-180, max_value=180)
    incident_at = DateTimeField(required=False, allow_null=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)
    reporter = ReporterInputSerializer(required=False)
    channel_kind = serializers.ChoiceField(
        choices=ChannelKind.choices, required=False, default=ChannelKind.WALK_IN,
        help_text="For staff: how the report reached you. Ignored for channels (their own kind is used).",
    )
    external_ref = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default="",
        help_text="The channel's own id for this report. Sending the same id again returns the first complaint.",
    )


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    channel = serializers.CharField(source="channel.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "action", "actor", "actor_role", "channel", "from_status", "to_status", "note", "payload", "created_at"]

    def get_actor(self, obj: ComplaintEvent) -> str | None:
        if obj.actor is None:
            return None
        return obj.actor.get_full_name() or obj.actor.get_username()


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    source = serializers.CharField()
    target = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    required = serializers.ListField(child=serializers.CharField())
    optional = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()

    def to_representation(self, instance: Transition) -> dict:
        return {
            "action": instance.action,
            "label": str(instance.label),
            "source": str(instance.source),
            "target": str(instance.target),
            "roles": sorted(str(r) for r in instance.roles),
            "required": [str(f) for f in instance.required],
            "optional": [str(f) for f in instance.optional],
            "description": instance.description,
        }


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, WebP or PDF; checked by content, not by name.")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    teams = serializers.ListField(child=serializers.CharField())


# --- the channel view (channels/complaint_view.py decides what is in it; these only render it) ---------------------


class ChannelSubmissionSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="The category's slug.")
    district = serializers.CharField(help_text="The kecamatan's slug.")
    village = serializers.CharField(allow_null=True, help_text="The desa's name.")
    description = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    incident_at = serializers.DateTimeField(allow_null=True)
    reporter = ReporterViewSerializer(
        help_text="`access` is `sent`: the fields your channel sent (null for the others); `masked` once the reporter "
        "is confidential; `anonymous` when no reporter data is held.",
    )


class ReporterMessageSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="receipt, returned, outcome, status, reply or follow_up.")
    text = serializers.CharField(help_text="What was written to the reporter.")
    at = serializers.DateTimeField()


class ChannelComplaintSerializer(PublicTrackingSerializer):
    """A channel's own complaint: the public tracking fields, then what the channel sent and what the reporter was
    written through it. Renders a channels.complaint_view.ChannelComplaint (or builds it for a complaint)."""

    external_ref = serializers.CharField(allow_blank=True, help_text="Your id for this report.")
    channel_kind = serializers.ChoiceField(choices=ChannelKind.choices)
    submitted = ChannelSubmissionSerializer(help_text="What your channel sent.")
    attachments = AttachmentSerializer(
        many=True, help_text="The reporter's evidence that came in through your channel; never staff files or field photos.",
    )
    messages = ReporterMessageSerializer(many=True, help_text="What was written to the reporter through your channel.")

    def to_representation(self, instance) -> dict:
        if isinstance(instance, Complaint):
            instance = channel_view(self.context["request"].user, instance)
        return super().to_representation(instance)


class ChannelStatusSerializer(serializers.Serializer):
    """The webhooks' `data`: a part of the channel view (ChannelComplaintSerializer), field for field."""

    code = serializers.CharField()
    external_ref = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    step = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    outcome_label = serializers.CharField(allow_blank=True)
    result = serializers.CharField(allow_blank=True)
    referred_to = serializers.CharField(allow_blank=True)
    answer = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class ChannelEventSerializer(PublicStepSerializer):
    """A channel's timeline entry: a change of status in public words, as on the tracking page (no actor, role, note
    or payload)."""

    def to_representation(self, instance: ComplaintEvent) -> dict:
        return super().to_representation(public_step(instance))
