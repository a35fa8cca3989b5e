"""Walk-in intake at a kecamatan office or the HQ desk, and the printable receipt the citizen takes home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints.errors import InputError
from complaints.models import Complaint, Team, Village
from complaints.services.intake import submit_complaint
from portal.forms import WalkInForm
from roles.masking import reporter_view
from roles.policy import may_create_complaints, may_view_receipt
from roles.principals import user_team_ids


@login_required
def walk_in(request: HttpRequest) -> HttpResponse:
    if not may_create_complaints(request.user):
        raise PermissionDenied(_("Peran Anda tidak dapat mencatat aduan."))
    if request.method == "POST":
        form = WalkInForm(request.POST, request.FILES)
        status = 422
        if form.is_valid():
            try:
                result = submit_complaint(
                    user=request.user, data=form.complaint_input(), uploads=form.cleaned_data["photos"]
                )
            except InputError as error:
                status = error.status if error.status == 413 else 422
                for name, problems in error.errors.items():
                    form.add_error(name if name in form.fields else "photos" if name == "file" else None, problems)
            else:
                return redirect("portal:receipt", code=result.complaint.code)
        return _form_page(request, form, status=status)
    return _form_page(request, WalkInForm(initial={"district": _home_district(request.user)}))


def _form_page(request: HttpRequest, form: WalkInForm, *, status: int = 200) -> HttpResponse:
    context = {"form": form, "villages": form.fields["village"].queryset.order_by("name"), "nav_key": "intake"}
    return render(request, "portal/intake.html", context, status=status)


def _home_district(user) -> int | None:
    """A kecamatan post records its own kecamatan's complaints, so start the form there."""
    team = Team.objects.filter(pk__in=user_team_ids(user), district__isnull=False).first()
    return team.district_id if team else None


@login_required
def villages(request: HttpRequest) -> HttpResponse:
    """The village options of one kecamatan, swapped into the form when the kecamatan changes."""
    district = request.GET.get("district", "")
    options = Village.objects.filter(district_id=district).order_by("name") if district.isdigit() else Village.objects.none()
    return render(request, "portal/district_village.html#village-options", {"villages": options})


@login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    complaint = Complaint.objects.select_related("category", "district", "village", "reporter", "created_by").filter(code=code).first()
    if complaint is None or not may_view_receipt(request.user, complaint):
        raise Http404(_("Aduan tidak ditemukan."))
    context = {"complaint": complaint, "reporter": reporter_view(request.user, complaint), "nav_key": "intake"}
    return render(request, "portal/receipt.html", context)
