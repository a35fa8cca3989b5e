"""The citizen's forms: the web report, the tracking lookup and the rating."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DESCRIPTION_LIMIT, MultipleImageField
from complaints import dates
from complaints.models import Category, ChannelKind, ComplaintKind, District, Village
from complaints.models.reporter import phone_validator
from complaints.services.intake import ComplaintInput, ReporterInput
from public.models import COMMENT_LIMIT, RATING_MAX, RATING_MIN


class Identity:
    NAMED = "named"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"


IDENTITY_CHOICES = [
    (Identity.CONFIDENTIAL, _("Rahasiakan identitas saya: hanya Operator dan Kepala Satuan yang melihat nama dan nomor saya.")),
    (Identity.NAMED, _("Biasa: petugas verifikasi melihat nama dan nomor saya; tim lapangan hanya bila saya izinkan.")),
    (Identity.ANONYMOUS, _("Anonim: tanpa nama dan nomor. Kami tidak dapat menghubungi Anda; pantau lewat kode lacak.")),
]


class WebReportForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Jenis aduan"), queryset=Category.objects.filter(is_active=True))
    description = forms.CharField(
        label=_("Uraian"), max_length=DESCRIPTION_LIMIT, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Apa yang terjadi, di mana tepatnya, sejak kapan. Jangan tulis data pribadi orang lain."),
    )
    incident_at = dates.DateTimeField(
        label=_("Waktu kejadian (bila tahu)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    district = forms.ModelChoiceField(label=_("Kecamatan"), queryset=District.objects.all())
    village = forms.ModelChoiceField(label=_("Desa/kelurahan"), queryset=Village.objects.select_related("district"), required=False)
    address = forms.CharField(label=_("Alamat atau patokan lokasi"), max_length=255, required=False)
    latitude = forms.DecimalField(label=_("Lintang"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(label=_("Bujur"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False)
    identity = forms.ChoiceField(
        label=_("Identitas pelapor"), choices=IDENTITY_CHOICES, initial=Identity.CONFIDENTIAL, widget=forms.RadioSelect
    )
    reporter_name = forms.CharField(label=_("Nama Anda"), max_length=150, required=False)
    reporter_phone = forms.CharField(
        label=_("Nomor telepon/WhatsApp"), max_length=32, required=False, validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    allow_field_contact = forms.BooleanField(
        label=_("Tim lapangan boleh menghubungi nomor saya (tidak berlaku bila identitas dirahasiakan)"), required=False
    )
    photos = MultipleImageField(label=_("Foto (bila ada)"), required=False)
    consent = forms.BooleanField(
        label=_("Laporan ini benar menurut saya, dan saya setuju datanya dipakai Satpol PP Kabupaten Balangan untuk menangani aduan ini."),
        error_messages={"required": _("Centang persetujuan penggunaan data untuk mengirim aduan.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "name"
        # Categories grouped by kind; the queryset still decides what is valid.
        categories = list(self.fields["category"].queryset.order_by("kind", "sort_order", "name"))
        self.fields["category"].choices = [("", "—")] + [
            (label, [(c.pk, c.name) for c in categories if c.kind == kind])
            for kind, label in ComplaintKind.choices
            if any(c.kind == kind for c in categories)
        ]

    def clean_incident_at(self):
        value = self.cleaned_data.get("incident_at")
        if value is not None and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("Waktu kejadian tidak boleh di masa depan."))
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("identity") == Identity.ANONYMOUS:
            # Anonymous means anonymous: whatever was typed in the identity fields is not kept.
            cleaned["reporter_name"] = cleaned["reporter_phone"] = ""
            cleaned["allow_field_contact"] = False
        elif cleaned.get("identity"):
            message = _("Isi nama dan nomor telepon Anda, atau pilih anonim.")
            for name in ("reporter_name", "reporter_phone"):
                if name not in self.errors and not (cleaned.get(name) or "").strip():
                    self.add_error(name, message)
        return cleaned

    def complaint_input(self) -> ComplaintInput:
        data = self.cleaned_data
        return ComplaintInput(
            category=data["category"], description=data["description"], district=data["district"],
            village=data.get("village"), address=data.get("address", ""), latitude=data.get("latitude"),
            longitude=data.get("longitude"), incident_at=data.get("incident_at"),
            anonymous=data["identity"] == Identity.ANONYMOUS, confidential=data["identity"] == Identity.CONFIDENTIAL,
            reporter=ReporterInput(
                name=data["reporter_name"].strip(), phone=data["reporter_phone"].strip(),
                allow_field_contact=data["allow_field_contact"],
            ),
            channel_kind=ChannelKind.WEB,
        )


class TrackForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode lacak"), max_length=40,
        widget=forms.TextInput(attrs={
            "placeholder": "XXXXX-XXXXX", "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
        }),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


RATING_CHOICES = [(value, str(value)) for value in range(RATING_MAX, RATING_MIN - 1, -1)]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Nilai penanganan aduan ini"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
        help_text=_("5 sangat puas, 1 sangat tidak puas."),
        error_messages={"required": _("Pilih nilai 1 sampai 5."), "invalid_choice": _("Pilih nilai 1 sampai 5.")},
    )
    comment = forms.CharField(
        label=_("Komentar (bila ada)"), max_length=COMMENT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "feedback_%s")
        super().__init__(*args, **kwargs)
