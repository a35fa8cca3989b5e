"""SP4N-LAPOR! by hand: the follow-ups to post into LAPOR's admin, a LAPOR tracking id on a case, a case from a LAPOR
report (docs/integrations/sp4n-lapor.md, "Manual mode"). The writes are channels.sp4n_lapor.desk's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channels.sp4n_lapor.adapters import lapor_mode
from channels.sp4n_lapor.desk import enter_report, mark_posted, posting_hint, record_tracking_id
from channels.sp4n_lapor.models import LaporFollowUp
from channels.sp4n_lapor.selectors import due_follow_ups
from complaints.errors import InputError
from complaints.models import Complaint
from portal.forms import LaporReportForm, LaporTrackingForm
from portal.views.cases import case_context, visible_case
from portal.views.queues import PAGE_SIZE, _query_without_page
from roles.policy import may_enter_lapor_reports, may_work_lapor


def _require_lapor(user) -> None:
    if not may_work_lapor(user):
        raise PermissionDenied(_("Tindak lanjut SP4N-LAPOR! dikerjakan Operator."))


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """'Tindak lanjut LAPOR jatuh tempo': every follow-up waiting to be posted, the earliest deadline first."""
    _require_lapor(request.user)
    page = Paginator(due_follow_ups(), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for row in page.object_list:
        row.hint, row.late = posting_hint(row), row.overdue(now)
    context = {
        "page": page, "query": _query_without_page(request), "mode": lapor_mode(),
        "may_enter": may_enter_lapor_reports(request.user), "nav_key": "lapor",
    }
    template = "portal/lapor.html#results" if request.htmx and not request.htmx.boosted else "portal/lapor.html"
    return render(request, template, context)


@login_required
@require_POST
def posted(request: HttpRequest, pk: int) -> HttpResponse:
    """'Sudah diposting': recorded once; a second click (or a colleague's) is told who recorded it and when."""
    _require_lapor(request.user)
    try:
        result = mark_posted(user=request.user, follow_up_id=pk)
    except LaporFollowUp.DoesNotExist:
        raise Http404(_("Tindak lanjut tidak ditemukan.")) from None
    row = result.follow_up
    code = row.report.complaint.code
    if result.now:
        note = _("Dicatat: tindak lanjut aduan %(code)s sudah diposting ke SP4N-LAPOR!") % {"code": code}
    else:
        note = _("Sudah dicatat sebelumnya: diposting oleh %(name)s pada %(when)s WITA.") % {
            "name": row.posted_by.get_full_name() or row.posted_by.get_username() if row.posted_by else "-",
            "when": formats.date_format(timezone.localtime(row.posted_at), "DATETIME_FORMAT"),
        }
    if request.htmx:
        context = {"f": row, "row_note": note, "oob": True, "due_count": due_follow_ups().count()}
        return render(request, "portal/lapor.html#row", context)
    messages.success(request, note)
    return redirect("portal:lapor")


@login_required
def new_report(request: HttpRequest) -> HttpResponse:
    """'Aduan baru dari laporan LAPOR': a report dispositioned to the unit, typed in from LAPOR's admin."""
    if not may_enter_lapor_reports(request.user):
        raise PermissionDenied(_("Laporan LAPOR dicatat oleh Operator."))
    if request.method != "POST":
        return _new_page(request, LaporReportForm())
    form = LaporReportForm(request.POST)
    if form.is_valid():
        try:
            complaint = enter_report(user=request.user, data=form.manual_report())
        except InputError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Laporan LAPOR %(id)s dicatat sebagai aduan %(code)s.") % {
                "id": complaint.lapor.tracking_id, "code": complaint.code,
            })
            return redirect("portal:case", code=complaint.code)
    return _new_page(request, form, status=422)


def _new_page(request: HttpRequest, form: LaporReportForm, *, status: int = 200) -> HttpResponse:
    return render(request, "portal/lapor_new.html", {"form": form, "mode": lapor_mode(), "nav_key": "lapor"}, status=status)


@login_required
@require_POST
def case_tracking_id(request: HttpRequest, code: str) -> HttpResponse:
    """'Catat ID SP4N-LAPOR!' on the case page."""
    complaint = visible_case(request, code)
    _require_lapor(request.user)
    form = LaporTrackingForm(request.POST)
    if form.is_valid():
        try:
            report = record_tracking_id(
                user=request.user, complaint=complaint, tracking_id=form.cleaned_data["tracking_id"],
                disposed_at=form.cleaned_data["disposed_at"],
            )
        except InputError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("ID LAPOR %(id)s dicatat; tenggat tindak lanjut LAPOR %(due)s WITA.") % {
                "id": report.tracking_id,
                "due": formats.date_format(timezone.localtime(report.follow_up_due_at), "DATETIME_FORMAT"),
            })
            if request.htmx:
                return _case_page(request, visible_case(request, code))
            return redirect("portal:case", code=code)
    return _case_page(request, complaint, lapor_form=form, status=422)


def _case_page(
    request: HttpRequest, complaint: Complaint, *, lapor_form: LaporTrackingForm | None = None, status: int = 200,
) -> HttpResponse:
    context = case_context(request, complaint)
    if lapor_form is not None:
        context["lapor_form"] = lapor_form
    template = "portal/case.html#case-body" if request.htmx else "portal/case.html"
    return render(request, template, context, status=status)


def _form_errors(form, error: InputError) -> None:
    for name, problems in error.errors.items():
        form.add_error(name if name in form.fields else None, problems)
