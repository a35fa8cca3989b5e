"""Request bodies of the workflow actions, generated from the transition table for the OpenAPI file.

Validation itself happens once, in the service (complaints.action_forms); these classes describe it.
"""

from __future__ import annotations

from functools import cache

from rest_framework import serializers

from complaints.models import FieldResult
from complaints.models.reporter import NIK_PATTERN, PHONE_PATTERN
from complaints.workflow import ACTIONS, TRANSITIONS, Field, ReturnReason, fields_for_action

_DESCRIPTIONS = {
    Field.NOTE: "Free note, kept in the timeline.",
    Field.REASON: "Why the complaint goes back; `not_authority` needs `agency`.",
    Field.AGENCY: "Agency the complaint is referred to (with reason `not_authority`), e.g. Polsek Paringin.",
    Field.TEAM: "Slug of an active TRC team (see /api/v1/teams/).",
    Field.EXPECTED_ARRIVAL: "When the team expects to be on scene (ISO 8601).",
    Field.ANONYMOUS: (
        "The reporter asked not to be recorded; any reporter data already captured is erased. Left out: the case keeps "
        "what is stored. `false` on an anonymous case records the reporter sent with it (an event records the change)."
    ),
    Field.CONFIDENTIAL: (
        "Only Operator and Kepala may see the reporter. Left out: unchanged (a channel's or the web form's choice "
        "stands); only an explicit `false` lowers it, and the change is recorded as an event."
    ),
    Field.ALLOW_FIELD_CONTACT: (
        "The assigned field team may see the reporter's phone number. Left out: unchanged; an explicit value "
        "changes it, recorded as an event."
    ),
    Field.ANSWER: "What the reporter receives. May be left out when `knowledge_answer` is given: the entry's text is sent.",
    Field.KNOWLEDGE_ANSWER: (
        "Id of an active knowledge-base entry the answer comes from (the portal's /knowledge/ page numbers them). "
        "The event records it as `knowledge_answer_id`. Unknown or deactivated: 400 with a message for this field."
    ),
    Field.DUPLICATE_OF: "Tracking code of the case handling the same incident (a duplicate's own main case is used).",
}


def _drf_field(name: Field, required: bool) -> serializers.Field:
    kwargs = {"required": required, "help_text": _DESCRIPTIONS.get(name, "")}
    if name == Field.REASON:
        return serializers.ChoiceField(choices=ReturnReason.choices, **kwargs)
    if name == Field.RESULT:
        return serializers.ChoiceField(choices=FieldResult.choices, **kwargs)
    if name == Field.EXPECTED_ARRIVAL:
        return serializers.DateTimeField(**kwargs)
    if name in (Field.ANONYMOUS, Field.CONFIDENTIAL, Field.ALLOW_FIELD_CONTACT):
        return serializers.BooleanField(**kwargs)
    if name == Field.REPORTER_PHONE:
        return serializers.RegexField(PHONE_PATTERN, **kwargs)
    if name == Field.REPORTER_NIK:
        return serializers.RegexField(NIK_PATTERN, **kwargs)
    if name == Field.DUPLICATE_OF:
        return serializers.CharField(max_length=11, **kwargs)
    if name == Field.KNOWLEDGE_ANSWER:
        return serializers.IntegerField(min_value=1, **kwargs)
    return serializers.CharField(max_length=4000, **kwargs)


@cache
def action_request_serializer(action: str) -> type[serializers.Serializer]:
    required, optional = fields_for_action(action)
    attrs: dict[str, serializers.Field] = {
        str(name): _drf_field(name, True) for name in required
    } | {str(name): _drf_field(name, False) for name in optional}
    attrs["version"] = serializers.IntegerField(
        required=False, help_text="The version you read; if it changed since, the answer is 412. `If-Match` works too."
    )
    # COMPONENT_SPLIT_REQUEST adds "Request": the OpenAPI component (and a generated model) is AcceptActionRequest.
    class_name = "".join(part.title() for part in action.split("_")) + "Action"
    return type(class_name, (serializers.Serializer,), attrs)


def action_description(action: str) -> str:
    lines = []
    for t in TRANSITIONS:
        if t.action == action:
            roles = ", ".join(sorted(str(r) for r in t.roles))
            lines.append(f"- from `{t.source}` → `{t.target}` (role: {roles}): {t.description}")
    return "\n".join(lines)


assert set(ACTIONS) == {t.action for t in TRANSITIONS}
