"""The case page: facts, reporter as the policy allows, attachments, timeline, and this user's actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from channels.sp4n_lapor.selectors import lapor_report_for
from common.files import private_file_response
from common.thumbnails import jpeg_thumbnail_response
from complaints.action_forms import ActionForm
from complaints.duplicates import likely_duplicates
from complaints.errors import InputError, WorkflowError
from complaints.knowledge import KnowledgeSearch, search_knowledge
from complaints.models import ChannelKind, Complaint
from complaints.selectors import complaint_detail, complaint_events
from complaints.services.attachments import add_attachments, attachment_kind_for
from complaints.services.transitions import perform_action
from complaints.workflow import Field, Transition, find_transition
from portal.forms import LaporTrackingForm
from portal.navigation import home_url
from portal.views.dispatch import board_response
from portal.views.lighter_forms import lighten_form
from public.selectors import feedback_of
from roles.masking import ReporterView, reporter_view
from roles.policy import available_transitions, can_view, check_action, may_work_lapor


class InvalidInput(Exception):
    """A form the portal itself draws came back malformed (a stale or hand-made page)."""

    status = 400


def visible_case(request: HttpRequest, code: str) -> Complaint:
    """A case the user may not see answers 404, exactly like one that does not exist."""
    try:
        return complaint_detail(request.user, code)
    except Complaint.DoesNotExist:
        raise Http404(_("Aduan tidak ditemukan.")) from None


def case_context(
    request: HttpRequest, complaint: Complaint, *, failed: ActionForm | None = None, prefilled: ActionForm | None = None,
    knowledge: KnowledgeSearch | None = None, alert: str = "", photo_errors: list[str] | None = None,
) -> dict:
    """`failed`: a form that came back with errors; `prefilled`: one the page itself filled in (the knowledge base's
    "Gunakan"). Either replaces that action's fresh form and is the one unfolded."""
    reporter = reporter_view(request.user, complaint)
    transitions = available_transitions(request.user, complaint)
    replacement = failed or prefilled
    forms = []
    for transition in transitions:
        if replacement is not None and replacement.transition.action == transition.action:
            forms.append(replacement)
        else:
            forms.append(ActionForm(
                transition=transition, complaint=complaint, initial=_current_values(transition, reporter),
                auto_id=f"id_{transition.action}_%s", label_suffix="",
            ))
        lighten_form(forms[-1])
    return {
        "complaint": complaint,
        "reporter": reporter,
        "events": complaint_events(complaint),
        "attachments": list(complaint.attachments.all()),
        "action_forms": forms,
        "open_action": _open_action(transitions, replacement),
        # The Operator answers an information request from the knowledge base (templates/portal/knowledge_answer_fields.html).
        "knowledge": (knowledge or search_knowledge()) if any(t.action == "answer" for t in transitions) else None,
        "duplicate_candidates": likely_duplicates(complaint) if any(t.action == "mark_duplicate" for t in transitions) else [],
        "may_add_photos": _may_add_photos(request.user, complaint),
        "feedback": feedback_of(complaint),
        # LAPOR's own follow-up deadline, beside the SOP's: LAPOR's complaints have one, and any case on which the
        # Operator recorded a LAPOR tracking id (portal/views/lapor.py), who also gets the form to record one.
        **_lapor_context(request.user, complaint),
        "now": timezone.now(),
        "photo_errors": photo_errors or [],
        "alert": alert,
        "back_url": home_url(request.user),
        "nav_key": "",
    }


def _lapor_context(user, complaint: Complaint) -> dict:
    may_record = may_work_lapor(user)
    lapor = lapor_report_for(complaint) if may_record or complaint.channel_kind == ChannelKind.SP4N_LAPOR else None
    return {"lapor": lapor, "lapor_form": LaporTrackingForm() if may_record and lapor is None else None}


def _open_action(transitions: list[Transition], replacement: ActionForm | None) -> str:
    """The action whose form starts unfolded: the one being worked on, else an information request's answer (its
    usual end), else the first."""
    if replacement is not None:
        return replacement.transition.action
    actions = [t.action for t in transitions]
    return "answer" if "answer" in actions else (actions[0] if actions else "")


