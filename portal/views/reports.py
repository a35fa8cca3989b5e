"""The daily report for the Kepala (and the Kabid): one printable page per day."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.reports import daily_report, monthly_recap
from roles.policy import may_view_dashboard


class DayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_day(self) -> date:
        day = self.cleaned_data.get("day") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("Laporan harian hanya untuk hari ini atau hari yang sudah lewat."))
        return day


@login_required
def daily(request: HttpRequest) -> HttpResponse:
    # The same leaders who see the dashboard read the daily report.
    if not may_view_dashboard(request.user):
        raise PermissionDenied(_("Laporan harian untuk Kepala dan Kabid."))
    form = DayForm(request.GET or None, label_suffix="", initial={"day": timezone.localdate()})
    valid = not form.is_bound or form.is_valid()
    day = form.cleaned_data["day"] if form.is_bound and valid else timezone.localdate()
    context = {"form": form, "report": daily_report(request.user, day) if valid else None, "nav_key": ""}
    return render(request, "portal/daily_report.html", context, status=200 if valid else 400)


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
        if first > timezone.localdate():
            raise forms.ValidationError(_("Rekap bulanan hanya untuk bulan ini atau yang sudah lewat."))
        return first


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    if not may_view_dashboard(request.user):
        raise PermissionDenied(_("Rekap bulanan untuk Kepala dan Kabid."))
    form = MonthForm(request.GET or None, label_suffix="", initial={"month": f"{timezone.localdate():%Y-%m}"})
    valid = not form.is_bound or form.is_valid()
    first = form.cleaned_data["month"] if form.is_bound and valid else timezone.localdate().replace(day=1)
    context = {"form": form, "recap": monthly_recap(request.user, first) if valid else None, "nav_key": ""}
    return render(request, "portal/monthly_recap.html", context, status=200 if valid else 400)
