"""The permission matrix: every URL the project serves x every role (and nobody, a channel key, a TRC member of
another post and of headquarters) x a complaint in every state (three reporter variants each): the status is the
one DESIGN.md section 3 (and, for pages it is silent on, the README's page table) allows, and no reporter marker
appears in a raw response body where the role may not see it.

The channel is on every row, field by field (DESIGN section 3, last row; issue 14): it gets its own complaints (in
every state too) only as the channel view, so no body it receives holds a marker of what only staff may read, and
its complaints' JSON holds only the channel view's fields; of the reporter it gets back only the fields it sent.

The URL patterns are enumerated from the resolver, so a new page without an entry in ROUTES fails
`test_every_route_has_an_entry`. The expectations are written here, independently of roles/policy.py: visibility
from tests.helpers.sees (DESIGN section 3), actions from the workflow table (data), reporter masking from DESIGN's
reporter column. Requests that write run inside a transaction that is rolled back, so the world is built once.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from complaints.models import Complaint
from complaints.workflow import Status, find_transition, roles_for_action
from roles.roles import Role
from tests.helpers import sees
from tests.permission_matrix.conftest import INTERNAL, PNG, ROLES, USER_KEY, VARIANTS
from tests.test_workflow_matrix import VALID_DATA

pytestmark = pytest.mark.django_db

STAFF = ("operator", "kasi", "kabid", "kepala", "trc_post", "trc_other", "trc_hq")
TRC = ("trc_post", "trc_other", "trc_hq")
LOGIN = "LOGIN"  # a portal page's answer to nobody: 302 to the login page
OK_WRITE = "OK_WRITE"  # allowed: 2xx, a redirect after a form, or the form again (400/422: the matrix sends no data)


def role_of(who: str) -> Role | None:
    if who in TRC:
        return Role.TRC
    return {"operator": Role.OPERATOR, "kasi": Role.KASI, "kabid": Role.KABID, "kepala": Role.KEPALA}.get(who)


def visible(world, who: str, complaint: Complaint) -> bool:
    if who == "anonymous":
        return False
    if who == "channel":
        return complaint.channel_id == world.channel.pk
    return sees(USER_KEY[who], complaint)


# --- reporter masking (DESIGN section 3, reporter column) -------------------------------------------------------------


def shown_fields(world, who: str, complaint: Complaint) -> set[str]:
    """The reporter fields `who` may see of `complaint` wherever it appears."""
    if who == "channel" and visible(world, who, complaint):
        # What it sent itself, which it holds anyway; nothing once the reporter is confidential.
        return set() if complaint.is_confidential else set(world.channel_sent.get(complaint.pk, ()))
    if who in ("anonymous", "channel") or not visible(world, who, complaint):
        return set()
    if who in ("operator", "kepala"):
        return {"name", "phone", "nik", "address"}
    confidential = complaint.is_confidential
    if who == "kasi":
        return set() if confidential else {"name", "phone", "nik", "address"}
    if who in TRC and complaint.reporter.allow_field_contact and not confidential:
        return {"phone"}
    return set()


def readable(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):  # XLSX: the text is inside the zip
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    return content


_FORBIDDEN: dict[str, list[tuple[bytes, str]]] = {}


def forbidden_markers(world, who: str) -> list[tuple[bytes, str]]:
    """Each reporter marker `who` may not see, with a label; computed once per role (the world does not change)."""
    if who not in _FORBIDDEN:
        markers = []
        for complaint in Complaint.objects.select_related("reporter", "district", "assigned_team").filter(
            pk__in=list(world.reporters)
        ):
            allowed = shown_fields(world, who, complaint)
            for name, value in world.reporters[complaint.pk].fields().items():
                if name not in allowed:
                    markers.append((value.encode(), f"{complaint.code}.{name}"))
        _FORBIDDEN[who] = markers
    return _FORBIDDEN[who]


def leaks(world, who: str, content: bytes) -> list[str]:
    found = [label for marker, label in forbidden_markers(world, who) if marker in content]
    if who == "channel":
        found += internal_leaks(world, content)
    return found


_INTERNAL: list[tuple[bytes, str]] = []


def internal_markers(world) -> list[tuple[bytes, str]]:
    """What only staff may read of the channel's complaints: the planted text, staff names, teams (slugs, names, group
    names), group ids (the `grants` of events), and the address of every file on them the channel did not send."""
    if not _INTERNAL:
        markers = [(value.encode(), label) for label, value in INTERNAL.items()]
        markers += [(b"trc-", "team slug"), (b"Trc Paringin", "team name"), (b'"grants"', "group ids")]
        for complaint in world.channel_complaints.values():
            for attachment in complaint.attachments.exclude(uploaded_by__isnull=True, kind="evidence"):
                markers.append((f"{complaint.code}/attachments/{attachment.pk}/".encode(), f"url of {attachment.kind}"))
        _INTERNAL.extend(markers)
    return _INTERNAL


def internal_leaks(world, content: bytes) -> list[str]:
    return [label for marker, label in internal_markers(world) if marker in content]


# The channel view of a complaint, written out here independently of channels/complaint_view.py.
CHANNEL_VIEW_FIELDS = {
    "code", "category", "district", "received_at", "status", "status_label", "step", "total_steps", "closed_at",
    "outcome", "outcome_label", "result", "referred_to", "answer", "timeline", "feedback_open", "feedback",
    "external_ref", "channel_kind", "submitted", "attachments", "messages",
}
CHANNEL_SUBMITTED_FIELDS = {"category", "district", "village", "description", "address", "latitude", "longitude", "incident_at",
                            "reporter"}
CHANNEL_STEP_FIELDS = {"status", "label", "step", "at"}
CHANNEL_ATTACHMENT_FIELDS = {"id", "kind", "content_type", "size", "original_name", "url", "created_at"}


def _complaint_fields(body: dict) -> list[str]:
    wrong = sorted(set(body) ^ CHANNEL_VIEW_FIELDS)
    if isinstance(body.get("submitted"), dict):
        wrong += [f"submitted.{name}" for name in sorted(set(body["submitted"]) ^ CHANNEL_SUBMITTED_FIELDS)]
    wrong += [f"timeline.{name}" for step in body.get("timeline") or () for name in sorted(set(step) ^ CHANNEL_STEP_FIELDS)]
    wrong += [f"attachments.{name}" for item in body.get("attachments") or () for name in sorted(set(item) ^ CHANNEL_ATTACHMENT_FIELDS)]
    return wrong


# The channel's JSON shape on each route that returns its complaints, field by field (the other rows return no
# complaint: their bodies are held to the markers only).
CHANNEL_SHAPES: dict[str, Callable[[object], list[str]]] = {
    "api/v1/complaints/": lambda body: [name for row in body["results"] for name in _complaint_fields(row)],
    "api/v1/complaints/#POST": _complaint_fields,
    "api/v1/complaints/<str:code>/": _complaint_fields,
    "api/v1/complaints/<str:code>/events/": lambda body: [
        name for step in body["results"] for name in sorted(set(step) ^ CHANNEL_STEP_FIELDS)],
    "api/v1/complaints/<str:code>/attachments/": lambda body: [
        name for item in body for name in sorted(set(item) ^ CHANNEL_ATTACHMENT_FIELDS)],
    "api/v1/complaints/<str:code>/attachments/#POST": lambda body: sorted(set(body) ^ CHANNEL_ATTACHMENT_FIELDS),
}


# --- the expectations ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """How to call a route and what each role must get. `expect(world, who, complaint)` gives a status, LOGIN or
    OK_WRITE; `complaints` says which complaints fill `<code>` (none: the route has no complaint)."""

    expect: Callable
    method: str = "GET"
    params: Callable | None = None  # world, complaint -> kwargs for the route's placeholders
    data: Callable | None = None  # world, complaint -> POST data
    complaints: str = ""  # "", "all" (every state and variant) or "normal" (every state, one variant)
    content_type: str = "multipart"
    skip: str = ""  # why the matrix does not call it (then tested elsewhere)


def portal(allowed: tuple[str, ...], ok=200, denied=403) -> Callable:
    def expect(world, who, complaint=None):
        if who in ("anonymous", "channel"):
            return LOGIN
        return ok if who in allowed else denied

    return expect


def api(allowed: tuple[str, ...], ok=200, denied=403) -> Callable:
    def expect(world, who, complaint=None):
        if who == "anonymous":
            return 401
        return ok if who in allowed else denied

    return expect


def everyone(status=200) -> Callable:
    return lambda world, who, complaint=None: status


def api_complaint(ok=200) -> Callable:
    def expect(world, who, complaint):
        if who == "anonymous":
            return 401
        return ok if visible(world, who, complaint) else 404

    return expect


def _staff_file(complaint):
    """A file on the complaint the channel did not send: the field photo, else a staff member's (else the first)."""
    attachments = complaint.attachments.order_by("-kind", "-id")  # field_photo sorts after evidence
    return attachments.exclude(uploaded_by__isnull=True, kind="evidence").first() or attachments.last()


