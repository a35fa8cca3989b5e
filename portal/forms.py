"""The walk-in intake form: what a kecamatan office writes down when a citizen reports in person."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.models import CannedReply
from channels.sp4n_lapor.desk import ManualReport
from channels.sp4n_lapor.models import LaporReportType
from common.forms import DESCRIPTION_LIMIT, MultipleImageField
from complaints import dates
from complaints.models import Category, Channel, District, Village
from complaints.models.reporter import nik_validator, phone_validator
from complaints.services.intake import ComplaintInput, ReporterInput


class WalkInForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Kategori"), queryset=Category.objects.filter(is_active=True))
    description = forms.CharField(
        label=_("Uraian aduan"), max_length=DESCRIPTION_LIMIT, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Apa yang terjadi, kapan, siapa yang terlibat."),
    )
    district = forms.ModelChoiceField(label=_("Kecamatan"), queryset=District.objects.all())
    village = forms.ModelChoiceField(label=_("Desa/kelurahan"), queryset=Village.objects.none(), required=False)
    address = forms.CharField(label=_("Alamat/lokasi kejadian"), max_length=255, required=False)
    latitude = forms.DecimalField(label=_("Lintang"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(label=_("Bujur"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False)
    incident_at = dates.DateTimeField(
        label=_("Waktu kejadian"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    anonymous = forms.BooleanField(label=_("Pelapor ingin anonim (tanpa data diri)"), required=False)
    confidential = forms.BooleanField(label=_("Rahasiakan identitas pelapor"), required=False)
    reporter_name = forms.CharField(label=_("Nama pelapor"), max_length=150, required=False)
    reporter_phone = forms.CharField(label=_("Telepon pelapor"), max_length=32, required=False, validators=[phone_validator])
    reporter_nik = forms.CharField(label=_("NIK pelapor"), max_length=16, required=False, validators=[nik_validator])
    reporter_address = forms.CharField(label=_("Alamat pelapor"), max_length=500, required=False)
    allow_field_contact = forms.BooleanField(label=_("Pelapor bersedia dihubungi tim lapangan"), required=False)
    photos = MultipleImageField(label=_("Foto/bukti"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        district_id = self.data.get("district") or self.initial.get("district")
        if district_id:
            self.fields["village"].queryset = Village.objects.filter(district_id=getattr(district_id, "pk", district_id))

    def clean(self) -> dict:
        # The intake service checks the rest (anonymous without data, village in kecamatan, coordinates in
        # pairs) and the view puts its answers on the fields; at the desk a reporter is also always recorded.
        cleaned = super().clean()
        if not cleaned.get("anonymous") and not (cleaned.get("reporter_name") or cleaned.get("reporter_phone")):
            self.add_error("reporter_name", _("Isi nama atau telepon pelapor, atau centang anonim."))
        return cleaned

    def complaint_input(self) -> ComplaintInput:
        data = self.cleaned_data
        return ComplaintInput(
            category=data["category"], description=data["description"], district=data["district"],
            village=data.get("village"), address=data.get("address", ""), latitude=data.get("latitude"),
            longitude=data.get("longitude"), incident_at=data.get("incident_at"), anonymous=data["anonymous"],
            confidential=data["confidential"],
            reporter=ReporterInput(
                name=data["reporter_name"], phone=data["reporter_phone"], nik=data["reporter_nik"],
                address=data["reporter_address"], allow_field_contact=data["allow_field_contact"],
            ),
        )


class DropdownMultiple(forms.SelectMultiple):
    """One dropdown for a filter that the API lets take several values: a list box is clumsy on a phone."""

    allow_multiple_selected = False


def compact_filter_form(form: forms.Form) -> None:
    """Shape the shared complaint filters for the portal's filter bar."""
    if "status" in form.fields:
        form.fields["status"].widget = DropdownMultiple()
        form.fields["status"].choices = [("", _("Semua yang terbuka")), *form.fields["status"].choices]
    for name in ("created_after", "created_before"):
        if name in form.fields:
            form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The Operator's inbox -----------------------------------------------------------------------------------------

REPLY_LIMIT = 4096  # WhatsApp's and Telegram's limit for one text message


class InboxFilterForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Kanal"), queryset=Channel.objects.none(), required=False, empty_label=_("Semua kanal"))
    unread = forms.BooleanField(label=_("Belum dibaca saja"), required=False)

    def __init__(self, *args, channels, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Balasan"), max_length=REPLY_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))
    canned = forms.ModelChoiceField(
        label=_("Balasan siap pakai"), queryset=CannedReply.objects.none(), required=False, empty_label=_("Pilih balasan…"),
    )

    canned_error = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "reply_%s")
        super().__init__(*args, **kwargs)
        self.fields["canned"].queryset = CannedReply.objects.filter(is_active=True).order_by("sort_order", "title")

    def with_canned_reply(self) -> ReplyForm:
        """'Pakai': a fresh form with what was typed plus the chosen canned reply; nothing is sent."""
        typed = str(self.data.get("body", "")).rstrip()
        choice = str(self.data.get("canned", ""))
        canned = self.fields["canned"].queryset.filter(pk=choice).first() if choice.isdigit() else None
        if canned is None:
            form = ReplyForm(initial={"body": typed})
            form.canned_error = _("Pilih balasan siap pakai terlebih dahulu.")
            return form
        return ReplyForm(initial={"body": f"{typed}\n\n{canned.body}" if typed else canned.body, "canned": canned.pk})


