"""The complaint register ("buku register") on screen, and its CSV and XLSX downloads (streamed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.exports import COLUMNS, csv_lines, register_queryset, register_rows, xlsx_file
from complaints.filters import ComplaintFilter
from complaints.selectors import complaint_list
from portal.forms import compact_filter_form
from portal.views.lighter_forms import lighten_form
from roles.masking import disclose_export
from roles.principals import user_roles

PAGE_SIZE = 100
REGISTER_FILTERS = ("q", "status", "district", "category", "channel_kind", "created_after", "created_before")


def _filtered(request: HttpRequest):
    if not user_roles(request.user):
        raise PermissionDenied(_("Akun Anda belum memiliki peran."))
    data = request.GET.copy()
    data.setlist("status", [value for value in data.getlist("status") if value])
    filterset = ComplaintFilter(data or None, queryset=complaint_list(request.user), request=request)
    for name in list(filterset.form.fields):
        if name not in REGISTER_FILTERS:
            del filterset.form.fields[name]
    compact_filter_form(filterset.form)
    lighten_form(filterset.form)
    valid = not filterset.is_bound or filterset.is_valid()
    return filterset, (filterset.qs if valid else filterset.queryset.none()), valid


@login_required
def register(request: HttpRequest) -> HttpResponse:
    filterset, queryset, valid = _filtered(request)
    paginator = Paginator(register_queryset(queryset), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE_SIZE
    rows = list(register_rows(request.user, queryset.filter(pk__in=[c.pk for c in page.object_list])))
    for row in rows:
        row[0] = str(int(row[0]) + offset)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": filterset.form, "page": page, "rows": rows, "columns": [label for _key, label in COLUMNS],
        "query": query.urlencode(), "nav_key": "register",
    }
    return render(request, "portal/register.html", context, status=200 if valid else 400)


def _filename(extension: str) -> str:
    return f"register-aduan-{timezone.localdate():%Y%m%d}.{extension}"


def _refused(filterset) -> HttpResponse:
    problems = " ".join(f"{field.label}: {' '.join(field.errors)}" for field in filterset.form if field.errors)
    return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")


def _disclose(request: HttpRequest, queryset) -> None:
    """The audit entry of this download, written before it streams: the filter and whose reporters it shows."""
    filters = {name: values for name in REGISTER_FILTERS if (values := [v for v in request.GET.getlist(name) if v])}
    disclose_export(request.user, queryset, filters=filters, fields=("name", "phone"))  # the register's reporter columns


@login_required
def register_csv(request: HttpRequest) -> HttpResponse:
    filterset, queryset, valid = _filtered(request)
    if not valid:
        return _refused(filterset)
    _disclose(request, queryset)
    response = StreamingHttpResponse(csv_lines(request.user, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    filterset, queryset, valid = _filtered(request)
    if not valid:
        return _refused(filterset)
    _disclose(request, queryset)
    return FileResponse(
        xlsx_file(request.user, queryset), as_attachment=True, filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