def staff_file(world, complaint) -> dict:
    return {"code": complaint.code, "pk": _staff_file(complaint).pk}


def staff_file_expect(world, who, complaint):
    # Staff open any file of a case they see; a channel only what came in through it (DESIGN section 3, last row).
    chosen = _staff_file(complaint)
    if who == "channel" and (chosen.uploaded_by_id is not None or chosen.kind != "evidence"):
        return 404
    return api_complaint()(world, who, complaint)


def portal_complaint(ok=200) -> Callable:
    def expect(world, who, complaint):
        if who in ("anonymous", "channel"):
            return LOGIN
        return ok if visible(world, who, complaint) else 404

    return expect


def action_outcome(who: str, action: str, complaint: Complaint) -> int | str:
    """The workflow table's answer for a visible complaint: 403 wrong role, 409 wrong state or guard, else done."""
    role = role_of(who)
    if role is None or role not in roles_for_action(action):
        return 403
    transition = find_transition(action, complaint.status)
    if transition is None:
        return 409
    if role not in transition.roles:
        return 403  # e.g. `return` exists in verification, but there it is the Kasi's
    if transition.guard is not None and not transition.guard(complaint):
        return 409
    return OK_WRITE


def api_action(action: str) -> Callable:
    def expect(world, who, complaint):
        if who == "anonymous":
            return 401
        if not visible(world, who, complaint):
            return 404
        return action_outcome(who, action, complaint)

    return expect


