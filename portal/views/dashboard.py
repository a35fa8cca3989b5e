"""The leaders' dashboard: the period's figures as charts, each with its numbers in a table."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import dates, statistics
from complaints.models import Category, ChannelKind, Complaint, District
from complaints.workflow import Status
from portal.charts import duration_text, horizontal_bars, vertical_bars
from public.selectors import satisfaction
from roles.policy import may_view_dashboard

DATE_INPUT = {"type": "date"}


class DashboardForm(forms.Form):
    start = dates.DateField(
        label=gettext_lazy("Dari tanggal"), required=False, widget=forms.DateInput(DATE_INPUT, format="%Y-%m-%d")
    )
    end = dates.DateField(
        label=gettext_lazy("Sampai tanggal"), required=False, widget=forms.DateInput(DATE_INPUT, format="%Y-%m-%d")
    )
    district = forms.ModelChoiceField(
        queryset=District.objects.all(), to_field_name="slug", required=False,
        label=gettext_lazy("Kecamatan"), empty_label=gettext_lazy("Semua"),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), to_field_name="slug", required=False,
        label=gettext_lazy("Kategori"), empty_label=gettext_lazy("Semua"),
    )
    channel_kind = forms.ChoiceField(
        choices=[("", gettext_lazy("Semua")), *ChannelKind.choices], required=False, label=gettext_lazy("Kanal")
    )

    def clean(self) -> dict:
        data = super().clean()
        default_end = statistics.default_period()[1]
        end = data.get("end") or default_end
        start = data.get("start") or (end - timedelta(days=statistics.DEFAULT_PERIOD_DAYS - 1))
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise forms.ValidationError(_("Tanggal awal harus sebelum atau sama dengan tanggal akhir."))
        if (end - start).days + 1 > statistics.MAX_PERIOD_DAYS:
            raise forms.ValidationError(
                _("Periode paling panjang %(days)s hari.") % {"days": statistics.MAX_PERIOD_DAYS}
            )
        data["start"], data["end"] = start, end
        return data

    def scope(self) -> statistics.Scope:
        data = self.cleaned_data
        return statistics.Scope(
            start=data["start"], end=data["end"],
            district_id=data["district"].pk if data.get("district") else None,
            category_id=data["category"].pk if data.get("category") else None,
            channel_kind=data.get("channel_kind") or "",
        )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not may_view_dashboard(request.user):
        raise PermissionDenied(_("Dasbor hanya untuk Kabid dan Kepala."))
    form = DashboardForm(request.GET or {})
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return render(request, "portal/dashboard.html", {"form": form, "errors": errors, "nav_key": "dashboard"}, status=400)
    figures = statistics.dashboard(form.scope())
    form = DashboardForm(initial={**form.cleaned_data})
    context = {
        "form": form, "nav_key": "dashboard", "figures": figures, **_charts(figures), **_satisfaction(figures.scope),
    }
    return render(request, "portal/dashboard.html", context)


def _share_text(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _charts(figures: statistics.Dashboard) -> dict:
    steps = [
        {
            "figure": s, "sop": " / ".join(duration_text(limit) for limit in s.limits),
            "share": _share_text(s.within_share), "median": duration_text(s.median), "p90": duration_text(s.p90),
            "median_late": s.median is not None and s.median > s.limits[0],
            "p90_late": s.p90 is not None and s.p90 > s.limits[-1],
        }
        for s in figures.steps
    ]
    return {
        "steps": steps,
        "status_chart": horizontal_bars(
            _("Aduan menurut status"), [(c.label, c.value, str(c.value)) for c in figures.by_status]
        ),
        "step_chart": horizontal_bars(
            _("Selesai dalam waktu SOP per langkah"),
            [(f"{s.step}. {s.label}", s.within_share, _share_text(s.within_share)) for s in figures.steps], maximum=1,
        ),
        "weekly_chart": vertical_bars(_("Aduan masuk per minggu"), [(f"W{w.iso[1]:02d}", w.value) for w in figures.weekly]),
        "channel_chart": horizontal_bars(
            _("Aduan menurut kanal"), [(c.label, c.value, str(c.value)) for c in figures.by_channel]
        ),
    }


def _satisfaction(scope: statistics.Scope) -> dict:
    """Reporters' ratings of the cases closed in the period, and how many of those reporters rated."""
    closed = Complaint.objects.filter(
        status=Status.CLOSED, closed_at__gte=scope.since, closed_at__lt=scope.until
    ).filter(scope.complaint_filter())
    ratings = satisfaction(closed)
    closed_count = closed.count()
    by_value = sorted(ratings["distribution"].items(), reverse=True)
    return {
        "ratings": ratings, "closed_in_period": closed_count,
        "rated_share": _share_text(ratings["count"] / closed_count if closed_count else None),
        "rating_rows": by_value,
        "rating_chart": horizontal_bars(_("Penilaian pelapor"), [("★" * value, n, str(n)) for value, n in by_value]),
    }