def _current_values(transition: Transition, reporter: ReporterView) -> dict:
    """Accepting rewrites the reporter flags, so the form starts from what is recorded, not from blanks."""
    if transition.action != "accept":
        return {}
    return {
        Field.ANONYMOUS: reporter.anonymous, Field.CONFIDENTIAL: reporter.confidential,
        Field.REPORTER_NAME: reporter.name, Field.REPORTER_PHONE: reporter.phone, Field.REPORTER_NIK: reporter.nik,
        Field.REPORTER_ADDRESS: reporter.address, Field.ALLOW_FIELD_CONTACT: bool(reporter.allow_field_contact),
    }


def _may_add_photos(user, complaint: Complaint) -> bool:
    # The same rule the attachment service applies; asked here only to decide whether to draw the form.
    if not complaint.is_open:
        return False
    try:
        attachment_kind_for(user, complaint)
    except WorkflowError:
        return False
    return True


def _render_case(request: HttpRequest, complaint: Complaint, *, status: int = 200, **extra) -> HttpResponse:
    template = "portal/case.html#case-body" if request.htmx else "portal/case.html"
    return render(request, template, case_context(request, complaint, **extra), status=status)


@login_required
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_case(request, visible_case(request, code))


@login_required
@require_POST
def case_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    complaint = visible_case(request, code)
    from_board = request.POST.get("return_to") == "dispatch"
    version = request.POST.get("version", "")
    try:
        if not version.isdigit():
            raise InvalidInput(_("Formulir tidak lengkap. Muat ulang halaman lalu coba lagi."))
        perform_action(
            user=request.user, complaint_id=complaint.pk, action=action, data=request.POST, expected_version=int(version)
        )
    except InputError as error:
        if from_board:
            return board_response(request, alert=f"{complaint.code}: {error.summary()}", status=422)
        return _render_case(request, complaint, status=422, failed=_failed_form(request, complaint, action, error))
    except (WorkflowError, InvalidInput) as error:
        status = getattr(error, "status", 400)
        if from_board:
            return board_response(request, alert=f"{complaint.code}: {error}", status=status)
        return _render_case(request, visible_case(request, code), status=status, alert=str(error))
    transition = find_transition(action, complaint.status)
    done = _("%(action)s: selesai untuk aduan %(code)s.") % {"action": transition.label, "code": complaint.code}
    messages.success(request, done)
    if from_board:
        return board_response(request) if request.htmx else redirect("portal:dispatch")
    if not can_view(request.user, complaint):
        # The step has passed to someone else: back to the user's queue, which no longer lists the case.
        url = home_url(request.user)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return _render_case(request, visible_case(request, code))
    return redirect("portal:case", code=code)


def _failed_form(request: HttpRequest, complaint: Complaint, action: str, error: InputError) -> ActionForm:
    transition = check_action(request.user, complaint, action)
    form = ActionForm(
        data=request.POST, transition=transition, complaint=complaint, auto_id=f"id_{action}_%s", label_suffix=""
    )
    form.is_valid()
    if not form.errors:
        for name, problems in error.errors.items():
            form.add_error(name if name in form.fields else None, problems)
    return form


@login_required
@require_POST
def case_photos(request: HttpRequest, code: str) -> HttpResponse:
    complaint = visible_case(request, code)
    try:
        stored = add_attachments(user=request.user, complaint=complaint, uploads=request.FILES.getlist("file"))
    except InputError as error:
        problems = [str(p) for problems in error.errors.values() for p in problems]
        return _render_case(request, complaint, status=error.status, photo_errors=problems)
    except WorkflowError as error:
        return _render_case(request, complaint, status=error.status, alert=str(error))
    messages.success(request, _("%(count)s foto tersimpan.") % {"count": len(stored)})
    if request.htmx:
        return _render_case(request, visible_case(request, code))
    return redirect("portal:case", code=code)


@login_required
def attachment_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    attachment = _attachment(request, code, pk)
    return private_file_response(
        attachment.file.storage, attachment.file.name, attachment.content_type, f"{attachment.pk}{attachment.extension}"
    )


@login_required
def attachment_thumbnail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A small JPEG, so a phone in the field does not download a 10 MB photo to show a preview."""
    attachment = _attachment(request, code, pk)
    return jpeg_thumbnail_response(attachment.file.storage, attachment.file.name, attachment.content_type)


def _attachment(request: HttpRequest, code: str, pk: int):
    complaint = visible_case(request, code)
    attachment = complaint.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("Lampiran tidak ditemukan."))
    return attachment