def portal_action(action: str) -> Callable:
    def expect(world, who, complaint):
        if who in ("anonymous", "channel"):
            return LOGIN
        if not visible(world, who, complaint):
            return 404
        return action_outcome(who, action, complaint)

    return expect


def may_attach(who: str, complaint: Complaint) -> bool:
    """Reporter evidence by those who see everything (and channels), field photos by the team owning the step."""
    if complaint.status == Status.CLOSED:
        return False
    if who in ("operator", "kepala", "channel"):
        return True
    return who in TRC and complaint.status in (Status.FIELD_CHECK, Status.DISPATCH, Status.REPORTING)


def attach(api_style: bool) -> Callable:
    def expect(world, who, complaint):
        if who == "anonymous":
            return 401 if api_style else LOGIN
        if who == "channel" and not api_style:
            return LOGIN
        if not visible(world, who, complaint):
            return 404
        return OK_WRITE if may_attach(who, complaint) else 403

    return expect


def receipt(world, who, complaint):
    if who in ("anonymous", "channel"):
        return LOGIN
    # Whoever recorded the walk-in prints its receipt (the Operator recorded these), and who may see the case.
    return 200 if who == "operator" or visible(world, who, complaint) else 404


def case_knowledge(world, who, complaint):
    if who in ("anonymous", "channel"):
        return LOGIN
    if not visible(world, who, complaint):
        return 404
    return action_outcome(who, "answer", complaint)


def log_correction(world, who, complaint=None):
    # The post writes its own log; the Kabid and the Kepala read it (403); to anyone else it does not exist (404).
    if who in ("anonymous", "channel"):
        return LOGIN
    return OK_WRITE if who == "trc_post" else 403 if who in ("kabid", "kepala") else 404


def feedback(world, who, complaint):
    # The tracking code alone rates nothing (403): only the reporter's signed link (tests/public/test_feedback.py)
    # or the reporter's channel with its key, once the outcome is decided (step 8 or closed); before that 409.
    if who != "channel" or complaint.channel_id != world.channel.pk:
        return 403
    return 201 if complaint.status in (Status.NOTIFICATION, Status.CLOSED) else 409


def open311_request(world, who, complaint):
    # With its key a channel reads its own requests only; without one (staff keys are no Open311 keys) a tracking
    # code finds its request in public form, as the public tracking page does.
    if who != "channel":
        return 200
    return 200 if complaint.channel_id == world.channel.pk else 404


def lapor_tracking_id(world, who, complaint):
    # A case the user cannot see does not exist (404); of those they see, the Operator and the Kepala record LAPOR ids.
    if who in ("anonymous", "channel"):
        return LOGIN
    if not visible(world, who, complaint):
        return 404
    return OK_WRITE if who in ("operator", "kepala") else 403