class MessageChoiceMixin:
    """Checkboxes for the conversation's messages that belong to the complaint; unlinked ones are ticked at first."""

    def _set_messages(self, messages) -> None:
        self.conversation_messages = list(messages)
        self.fields["message_ids"].choices = [(m.pk, m.pk) for m in self.conversation_messages]
        if not self.is_bound:
            self.initial.setdefault("message_ids", [m.pk for m in self.conversation_messages if m.complaint_id is None])

    @property
    def selected_ids(self) -> set[int]:
        if self.is_bound:
            values = self.data.getlist("message_ids") if hasattr(self.data, "getlist") else self.data.get("message_ids", [])
        else:
            values = self.initial.get("message_ids", [])
        return {int(v) for v in values if str(v).isdigit()}


def message_ids_field() -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label=_("Pesan yang termasuk"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Pesan %(value)s bukan bagian dari percakapan ini.")},
    )


class ConversationComplaintForm(MessageChoiceMixin, WalkInForm):
    """A complaint from a conversation: the walk-in fields without the upload (photos come from the messages)."""

    photos = None
    message_ids = message_ids_field()
    attach_media = forms.BooleanField(label=_("Lampirkan foto dari pesan terpilih sebagai bukti"), required=False, initial=True)

    def __init__(self, *args, messages=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "new_%s")
        super().__init__(*args, **kwargs)
        self._set_messages(messages)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("message_ids") and not self.has_error("message_ids"):
            self.add_error("message_ids", _("Pilih sedikitnya satu pesan untuk aduan ini."))
        return cleaned


class LinkComplaintForm(MessageChoiceMixin, forms.Form):
    code = forms.CharField(label=_("Kode lacak aduan"), max_length=20, widget=forms.TextInput(attrs={"autocapitalize": "characters"}))
    message_ids = message_ids_field()

    def __init__(self, *args, messages=(), **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "link_%s")
        super().__init__(*args, **kwargs)
        self._set_messages(messages)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


# SP4N-LAPOR! by hand (channels/sp4n_lapor/desk.py checks the tracking id and the rest) -----------------------------

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def _now_in_wita() -> str:
    return timezone.localtime().strftime(LOCAL_MINUTE)


class LaporTrackingForm(forms.Form):
    """A LAPOR tracking id on a case, and when LAPOR dispositioned the report to the unit (its deadline counts from then)."""

    tracking_id = forms.CharField(
        label=_("ID pelacakan LAPOR"), max_length=30, help_text=_("Angka seperti tertulis di SP4N-LAPOR!, mis. 1916449."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    disposed_at = dates.DateTimeField(
        label=_("Didisposisikan LAPOR pada"), help_text=_("Tenggat tindak lanjut LAPOR (hari kerja) dihitung dari sini."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "lapor_%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("disposed_at", _now_in_wita())


class LaporReportForm(LaporTrackingForm):
    """A report LAPOR dispositioned to the unit, typed in from LAPOR's admin: it becomes a case on the LAPOR channel."""

    report_type = forms.ChoiceField(label=_("Jenis laporan LAPOR"), choices=LaporReportType.choices, initial=LaporReportType.COMPLAINT)
    title = forms.CharField(label=_("Judul laporan"), max_length=500, required=False)
    content = forms.CharField(label=_("Isi laporan"), max_length=DESCRIPTION_LIMIT, widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ModelChoiceField(label=_("Kategori"), queryset=Category.objects.filter(is_active=True))
    district = forms.ModelChoiceField(label=_("Kecamatan"), queryset=District.objects.all())
    address = forms.CharField(label=_("Alamat/lokasi kejadian"), max_length=255, required=False)
    is_anonymous = forms.BooleanField(label=_("Anonim di LAPOR (tanpa data pelapor)"), required=False)
    is_secret = forms.BooleanField(label=_("Rahasia di LAPOR (identitas pelapor dirahasiakan)"), required=False)
    reporter_name = forms.CharField(label=_("Nama pelapor"), max_length=150, required=False)
    reporter_phone = forms.CharField(label=_("Telepon pelapor"), max_length=32, required=False, validators=[phone_validator])

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "laporan_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("is_anonymous") and (cleaned.get("reporter_name") or cleaned.get("reporter_phone")):
            self.add_error("is_anonymous", _("Laporan anonim tidak boleh berisi data pelapor."))
        return cleaned

    def manual_report(self) -> ManualReport:
        data = self.cleaned_data
        return ManualReport(
            tracking_id=data["tracking_id"], report_type=data["report_type"], title=data["title"], content=data["content"],
            category=data["category"], district=data["district"], address=data["address"], disposed_at=data["disposed_at"],
            is_anonymous=data["is_anonymous"], is_secret=data["is_secret"], reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
        )
