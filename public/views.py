"""The citizen's pages: report through the web form, track a complaint, rate its handling. No login anywhere.

Thin views: what a page may show about a complaint is `public.selectors.tracking` (the allowed set); writes go
through `public.services`; every lookup and submission counts against the client's rate limit.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common import ratelimit
from complaints.errors import InputError, InvalidState, WorkflowError
from complaints.models import Village
from public import antispam
from public.forms import FeedbackForm, TrackForm, WebReportForm
from public.links import code_from_feedback_token, code_from_receipt_token, feedback_path, receipt_token, tracking_path, tracking_url
from public.selectors import find_complaint, tracking
from public.services import leave_feedback, submit_web_report, web_form_open

# Form statuses, as the portal's: 422 for input the form refuses, 413 for a file too large, 400 for a
# submission that looks automated.


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit.ratelimit("report", methods=("POST",))
def report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _report_page(request, WebReportForm())
    if not web_form_open():
        return _report_page(request, WebReportForm(initial=request.POST.dict()), status=503)
    refusal = antispam.check(request.POST)
    if refusal is not None:
        # Keep what was typed (files cannot be kept) and hand out a fresh stamp; nothing is stored.
        form = WebReportForm(initial={k: v for k, v in request.POST.dict().items() if k != antispam.HONEYPOT_FIELD})
        return _report_page(request, form, status=400, refusal=refusal.message, had_files=bool(request.FILES))
    form = WebReportForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            result = submit_web_report(data=form.complaint_input(), uploads=form.cleaned_data["photos"])
        except InputError as error:
            status = error.status if error.status == 413 else 422
            for name, problems in error.errors.items():
                form.add_error(name if name in form.fields else "photos" if name == "file" else None, problems)
        except WorkflowError as error:  # the web channel was switched off meanwhile
            form.add_error(None, error.message)
            status = error.status
        else:
            return redirect("public:report-done", token=receipt_token(result.complaint.code), permanent=False)
    return _report_page(request, form, status=status, had_files=bool(request.FILES))


def _report_page(
    request: HttpRequest, form: WebReportForm, *, status: int = 200, refusal: str = "", had_files: bool = False
) -> HttpResponse:
    district = form["district"].value()
    district = str(district) if district else ""
    villages = Village.objects.select_related("district").order_by("district__name", "name")
    if district.isdigit():
        villages = villages.filter(district_id=district)
    context = {
        "form": form,
        "villages": villages,
        "group_villages": not district.isdigit(),
        "form_open": web_form_open(),
        "refusal": refusal,
        "had_files": had_files,
        "stamp": antispam.new_stamp(),
        "honeypot": antispam.HONEYPOT_FIELD,
        "stamp_field": antispam.STAMP_FIELD,
        "nav_key": "report",
    }
    return render(request, "public/report.html", context, status=status)


@require_safe
def villages(request: HttpRequest) -> HttpResponse:
    """The village options of one kecamatan, swapped into the form when the kecamatan changes (with JavaScript)."""
    district = request.GET.get("district", "")
    options = Village.objects.filter(district_id=district).order_by("name") if district.isdigit() else Village.objects.none()
    return render(request, "public/district_village.html#village-options", {"villages": options, "group_villages": False})


@never_cache
@require_safe
def report_done(request: HttpRequest, token: str) -> HttpResponse:
    """Right after the form: the tracking code to keep, printable. The link expires; the tracking page does not."""
    code = code_from_receipt_token(token)
    complaint = find_complaint(code) if code else None
    if complaint is None:
        return _not_found(request, TrackForm(), expired_link=True)
    context = {"public": tracking(complaint), "tracking_url": tracking_url(complaint.code), "nav_key": "report"}
    return render(request, "public/report_done.html", context)


@never_cache
@require_safe
def track(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Look a complaint up by its tracking code (in the path, or `?kode=` from the form).

    Unknown and malformed codes get the same 404 page; every lookup counts against the client's limit.
    """
    raw = code if code is not None else request.GET.get("kode")
    form = TrackForm(initial={"kode": raw or ""})
    if raw is None or not raw.strip():
        return render(request, "public/track.html", {"form": form, "nav_key": "track"})
    verdict = ratelimit.check(request, "track")
    if not verdict.allowed:
        return ratelimit.too_many_requests(request, verdict)
    complaint = find_complaint(raw)
    if complaint is None:
        return _not_found(request, form)
    return _tracking_page(request, complaint, form)


def _tracking_page(
    request: HttpRequest, complaint, form: TrackForm, *, rating_link: bool = False,
    feedback_form: FeedbackForm | None = None, feedback_error: str = "", status: int = 200,
) -> HttpResponse:
    """The tracking page. The rating form only behind the reporter's own link (`rating_link`): the tracking code is
    on receipts and told over the phone, so whoever has it may follow the case but not rate it for the reporter."""
    public = tracking(complaint)
    offer_form = rating_link and public.feedback_open
    context = {
        "form": form,
        "public": public,
        "feedback_form": (feedback_form or FeedbackForm()) if offer_form else None,
        "feedback_action": feedback_path(public.code) if offer_form else "",
        "feedback_error": feedback_error,
        "nav_key": "track",
    }
    return render(request, "public/track.html", context, status=status)


def _not_found(request: HttpRequest, form: TrackForm, *, expired_link: bool = False) -> HttpResponse:
    """One 404 page for every code or link that leads nowhere, whatever the reason."""
    context = {"form": form, "not_found": True, "expired_link": expired_link, "nav_key": "track"}
    return render(request, "public/track.html", context, status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit.ratelimit("feedback", methods=("POST",))
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The rating form behind the link in the outcome message, the only page that offers it: once per complaint."""
    code = code_from_feedback_token(token)
    complaint = find_complaint(code) if code else None
    if complaint is None:
        return _not_found(request, TrackForm(), expired_link=True)
    form = TrackForm(initial={"kode": complaint.code})
    if request.method != "POST":
        return _tracking_page(request, complaint, form, rating_link=True)
    feedback_form = FeedbackForm(request.POST)
    if not feedback_form.is_valid():
        return _tracking_page(request, complaint, form, rating_link=True, feedback_form=feedback_form, status=400)
    try:
        leave_feedback(
            complaint=complaint, rating=feedback_form.cleaned_data["rating"], comment=feedback_form.cleaned_data["comment"],
            token=token,
        )
    except InputError as error:
        for name, problems in error.errors.items():
            feedback_form.add_error(name if name in feedback_form.fields else None, problems)
        return _tracking_page(request, complaint, form, rating_link=True, feedback_form=feedback_form, status=400)
    except InvalidState as error:
        complaint = find_complaint(complaint.code)  # show the rating someone else just gave
        return _tracking_page(request, complaint, form, rating_link=True, feedback_error=error.message, status=409)
    messages.success(request, _("Terima kasih. Penilaian Anda sudah kami terima."))
    return redirect(tracking_path(complaint.code) + "#penilaian")