def queue(world, who, complaint=None, *, role: str = ""):
    if who in ("anonymous", "channel"):
        return LOGIN
    return 200 if role_of(who) == Role(role) else 403


def code(world, complaint):
    return {"code": complaint.code}


def valid_action_data(action: str) -> Callable:
    def data(world, complaint):
        body = dict(VALID_DATA[action])
        if action == "mark_duplicate":
            body["duplicate_of"] = world.complaints[("verification", "normal")].code
        body["version"] = complaint.version
        return body

    return data


def png_upload(field_name: str) -> Callable:
    def data(world, complaint):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {field_name: SimpleUploadedFile("m.png", PNG, content_type="image/png")}

    return data


def new_complaint(world, complaint=None):
    return json.dumps({"category": "keributan", "district": "paringin", "description": "Dari matriks.", "anonymous": True})


def webhook_endpoint(world, complaint=None):
    return {"pk": world.objects["webhook_endpoint"].pk}


def new_message(world, complaint=None):
    return json.dumps({"external_id": "matrix-new", "sender": {"id": "62899"}, "text": "Halo",
                       "sent_at": "2026-11-23T21:14:00+08:00"})


OPERATOR_KEPALA = ("operator", "kepala")
KABID_KEPALA = ("kabid", "kepala")
ROSTER_READERS = ("operator", "kasi", "kabid", "kepala", "trc_post")
LOG_READERS = ("kabid", "kepala", "trc_post")
DOCS = "public API documentation, the same for everyone"

