"""The daily report for the Kepala (and the Kabid): one printable page per day."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import dates
from complaints.reports import daily_report, monthly_recap
from portal.report_export import daily_tables, monthly_tables, workbook
from roles.policy import may_view_dashboard


class DayForm(forms.Form):
    day = dates.DateField(label=gettext_lazy("Tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_day(self) -> date:
        day = self.cleaned_data.get("day") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("Laporan harian hanya untuk hari ini atau hari yang sudah lewat."))
        return day


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _spreadsheet(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(form: forms.Form) -> HttpResponse:
    problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")


def _day(request: HttpRequest) -> tuple[DayForm, date | None]:
    # The same leaders who see the dashboard read the daily report.
    if not may_view_dashboard(request.user):
        raise PermissionDenied(_("Laporan harian untuk Kepala dan Kabid."))
    form = DayForm(request.GET or None, label_suffix="", initial={"day": timezone.localdate()})
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.cleaned_data["day"] if form.is_bound else timezone.localdate()


@login_required
def daily(request: HttpRequest) -> HttpResponse:
    form, day = _day(request)
    context = {
        "form": form, "report": daily_report(request.user, day) if day else None,
        "nav_key": "", "query": request.GET.urlencode(),
    }
    return render(request, "portal/daily_report.html", context, status=200 if day else 400)


@login_required
def daily_xlsx(request: HttpRequest) -> HttpResponse:
    form, day = _day(request)
    if day is None:
        return _refused(form)
    report = daily_report(request.user, day)
    title = _("Laporan harian") + f" · {formats.date_format(day, 'DATE_FORMAT')}"
    content = workbook(title, [(_("Aduan masuk"), report.received)], daily_tables(report))
    return _spreadsheet(content, f"laporan-harian-{day:%Y%m%d}.xlsx")


class MonthForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("Bulan"), required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self) -> date:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return timezone.localdate().replace(day=1)
        try:
            year, month = (int(part) for part in value.split("-"))
            first = date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Tulis bulan sebagai TTTT-BB, misalnya 2026-11.")) from None
        dates.validate_in_range(first)
        if first > timezone.localdate():
            raise forms.ValidationError(_("Rekap bulanan hanya untuk bulan ini atau yang sudah lewat."))
        return first


def _month(request: HttpRequest) -> tuple[MonthForm, date | None]:
    if not may_view_dashboard(request.user):
        raise PermissionDenied(_("Rekap bulanan untuk Kepala dan Kabid."))
    form = MonthForm(request.GET or None, label_suffix="", initial={"month": f"{timezone.localdate():%Y-%m}"})
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.cleaned_data["month"] if form.is_bound else timezone.localdate().replace(day=1)


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    form, first = _month(request)
    context = {
        "form": form, "recap": monthly_recap(request.user, first) if first else None,
        "nav_key": "", "query": request.GET.urlencode(),
    }
    return render(request, "portal/monthly_recap.html", context, status=200 if first else 400)


@login_required
def monthly_xlsx(request: HttpRequest) -> HttpResponse:
    form, first = _month(request)
    if first is None:
        return _refused(form)
    recap = monthly_recap(request.user, first)
    title = _("Rekap bulanan") + f" · {formats.date_format(first, 'YEAR_MONTH_FORMAT')}"
    summary = [(_("Aduan masuk"), recap.received), (_("Selesai"), recap.closed)]
    return _spreadsheet(workbook(title, summary, monthly_tables(recap)), f"rekap-bulanan-{first:%Y%m}.xlsx")
