"""The hotspot map ("peta kerawanan") for the Kabid and Kepala: kecamatan shaded by count; an area lists its cases."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from complaints.hotspots import area_counts, incidents_in, located_points, village_counts
from portal.hotspot_map import EMPTY_SHADE, build_map
from portal.views.dashboard import DashboardForm
from roles.policy import may_view_dashboard, visible_complaints

AREA_PAGE_SIZE = 25


@login_required
def hotspots(request: HttpRequest) -> HttpResponse:
    if not may_view_dashboard(request.user):
        raise PermissionDenied(_("Peta kerawanan hanya untuk Kabid dan Kepala."))
    form = DashboardForm(request.GET or {})
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return render(request, "portal/hotspots.html", {"form": form, "errors": errors, "nav_key": "hotspots"}, status=400)
    scope = form.scope()
    district = form.cleaned_data.get("district")
    whole_map = replace(scope, district_id=None)
    visible = visible_complaints(request.user)
    context = {
        "form": DashboardForm(initial={**form.cleaned_data}), "scope": scope, "district": district,
        "nav_key": "hotspots", "empty_shade": EMPTY_SHADE, "query_without_area": _query(request, drop=("district", "page")),
    }
    if district is not None:
        context.update(_area(request, scope, district, visible))
    if request.htmx and request.htmx.target == "area":
        return render(request, "portal/hotspots.html#area", context)
    counts = area_counts(whole_map)
    context["map"] = build_map(counts, located_points(whole_map, visible))
    context["counts"] = counts
    context["total"] = sum(count.total for count in counts)
    return render(request, "portal/hotspots.html", context)


def _area(request: HttpRequest, scope, district, visible) -> dict:
    cases = (
        incidents_in(scope, visible).filter(district=district)
        .select_related("category", "village").order_by("-created_at")
    )
    page = Paginator(cases, AREA_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"villages": village_counts(scope, district), "page": page, "query": _query(request, drop=("page",))}


def _query(request: HttpRequest, drop: tuple[str, ...]) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()