ROUTES: dict[str, Route] = {
    # --- API: complaints -------------------------------------------------------------------------------------------
    "api/v1/complaints/": Route(api((*STAFF, "channel"))),
    "api/v1/complaints/#POST": Route(api(("operator", *TRC, "channel"), ok=201), "POST", data=new_complaint,
                                     content_type="application/json"),
    "api/v1/complaints/<str:code>/": Route(api_complaint(), params=code, complaints="all"),
    "api/v1/complaints/<str:code>/events/": Route(api_complaint(), params=code, complaints="normal"),
    "api/v1/complaints/<str:code>/actions/": Route(api_complaint(), params=code, complaints="normal"),
    "api/v1/complaints/<str:code>/attachments/": Route(api_complaint(), params=code, complaints="normal"),
    "api/v1/complaints/<str:code>/attachments/#POST": Route(attach(True), "POST", params=code, data=png_upload("file"),
                                                            complaints="normal"),
    "api/v1/complaints/<str:code>/attachments/<int:pk>/": Route(
        api_complaint(), params=lambda w, c: {"code": c.code, "pk": c.attachments.first().pk}, complaints="normal"),
    "api/v1/complaints/<str:code>/attachments/<int:pk>/#staff_file": Route(staff_file_expect, params=staff_file,
                                                                           complaints="normal"),
    **{
        f"api/v1/complaints/<str:code>/actions/{action}/": Route(
            api_action(action), "POST", params=code, data=valid_action_data(action), complaints="normal",
            content_type="application/json")
        for action in VALID_DATA
    },
    "api/v1/queue/": Route(api(STAFF)),
    "api/v1/channel/messages/": Route(api(("channel",), ok=201), "POST", data=new_message, content_type="application/json"),
    # A channel manages its own webhook endpoints; staff use the admin (roles/policy.may_manage_webhooks).
    "api/v1/channel/webhooks/": Route(api(("channel",))),
    "api/v1/channel/webhooks/<int:pk>/": Route(api(("channel",)), params=webhook_endpoint),
    "api/v1/channel/webhooks/<int:pk>/#DELETE": Route(api(("channel",), ok=204), "DELETE", params=webhook_endpoint,
                                                      content_type="application/json"),
    "api/v1/channel/webhooks/<int:pk>/test/": Route(api(("channel",), ok=202), "POST", params=webhook_endpoint,
                                                    content_type="application/json"),
    "api/v1/channel/webhooks/<int:pk>/rotate-secret/": Route(api(("channel",)), "POST", params=webhook_endpoint,
                                                             content_type="application/json"),
    "api/v1/districts/": Route(api((*STAFF, "channel"))),
    "api/v1/villages/": Route(api((*STAFF, "channel"))),
    "api/v1/categories/": Route(api((*STAFF, "channel"))),
    "api/v1/teams/": Route(api(STAFF)),  # a channel is never told about teams
    "api/v1/workflow/": Route(everyone()),
    "api/v1/me/": Route(api((*STAFF, "channel"))),
    "api/v1/auth/token/": Route(api(STAFF)),
    "api/v1/public/track/<str:code>/": Route(everyone(), params=code, complaints="normal"),
    "api/v1/public/track/<str:code>/feedback/": Route(feedback, "POST", params=code, complaints="normal",
                                                      data=lambda w, c: json.dumps({"rating": 4}),
                                                      content_type="application/json"),
    "api/schema/": Route(everyone(), skip=DOCS + " (tests/test_smoke.py)"),
    "api/docs/": Route(everyone()),
    "api/redoc/": Route(everyone()),
    "health/": Route(everyone()),
    "i18n/setlang/": Route(everyone(302), "POST", data=lambda w, c: {"language": "en", "next": "/"}),
    # --- webhooks and Open311: a provider's signature or a channel key, not a role --------------------------------
    "channels/whatsapp/webhook/": Route(everyone(), skip="authenticated by the provider's signature: tests/bad_inputs"),
    "channels/telegram/webhook/": Route(everyone(), skip="authenticated by the provider's secret: tests/bad_inputs"),
    **{f"open311/v2/discovery.<open311_format:response_format>#{f}": Route(everyone(), params=lambda w, c, f=f: {
        "response_format": f}) for f in ("json", "xml")},
    "open311/v2/services.<open311_format:response_format>": Route(everyone(), params=lambda w, c: {"response_format": "xml"}),
    "open311/v2/services/<str:service_code>.<open311_format:response_format>": Route(
        everyone(), params=lambda w, c: {"service_code": "keributan", "response_format": "json"}),
    # Reading needs no key (GeoReport v2): a channel's key reads its own, anyone else the public form.
    **{f"open311/v2/requests.<open311_format:response_format>#{f}": Route(everyone(), params=lambda w, c, f=f: {
        "response_format": f}) for f in ("json", "xml")},
    **{f"open311/v2/requests/<str:service_request_id>.<open311_format:response_format>#{f}": Route(
        open311_request, params=lambda w, c, f=f: {"service_request_id": c.code, "response_format": f}, complaints="normal")
       for f in ("json", "xml")},
    # --- public pages ------------------------------------------------------------------------------------------------
    "lapor/": Route(everyone()),
    "lapor/desa/": Route(everyone()),
    "lapor/terkirim/<str:token>/": Route(everyone(), params=lambda w, c: {"token": w.objects["receipt_token"]}),
    "lacak/": Route(everyone()),
    "lacak/<str:code>/": Route(everyone(), params=code, complaints="normal"),
    "nilai/<str:token>/": Route(everyone(), params=lambda w, c: {"token": w.objects["feedback_token"]}),
    "login/": Route(lambda w, who, c=None: 200 if who in ("anonymous", "channel") else 302),  # staff: to their queue
    "logout/": Route(everyone(302), "POST"),
    # --- the portal --------------------------------------------------------------------------------------------------
    "": Route(lambda w, who, c=None: 302),
    "notifications/": Route(portal(STAFF)),
    "notifications/read/": Route(portal(STAFF, ok=OK_WRITE), "POST"),
    **{f"queue/<str:role>/#{r}": Route(lambda w, who, c=None, r=r: queue(w, who, role=r), params=lambda w, c, r=r: {"role": r})
       for r in ("operator", "kasi", "kabid", "trc", "kepala")},
    "cases/": Route(portal(STAFF)),
    "register/": Route(portal(STAFF)),
    "register.csv": Route(portal(STAFF)),
    "register.xlsx": Route(portal(STAFF)),
    "reports/daily/": Route(portal(KABID_KEPALA)),
    "reports/monthly/": Route(portal(KABID_KEPALA)),
    "reports/daily.xlsx": Route(portal(KABID_KEPALA)),
    "reports/monthly.xlsx": Route(portal(KABID_KEPALA)),
    "cases/<str:code>/": Route(portal_complaint(), params=code, complaints="all"),
    **{
        f"cases/<str:code>/actions/<str:action>/#{action}": Route(
            portal_action(action), "POST", params=lambda w, c, a=action: {"code": c.code, "action": a},
            data=valid_action_data(action), complaints="normal")
        for action in VALID_DATA
    },
    "cases/<str:code>/photos/": Route(attach(False), "POST", params=code, data=png_upload("file"), complaints="normal"),
    "cases/<str:code>/attachments/<int:pk>/": Route(
        portal_complaint(), params=lambda w, c: {"code": c.code, "pk": c.attachments.first().pk}, complaints="normal"),
    "cases/<str:code>/attachments/<int:pk>/thumbnail/": Route(
        portal_complaint(), params=lambda w, c: {"code": c.code, "pk": c.attachments.first().pk}, complaints="normal"),
    "cases/<str:code>/receipt/": Route(receipt, params=code, complaints="normal"),
    "cases/<str:code>/knowledge/": Route(case_knowledge, params=code, complaints="normal"),
    "dispatch/": Route(portal(("kabid",))),
    "dashboard/": Route(portal(KABID_KEPALA)),
    "hotspots/": Route(portal(KABID_KEPALA)),
    "intake/": Route(portal(("operator", *TRC))),
    "intake/villages/": Route(portal(STAFF)),
    "inbox/": Route(portal(OPERATOR_KEPALA)),
    "inbox/<int:pk>/": Route(portal(OPERATOR_KEPALA), params=lambda w, c: {"pk": w.objects["conversation"].pk}),
    "inbox/<int:pk>/reply/": Route(portal(OPERATOR_KEPALA, ok=OK_WRITE), "POST",
                                   params=lambda w, c: {"pk": w.objects["conversation"].pk},
                                   data=lambda w, c: {"body": "Terima kasih."}),
    "inbox/<int:pk>/complaint/": Route(portal(("operator",), ok=OK_WRITE), "POST",
                                       params=lambda w, c: {"pk": w.objects["conversation"].pk}),
    "inbox/<int:pk>/link/": Route(portal(OPERATOR_KEPALA, ok=OK_WRITE), "POST",
                                  params=lambda w, c: {"pk": w.objects["conversation"].pk}),
    "inbox/<int:pk>/messages/<int:message_id>/media/<int:index>/": Route(
        portal(OPERATOR_KEPALA), params=lambda w, c: {"pk": w.objects["conversation"].pk,
                                                       "message_id": w.objects["message"].pk, "index": 0}),
    "inbox/<int:pk>/messages/<int:message_id>/media/<int:index>/thumbnail/": Route(
        portal(OPERATOR_KEPALA), params=lambda w, c: {"pk": w.objects["conversation"].pk,
                                                       "message_id": w.objects["message"].pk, "index": 0}),
    "knowledge/": Route(portal(OPERATOR_KEPALA)),
    "knowledge/new/": Route(portal(OPERATOR_KEPALA)),
    "knowledge/<int:pk>/": Route(portal(OPERATOR_KEPALA), params=lambda w, c: {"pk": _knowledge_pk()}),
    "knowledge/<int:pk>/active/": Route(portal(OPERATOR_KEPALA, ok=OK_WRITE), "POST",
                                        params=lambda w, c: {"pk": _knowledge_pk()}),
    # SP4N-LAPOR! by hand: the Operator desk's (and the Kepala's); entering a report as a case is the Operator's.
    "sp4n-lapor/": Route(portal(OPERATOR_KEPALA)),
    "sp4n-lapor/new/": Route(portal(("operator",))),
    "sp4n-lapor/<int:pk>/posted/": Route(portal(OPERATOR_KEPALA, ok=OK_WRITE), "POST",
                                         params=lambda w, c: {"pk": w.objects["lapor_follow_up"].pk}),
    "cases/<str:code>/lapor/": Route(lapor_tracking_id, "POST", params=code, complaints="normal",
                                     data=lambda w, c: {"tracking_id": "8000001", "disposed_at": "2026-05-11T10:00"}),
    "outbox/": Route(portal(OPERATOR_KEPALA)),
    "outbox/<int:pk>/retry/": Route(portal(OPERATOR_KEPALA, ok=OK_WRITE), "POST",
                                    params=lambda w, c: {"pk": w.objects["dead"].pk}),
    # --- duty: rosters and the field log of the Paringin post --------------------------------------------------------
    "duty/roster/": Route(lambda w, who, c=None: LOGIN if who in ("anonymous", "channel") else OK_WRITE if who in TRC else 200),
    "duty/roster/<slug:slug>/": Route(portal(ROSTER_READERS), params=lambda w, c: {"slug": "trc-paringin"}),
    "duty/roster/<slug:slug>/print/": Route(portal(ROSTER_READERS), params=lambda w, c: {"slug": "trc-paringin"}),
    "duty/roster/<slug:slug>/entries/": Route(portal(("kabid",), ok=OK_WRITE), "POST",
                                              params=lambda w, c: {"slug": "trc-paringin"}),
    "duty/roster/<slug:slug>/entries/<int:pk>/delete/": Route(
        portal(("kabid",), ok=OK_WRITE), "POST", params=lambda w, c: {"slug": "trc-paringin", "pk": w.objects["roster"].pk}),
    "duty/roster/<slug:slug>/copy/": Route(portal(("kabid",), ok=OK_WRITE), "POST", params=lambda w, c: {"slug": "trc-paringin"}),
    "duty/log/": Route(portal((*TRC, "kabid", "kepala"))),
    "duty/log/print/": Route(portal((*TRC, "kabid", "kepala"))),
    "duty/log/new/": Route(portal(TRC)),
    "duty/log/<int:pk>/": Route(portal(LOG_READERS, denied=404), params=lambda w, c: {"pk": w.objects["entry"].pk}),
    "duty/log/<int:pk>/corrections/": Route(log_correction, "POST",
                                            params=lambda w, c: {"pk": w.objects["entry"].pk},
                                            data=lambda w, c: {"text": "Koreksi jam."}),
    "duty/log/<int:pk>/photos/<int:photo_pk>/": Route(
        portal(LOG_READERS, denied=404), params=lambda w, c: {"pk": w.objects["entry"].pk, "photo_pk": w.objects["photo"].pk}),
    "duty/log/<int:pk>/photos/<int:photo_pk>/thumbnail/": Route(
        portal(LOG_READERS, denied=404), params=lambda w, c: {"pk": w.objects["entry"].pk, "photo_pk": w.objects["photo"].pk}),
}
MACHINE_ROUTES = ("api/", "open311/", "channels/")
CHANGES_THE_SESSION = ("logout/", "login/", "i18n/setlang/")
# The Django admin is its own application behind is_staff (administrators only), with its own tests.
NOT_IN_MATRIX = ("admin/",)


