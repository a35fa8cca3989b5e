"""Duty roster and field log pages: parse input, call one selector or service, render. Every form posts and
redirects (post-redirect-get) without JavaScript; with htmx the roster updates in place."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.files import private_file_response
from common.thumbnails import jpeg_thumbnail_response
from complaints import dates
from complaints.errors import InputError
from complaints.models import Team
from duty import selectors, services
from duty.forms import CorrectionForm, FieldLogFilterForm, FieldLogForm, RosterEntryForm, WeekForm
from duty.models import FieldLogEntry, FieldLogKind, RosterEntry
from roles.policy import DutyAccess, field_log_access, roster_access

LOG_PAGE_SIZE = 30
LOG_PRINT_LIMIT = 500


# --- roster -------------------------------------------------------------------------------------------------


def _post(request: HttpRequest, slug: str) -> tuple[Team, DutyAccess]:
    team = get_object_or_404(Team.objects.select_related("district", "group"), slug=slug, is_active=True)
    access = roster_access(request.user, team.pk)
    if access < DutyAccess.READ:
        raise PermissionDenied(_("Anda hanya dapat melihat jadwal piket pos Anda sendiri."))
    return team, access


def _editable_post(request: HttpRequest, slug: str) -> tuple[Team, DutyAccess]:
    team, access = _post(request, slug)
    if access < DutyAccess.WRITE:
        raise PermissionDenied(_("Jadwal piket pos ini diatur oleh Kabid atau ketua pos."))
    return team, access


def _week_url(team: Team, day: date) -> str:
    return f"{reverse('duty:roster-week', args=[team.slug])}?{urlencode({'date': selectors.week_start(day).isoformat()})}"


@login_required
def roster_index(request: HttpRequest) -> HttpResponse:
    """Every post the user may read, with who is on duty now; a member of one post goes straight to its week."""
    posts = selectors.roster_posts(request.user)
    if not posts:
        raise PermissionDenied(_("Peran Anda tidak dapat membuka jadwal piket."))
    if len(posts) == 1:  # a TRC member's own post
        return redirect("duty:roster-week", slug=posts[0].slug)
    on_duty = selectors.on_duty_now(team_ids=[post.pk for post in posts])
    rows = [(post, on_duty.get(post.pk, [])) for post in posts]
    context = {"rows": rows, "slots": selectors.current_slots(), "nav_key": "roster", "now": timezone.now()}
    return render(request, "duty/roster_index.html", context)


@login_required
def roster_week(request: HttpRequest, slug: str) -> HttpResponse:
    team, access = _post(request, slug)
    week_form = WeekForm(request.GET or None, label_suffix="")
    if week_form.is_bound and not week_form.is_valid():
        return _week_page(request, team, access, selectors.week_start(timezone.localdate()), week_form=week_form, status=400)
    monday = selectors.week_start(week_form.day())
    return _week_page(request, team, access, monday, week_form=week_form, form=_prefilled_form(request, team))


def _prefilled_form(request: HttpRequest, team: Team) -> RosterEntryForm:
    """The add form, with the date and shift of the cell whose "+" link was followed (no JavaScript needed)."""
    initial = {key: request.GET[key] for key in ("day", "shift", "duty_type") if request.GET.get(key)}
    if "day" in initial:
        initial["date"] = initial.pop("day")
    return RosterEntryForm(team=team, initial=initial)


def _week_page(
    request: HttpRequest, team: Team, access: DutyAccess, monday: date, *, week_form: WeekForm | None = None,
    form: RosterEntryForm | None = None, status: int = 200,
) -> HttpResponse:
    context = {
        "week": selectors.roster_week(team, monday),
        "team": team,
        "can_edit": access >= DutyAccess.WRITE,
        "form": form or RosterEntryForm(team=team),
        "week_form": week_form or WeekForm(label_suffix=""),
        "nav_key": "roster",
        "other_posts": selectors.roster_posts(request.user),
    }
    template = "duty/roster_week.html#roster" if request.htmx else "duty/roster_week.html"
    return render(request, template, context, status=status)


@login_required
def roster_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The week on one page, to print and pin at the post."""
    team, access = _post(request, slug)
    week_form = WeekForm(request.GET or None, label_suffix="")
    if week_form.is_bound and not week_form.is_valid():
        # The print page has no form to show the error on: the week page shows it, with this week.
        return _week_page(request, team, access, selectors.week_start(timezone.localdate()), week_form=week_form, status=400)
    monday = selectors.week_start(week_form.day())
    context = {"week": selectors.roster_week(team, monday), "team": team, "nav_key": "roster", "printed_at": timezone.now()}
    return render(request, "duty/roster_print.html", context)


