"""Role queues and the oversight list: one template, full page or just the results for htmx polling."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints.filters import ComplaintFilter
from complaints.selectors import ROW_RELATIONS, oversight_list, queue_for
from portal.forms import compact_filter_form
from portal.navigation import home_url, queue_label
from portal.pagination import CappedPaginator
from portal.views.lighter_forms import lighten_form
from roles.policy import may_view_dashboard
from roles.principals import user_roles
from roles.roles import Role

PAGE_SIZE = 50
POLL_SECONDS = 30
QUEUE_FILTERS = ("q", "district", "category", "channel_kind", "overdue")
OVERSIGHT_FILTERS = ("q", "status", "district", "category", "channel_kind", "team", "overdue", "created_after", "created_before")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_url(request.user))


@login_required
def role_queue(request: HttpRequest, role: str) -> HttpResponse:
    try:
        queue_role = Role(role)
    except ValueError:
        raise Http404(_("Antrean tidak dikenal.")) from None
    if queue_role not in user_roles(request.user):
        raise PermissionDenied(_("Antrean ini milik peran lain."))
    return _list_page(
        request, queue_for(request.user, queue_role, relations=ROW_RELATIONS), title=queue_label(queue_role), nav_key=f"queue-{queue_role}",
        filter_names=QUEUE_FILTERS, show_status=queue_role in (Role.OPERATOR, Role.TRC),
        empty=_("Tidak ada aduan yang menunggu di antrean ini."),
    )


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    """Every case the user may see: open ones by urgency, or any status the filter asks for."""
    if not user_roles(request.user):
        raise PermissionDenied(_("Akun Anda belum memiliki peran."))
    queryset = oversight_list(request.user, include_closed=any(request.GET.getlist("status")), relations=ROW_RELATIONS)
    return _list_page(
        request, queryset, title=_("Semua aduan"), nav_key="cases", filter_names=OVERSIGHT_FILTERS, show_status=True,
        empty=_("Tidak ada aduan yang cocok dengan saringan ini."),
        extra={"show_daily_report": may_view_dashboard(request.user)},
    )


def _list_page(
    request: HttpRequest, queryset: QuerySet, *, title: str, nav_key: str, filter_names: tuple[str, ...],
    show_status: bool, empty: str, extra: dict | None = None,
) -> HttpResponse:
    data = request.GET.copy()
    # The status dropdown's first option ("all open") sends an empty value: that means no status filter.
    data.setlist("status", [value for value in data.getlist("status") if value])
    filterset = ComplaintFilter(data or None, queryset=queryset, request=request)
    for name in list(filterset.form.fields):
        if name not in filter_names:
            del filterset.form.fields[name]
    compact_filter_form(filterset.form)
    lighten_form(filterset.form)
    valid = not filterset.is_bound or filterset.is_valid()
    rows = filterset.qs if valid else queryset.none()
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": title, "nav_key": nav_key, "filter_form": filterset.form, "page": page, "show_status": show_status,
        "empty": empty, "poll_seconds": POLL_SECONDS, "query": _query_without_page(request), **(extra or {}),
    }
    template = "portal/queue.html#results" if request.htmx and not request.htmx.boosted else "portal/queue.html"
    return render(request, template, context, status=200 if valid else 400)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