def _knowledge_pk() -> int:
    from complaints.models import KnowledgeAnswer

    return KnowledgeAnswer.objects.order_by("pk").values_list("pk", flat=True).first()


def url_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns) if not route.startswith(NOT_IN_MATRIX)]


def test_every_route_has_an_entry():
    """A new URL without an entry here fails: decide who may open it before it ships."""
    listed = {key.split("#", 1)[0] for key in ROUTES}
    missing = sorted(set(url_routes()) - listed)
    stale = sorted(listed - set(url_routes()))
    assert missing == [], f"URL patterns without a permission-matrix entry: {missing}"
    assert stale == [], f"matrix entries for URLs that no longer exist: {stale}"


# --- running the matrix ------------------------------------------------------------------------------------------


def _path(key: str, params: dict) -> str:
    route = key.split("#", 1)[0]
    path = "/" + route
    for name, value in params.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    return path


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    with django_db_blocker.unblock():
        return _clients(world)


def _clients(world) -> dict[str, tuple[Client, dict]]:
    clients = {}
    for who in ROLES:
        client = Client(raise_request_exception=True)
        headers = {}
        if who in USER_KEY:
            client.force_login(world.users[USER_KEY[who]])
            headers["HTTP_AUTHORIZATION"] = f"Token {world.tokens[USER_KEY[who]]}"
        elif who == "channel":
            headers["HTTP_AUTHORIZATION"] = f"Api-Key {world.channel_key}"
        clients[who] = (client, headers)
    return clients