def _monday_from(request: HttpRequest) -> date:
    return selectors.week_start(dates.parse_date(request.POST.get("week")) or timezone.localdate())


@login_required
@require_POST
def roster_add(request: HttpRequest, slug: str) -> HttpResponse:
    team, access = _editable_post(request, slug)
    form = RosterEntryForm(request.POST, team=team)
    monday = _monday_from(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.add_roster_entry(
                user=request.user, team=team, member=data["member"], day=data["date"], shift=data["shift"],
                duty_type=data["duty_type"], note=data["note"],
            )
        except InputError as error:
            _errors_onto(form, error)
        else:
            done = _("%(name)s dijadwalkan: %(day)s, shift %(shift)s.") % {
                "name": services.display_name(entry.member), "day": f"{entry.date:%d-%m-%Y}", "shift": entry.shift.name,
            }
            messages.success(request, done)
            # The next member usually goes into the same shift: keep its date, shift and duty type in the form.
            same_shift = {"day": entry.date.isoformat(), "shift": entry.shift_id, "duty_type": entry.duty_type}
            if request.htmx:
                form = RosterEntryForm(team=team, initial={**same_shift, "date": same_shift.pop("day")})
                return _week_page(request, team, access, selectors.week_start(entry.date), form=form)
            return redirect(f"{_week_url(team, entry.date)}&{urlencode(same_shift)}#add")
    # Nothing was saved: the week comes back with the form and its errors (a fragment for htmx, else the page).
    return _week_page(request, team, access, monday, form=form, status=422)


def _errors_onto(form, error: InputError) -> None:
    for name, problems in error.errors.items():
        name = "photos" if name == "file" else name  # the attachment checks name the file "file"
        form.add_error(name if name in form.fields else None, problems)


@login_required
@require_POST
def roster_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team, access = _editable_post(request, slug)
    entry = get_object_or_404(RosterEntry.objects.select_related("member", "shift"), pk=pk, team=team)
    services.remove_roster_entry(user=request.user, entry=entry)
    messages.success(request, _("%(name)s dihapus dari shift %(shift)s, %(day)s.") % {
        "name": services.display_name(entry.member), "shift": entry.shift.name, "day": f"{entry.date:%d-%m-%Y}",
    })
    if request.htmx:
        return _week_page(request, team, access, selectors.week_start(entry.date))
    return redirect(_week_url(team, entry.date))


@login_required
@require_POST
def roster_copy(request: HttpRequest, slug: str) -> HttpResponse:
    team, access = _editable_post(request, slug)
    monday = _monday_from(request)
    result = services.copy_previous_week(user=request.user, team=team, monday=monday)
    messages.success(request, _("%(count)s jadwal disalin dari minggu lalu.") % {"count": result.copied})
    if result.skipped:
        messages.warning(request, _("Dilewati: %(reasons)s") % {"reasons": " ".join(result.skipped)})
    if request.htmx:
        return _week_page(request, team, access, monday)
    return redirect(_week_url(team, monday))


# --- field log ----------------------------------------------------------------------------------------------


def _log_filters(request: HttpRequest) -> tuple[FieldLogFilterForm, list[Team]]:
    posts = selectors.field_log_posts(request.user)
    if not posts:
        raise PermissionDenied(_("Buku kegiatan lapangan untuk anggota TRC, Kabid dan Kepala."))
    return FieldLogFilterForm(request.GET or None, posts=posts), posts


def _filter_values(form: FieldLogFilterForm) -> dict:
    """The valid filters (an invalid form filters nothing and shows its errors)."""
    return {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}


def _filtered_log(request: HttpRequest, form: FieldLogFilterForm):
    data = _filter_values(form)
    return selectors.field_log(
        request.user, team=data.get("post"), kind=data.get("kind", ""), start=data.get("start"), end=data.get("end"),
    )


@login_required
def log_list(request: HttpRequest) -> HttpResponse:
    form, posts = _log_filters(request)
    valid = not form.is_bound or form.is_valid()
    page = Paginator(_filtered_log(request, form), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    context = {
        "filter_form": form, "page": page, "query": query, "nav_key": "field-log",
        "writable_posts": [post for post in posts if field_log_access(request.user, post.pk) >= DutyAccess.WRITE],
        "show_post": len(posts) > 1, "visible_complaints": selectors.visible_complaint_ids(request.user, page.object_list),
    }
    return render(request, "duty/log_list.html", context, status=200 if valid else 400)


@login_required
def log_print(request: HttpRequest) -> HttpResponse:
    form, posts = _log_filters(request)
    valid = not form.is_bound or form.is_valid()
    entries = list(_filtered_log(request, form)[:LOG_PRINT_LIMIT])
    filters = _filter_values(form)
    context = {
        "filter_form": form, "entries": entries, "limit": LOG_PRINT_LIMIT, "nav_key": "field-log",
        "filters": filters, "kind_label": FieldLogKind(filters["kind"]).label if "kind" in filters else "",
        "show_post": len(posts) > 1, "printed_at": timezone.now(),
    }
    return render(request, "duty/log_print.html", context, status=200 if valid else 400)


@login_required
def log_new(request: HttpRequest) -> HttpResponse:
    posts = [post for post in selectors.field_log_posts(request.user) if field_log_access(request.user, post.pk) >= DutyAccess.WRITE]
    if not posts:
        raise PermissionDenied(_("Hanya anggota pos TRC yang mencatat kegiatan lapangan."))
    team = next((post for post in posts if post.slug == request.GET.get("post")), posts[0])
    if request.method == "POST":
        form = FieldLogForm(request.POST, request.FILES, team=team)
        status = 422
        if form.is_valid():
            try:
                entry = services.record_field_log(user=request.user, data=form.log_input(), uploads=form.cleaned_data["photos"])
            except InputError as error:
                status = error.status if error.status == 413 else 422
                _errors_onto(form, error)
            else:
                messages.success(request, _("Kegiatan tercatat di buku kegiatan %(team)s.") % {"team": team.name})
                return redirect("duty:log-entry", pk=entry.pk)
        return _log_form_page(request, form, team, posts, status=status)
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {
        "district": team.district_id, "participants": [request.user.pk], "ended_at": now, "started_at": now - timedelta(hours=2),
        "kind": request.GET.get("kind", ""),
    }
    return _log_form_page(request, FieldLogForm(team=team, initial=initial), team, posts)


def _log_form_page(request: HttpRequest, form: FieldLogForm, team: Team, posts: list[Team], *, status: int = 200) -> HttpResponse:
    context = {
        "form": form, "team": team, "posts": posts, "nav_key": "field-log",
        "villages": form.fields["village"].queryset.order_by("name"),
    }
    return render(request, "duty/log_form.html", context, status=status)


def _entry(request: HttpRequest, pk: int) -> FieldLogEntry:
    try:
        return selectors.field_log_entry(request.user, pk)
    except FieldLogEntry.DoesNotExist:
        raise Http404(_("Catatan kegiatan tidak ditemukan.")) from None


@login_required
def log_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_page(request, _entry(request, pk))


def _entry_page(request: HttpRequest, entry: FieldLogEntry, *, form: CorrectionForm | None = None, status: int = 200) -> HttpResponse:
    context = {
        "entry": entry, "nav_key": "field-log",
        "can_correct": field_log_access(request.user, entry.team_id) >= DutyAccess.WRITE,
        "form": form or CorrectionForm(label_suffix=""),
        "complaint_visible": bool(selectors.visible_complaint_ids(request.user, [entry])),
    }
    return render(request, "duty/log_entry.html", context, status=status)


@login_required
@require_POST
def log_correct(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if field_log_access(request.user, entry.team_id) < DutyAccess.WRITE:
        raise PermissionDenied(_("Hanya anggota pos ini yang dapat menambah koreksi."))
    form = CorrectionForm(request.POST, label_suffix="")
    if form.is_valid():
        try:
            services.add_log_correction(user=request.user, entry=entry, text=form.cleaned_data["text"])
        except InputError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("Koreksi tersimpan."))
            return redirect("duty:log-entry", pk=entry.pk)
    return _entry_page(request, entry, form=form, status=422)


def _photo(request: HttpRequest, pk: int, photo_pk: int):
    photo = _entry(request, pk).photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404(_("Foto tidak ditemukan."))
    return photo


@login_required
def log_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    photo = _photo(request, pk, photo_pk)
    return private_file_response(photo.file.storage, photo.file.name, photo.content_type, f"kegiatan-{pk}-{photo.pk}{photo.extension}")


@login_required
def log_photo_thumbnail(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    photo = _photo(request, pk, photo_pk)
    return jpeg_thumbnail_response(photo.file.storage, photo.file.name, photo.content_type)

