"""Forms of the roster and the field log. They parse input; the services in duty/services.py decide the rules."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import MultipleImageField
from complaints import dates
from complaints.models import District, Team, Village
from duty.models import DutyType, FieldLogKind, Shift
from duty.selectors import post_members
from duty.services import FieldLogInput, display_name

REQUIRED = {"required": gettext_lazy("Wajib diisi.")}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class WeekForm(forms.Form):
    """Which week of the roster to show: any date in it (the links say the Monday)."""

    date = dates.DateField(label=gettext_lazy("Minggu yang memuat tanggal"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "week_%s")  # the add form on the same page has its own "date"
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def day(self) -> date:
        return (self.cleaned_data.get("date") if self.is_bound and self.is_valid() else None) or timezone.localdate()


class RosterEntryForm(forms.Form):
    member = MemberChoiceField(
        label=gettext_lazy("Anggota"), queryset=None, empty_label=gettext_lazy("— pilih anggota —"), error_messages={
            **REQUIRED, "invalid_choice": gettext_lazy("Pilih anggota pos ini."),
        },
    )
    date = dates.DateField(label=gettext_lazy("Tanggal"), widget=DATE_INPUT, error_messages={
        **REQUIRED, "invalid": gettext_lazy("Tulis tanggal sebagai TTTT-BB-HH."),
    })
    shift = forms.ModelChoiceField(label=gettext_lazy("Shift"), queryset=Shift.objects.filter(is_active=True),
                                   empty_label=gettext_lazy("— pilih shift —"), error_messages={
        **REQUIRED, "invalid_choice": gettext_lazy("Pilih shift yang ada."),
    })
    duty_type = forms.ChoiceField(label=gettext_lazy("Jenis tugas"), choices=DutyType.choices, error_messages={
        **REQUIRED, "invalid_choice": gettext_lazy("Pilih jenis tugas yang ada."),
    })
    note = forms.CharField(label=gettext_lazy("Keterangan"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("mis. Pengamanan pasar malam")}))

    def __init__(self, *args, team: Team, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = post_members(team)
        self.fields["shift"].label_from_instance = lambda shift: f"{shift.name} {shift.hours}"


class FieldLogForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Jenis kegiatan"), choices=FieldLogKind.choices, error_messages=REQUIRED)
    started_at = dates.DateTimeField(label=gettext_lazy("Waktu mulai"), widget=DATETIME_INPUT, error_messages={
        **REQUIRED, "invalid": gettext_lazy("Tulis tanggal dan jam, misalnya 2026-11-23 19.30."),
    })
    ended_at = dates.DateTimeField(label=gettext_lazy("Waktu selesai"), widget=DATETIME_INPUT, error_messages={
        **REQUIRED, "invalid": gettext_lazy("Tulis tanggal dan jam, misalnya 2026-11-23 21.00."),
    })
    district = forms.ModelChoiceField(label=gettext_lazy("Kecamatan"), queryset=District.objects.all(), error_messages=REQUIRED)
    village = forms.ModelChoiceField(label=gettext_lazy("Desa/kelurahan"), queryset=Village.objects.none(), required=False)
    place = forms.CharField(label=gettext_lazy("Tempat"), max_length=200, required=False,
                            help_text=gettext_lazy("Jalan, pasar, lapangan, gedung."))
    summary = forms.CharField(
        label=gettext_lazy("Uraian kegiatan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text=gettext_lazy("Apa yang dilakukan dan apa yang terjadi."), error_messages=REQUIRED,
    )
    actions_taken = forms.CharField(
        label=gettext_lazy("Tindakan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False,
        help_text=gettext_lazy("Teguran, pembinaan, pembubaran, koordinasi dengan pihak lain."),
    )
    participants = MembersField(
        label=gettext_lazy("Petugas yang ikut"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Pilih sedikitnya satu petugas yang ikut."),
            "invalid_choice": gettext_lazy("Petugas yang dipilih bukan anggota pos ini."),
            "invalid_pk_value": gettext_lazy("Petugas yang dipilih bukan anggota pos ini."),
        },
    )
    complaint_code = forms.CharField(
        label=gettext_lazy("Kode aduan terkait"), max_length=20, required=False,
        help_text=gettext_lazy("Bila kegiatan ini menindaklanjuti aduan yang ditangani pos Anda."),
    )
    photos = MultipleImageField(label=gettext_lazy("Foto kegiatan"), required=False)

    def __init__(self, *args, team: Team, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["participants"].queryset = post_members(team)
        district_id = self.data.get("district") or self.initial.get("district")
        if district_id and str(district_id).isdigit():
            self.fields["village"].queryset = Village.objects.filter(district_id=district_id)

    def log_input(self) -> FieldLogInput:
        data = self.cleaned_data
        return FieldLogInput(
            team=self.team, kind=data["kind"], started_at=data["started_at"], ended_at=data["ended_at"],
            district=data["district"], village=data.get("village"), place=data.get("place", ""),
            summary=data["summary"], actions_taken=data.get("actions_taken", ""),
            participants=list(data["participants"]), complaint_code=data.get("complaint_code", ""),
        )


class FieldLogFilterForm(forms.Form):
    post = forms.ModelChoiceField(label=gettext_lazy("Pos"), queryset=Team.objects.none(), required=False,
                                  to_field_name="slug", empty_label=gettext_lazy("Semua pos"))
    kind = forms.ChoiceField(label=gettext_lazy("Jenis"), choices=[("", gettext_lazy("Semua jenis")), *FieldLogKind.choices],
                             required=False)
    start = dates.DateField(label=gettext_lazy("Dari"), required=False, widget=DATE_INPUT)
    end = dates.DateField(label=gettext_lazy("Sampai"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, posts: list[Team], **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Team.objects.filter(pk__in=[post.pk for post in posts]).order_by("name")

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Tanggal akhir harus sama dengan atau sesudah tanggal awal."))
        return cleaned


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Koreksi"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), error_messages=REQUIRED,
        help_text=gettext_lazy("Catatan tidak dapat diubah; tulis apa yang keliru dan yang benar."),
    )