def _complaints(world, which: str) -> list[Complaint | None]:
    if not which:
        return [None]
    variants = VARIANTS if which == "all" else ("normal",)
    rows = [world.complaints[(state, variant)] for (state, variant) in world.complaints if variant in variants]
    return [*rows, world.channel_complaint, *world.channel_complaints.values()]


def _matches(expected, response) -> bool:
    status = response.status_code
    if expected == LOGIN:
        return status == 302 and "/login/" in response["Location"]
    if expected == OK_WRITE:
        return status in (200, 201, 204, 400, 422) or (status == 302 and "/login/" not in response["Location"])
    return status == expected


def _call(route: Route, client: Client, headers: dict, path: str, world, complaint):
    if route.method == "GET":
        return client.get(path, **headers)
    data = route.data(world, complaint) if route.data else {}
    with transaction.atomic():
        if route.content_type == "multipart":
            response = client.post(path, data, **headers)
        else:
            body = json.dumps(data) if isinstance(data, dict) else data
            response = client.generic(route.method, path, body, content_type=route.content_type, **headers)
        readable(response)  # a streamed body is read while the rows are still there
        transaction.set_rollback(True)
    return response


@pytest.fixture
def _quiet():
    # Thousands of refusals: Django logs each 4xx and the audit trail writes a line per 403; both slow the run.
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("key", [key for key, route in ROUTES.items() if not route.skip])
def test_matrix(world, clients, key, _quiet):
    route = ROUTES[key]
    if key in CHANGES_THE_SESSION:
        clients = _clients(world)  # the shared clients must stay logged in, in Indonesian
    problems = []
    is_page = not key.startswith(MACHINE_ROUTES)
    for number, complaint in enumerate(_complaints(world, route.complaints)):
        if complaint is not None:
            complaint = Complaint.objects.select_related("reporter", "district", "assigned_team").get(pk=complaint.pk)
        params = route.params(world, complaint) if route.params else {}
        path = _path(key, params)
        for who in ROLES:
            if is_page and number and who in ("anonymous", "channel"):
                continue  # a page sends nobody to the login page whatever the complaint: asked once per route
            cache.clear()  # the public rate limits count per address, and every client here is 127.0.0.1
            client, headers = clients[who]
            expected = route.expect(world, who, complaint)
            response = _call(route, client, headers, path, world, complaint)
            state = f"{complaint.status}/{complaint.code}" if complaint is not None else "-"
            if not _matches(expected, response):
                problems.append(f"{route.method} {path} as {who} [{state}]: {response.status_code}, expected {expected}")
            leaked = leaks(world, who, readable(response))
            if leaked:
                problems.append(f"{route.method} {path} as {who} [{state}]: reporter or internal data {leaked}")
            if who == "channel" and key in CHANNEL_SHAPES and 200 <= response.status_code < 300:
                outside = CHANNEL_SHAPES[key](response.json())
                if outside:
                    problems.append(f"{route.method} {path} as channel [{state}]: fields outside the channel view {outside}")
    assert problems == [], "\n".join(problems[:300]) + f"\n({len(problems)} in all)"


def test_the_marker_check_is_not_vacuous(world, clients):
    """The markers do show where DESIGN allows them, so their absence elsewhere means something."""
    complaint = world.complaints[("verification", "normal")]
    reporter = world.reporters[complaint.pk]
    for who, shown in (("operator", True), ("kasi", True), ("kabid", False), ("kepala", True)):
        client, headers = clients[who]
        body = client.get(f"/api/v1/complaints/{complaint.code}/", **headers).content
        assert (reporter.nik.encode() in body) is shown, who
        page = client.get(f"/cases/{complaint.code}/").content
        assert (reporter.name.encode() in page) is shown, who
    assert leaks(world, "kabid", reporter.nik.encode()) == [f"{complaint.code}.nik"]


def test_the_channel_checks_are_not_vacuous(world, clients):
    """Staff do read what the channel may not, on the same complaints; the channel reads back what it sent."""
    complaint = world.channel_complaints["closed"]
    staff, headers = clients["kepala"]
    base = f"/api/v1/complaints/{complaint.code}/"
    seen = readable(staff.get(base, **headers)) + readable(staff.get(base + "events/", **headers))
    seen += readable(staff.get(base + "attachments/", **headers))
    photo = complaint.attachments.get(kind="field_photo")
    seen += readable(staff.get(f"{base}attachments/{photo.pk}/", **headers))
    assert set(internal_leaks(world, seen)) >= {*INTERNAL, "team slug", "group ids", "url of field_photo"} - {"staff file"}
    channel, headers = clients["channel"]
    body = channel.get(base, **headers).content
    reporter = world.reporters[complaint.pk]
    assert reporter.name.encode() in body and reporter.phone.encode() in body
    assert reporter.nik.encode() not in body and reporter.address.encode() not in body  # the Operator recorded those


def test_the_channels_webhooks_carry_only_the_channel_view(world):
    from channels.models import OutboundKind, OutboundMessage

    own = [*world.channel_complaints.values(), world.channel_complaint]
    payloads = list(OutboundMessage.objects.filter(kind=OutboundKind.WEBHOOK, complaint__in=own).values_list("payload", flat=True))
    assert len(payloads) >= len(own) + 8  # created, and each change of status on the way to closed
    for payload in payloads:
        content = json.dumps(payload, ensure_ascii=False).encode()
        assert set(payload["data"]) < CHANNEL_VIEW_FIELDS
        assert internal_leaks(world, content) == [], payload
        assert leaks(world, "channel", content) == [], payload
