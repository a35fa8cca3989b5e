"""Validation of workflow action inputs, built from the transition table.

The service validates every action through these forms, so the API and the portal give the same
answer (in the user's language) for the same bad input.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import dates
from complaints.models import Complaint, FieldResult, KnowledgeAnswer, Team
from complaints.models.reporter import nik_validator, phone_validator
from complaints.workflow import Action, Field, ReturnReason, Transition, fields_for_action

TEXT_LIMIT = 4000


def _text(label: str, limit: int = TEXT_LIMIT, rows: int = 3) -> Callable[[bool], forms.Field]:
    return lambda required: forms.CharField(
        label=label, required=required, max_length=limit, widget=forms.Textarea(attrs={"rows": rows})
    )


def _line(label: str, limit: int, validators=()) -> Callable[[bool], forms.Field]:
    return lambda required: forms.CharField(
        label=label, required=required, max_length=limit, validators=list(validators)
    )


class StatedCheckboxInput(forms.CheckboxInput):
    """A checkbox that says so when it is left unticked: a hidden "false" goes before it, and a ticked box's "on"
    comes last and wins. A form that did not draw the box sends neither, and the flag stays as it is stored."""

    template_name = "complaints/widgets/stated_checkbox.html"

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        return values[-1] if values else None


class StatedFlagField(forms.Field):
    """A yes/no choice that may be left out: None means "not sent", and the stored value is kept.

    A plain BooleanField reads an absent checkbox as False, so a form or an API body that merely left a protection
    out (confidential, anonymous, field contact) would lower it. Lowering one must be said explicitly."""

    widget = StatedCheckboxInput
    default_error_messages = {"invalid": _("Isi dengan ya (true) atau tidak (false).")}
    TRUE = ("true", "1", "on", "yes")
    FALSE = ("false", "0", "off", "no")

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> bool | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, str | int) else None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"])

    def has_changed(self, initial, data) -> bool:
        return self.to_python(data) != initial


def _flag(label: str) -> Callable[[bool], forms.Field]:
    return lambda required: StatedFlagField(label=label)


FIELD_FACTORIES: dict[Field, Callable[[bool], forms.Field]] = {
    Field.NOTE: _text(_("Catatan")),
    Field.REASON: lambda required: forms.ChoiceField(label=_("Alasan"), required=required, choices=ReturnReason.choices),
    Field.AGENCY: _line(_("Instansi tujuan pelimpahan"), 150),
    Field.ANSWER: _text(_("Jawaban"), rows=10),  # a knowledge-base answer runs to a dozen lines
    # Any entry, so an inactive one gets its own message (_check_answer) rather than "unknown".
    Field.KNOWLEDGE_ANSWER: lambda required: forms.ModelChoiceField(
        label=_("Entri basis pengetahuan"), required=required, queryset=KnowledgeAnswer.objects.all(),
        widget=forms.HiddenInput, error_messages={"invalid_choice": _("Tidak ada entri basis pengetahuan dengan nomor ini.")},
    ),
    Field.DRAFT: _text(_("Konsep laporan")),
    Field.TEAM: lambda required: forms.ModelChoiceField(
        label=_("Tim"), required=required, queryset=Team.objects.filter(is_active=True), to_field_name="slug",
        error_messages={"invalid_choice": _("Tim tidak dikenal atau tidak aktif.")},
    ),
    Field.EXPECTED_ARRIVAL: lambda required: dates.DateTimeField(
        label=_("Perkiraan tiba"), required=required, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    ),
    Field.FINDINGS: _text(_("Temuan di lapangan")),
    Field.ACTION_TAKEN: _text(_("Tindakan yang diambil")),
    Field.RESULT: lambda required: forms.ChoiceField(label=_("Hasil"), required=required, choices=FieldResult.choices),
    Field.ANONYMOUS: _flag(_("Pelapor anonim")),
    Field.CONFIDENTIAL: _flag(_("Identitas pelapor dirahasiakan")),
    Field.REPORTER_NAME: _line(_("Nama pelapor"), 150),
    Field.REPORTER_PHONE: _line(_("Telepon pelapor"), 32, [phone_validator]),
    Field.REPORTER_NIK: _line(_("NIK pelapor"), 16, [nik_validator]),
    Field.REPORTER_ADDRESS: _line(_("Alamat pelapor"), 500),
    Field.ALLOW_FIELD_CONTACT: _flag(_("Pelapor bersedia dihubungi tim lapangan")),
    Field.DUPLICATE_OF: lambda required: forms.ModelChoiceField(
        label=_("Kode aduan utama"), required=required, queryset=Complaint.objects.all(), to_field_name="code",
        widget=forms.TextInput(attrs={"placeholder": "XXXXX-XXXXX", "autocapitalize": "characters"}),
        error_messages={"invalid_choice": _("Tidak ada aduan dengan kode ini.")},
    ),
}


class ActionForm(forms.Form):
    def __init__(self, *args, transition: Transition, complaint: Complaint, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.complaint = complaint
        for name in transition.required:
            self.fields[name] = FIELD_FACTORIES[name](True)
        for name in transition.optional:
            self.fields[name] = FIELD_FACTORIES[name](False)

    def clean(self) -> dict:
        cleaned = super().clean()
        checker = CROSS_FIELD_CHECKS.get(self.transition.action)
        if checker is not None:
            checker(self, cleaned)
        return cleaned


def _check_accept(form: ActionForm, cleaned: dict) -> None:
    has_reporter_data = any(cleaned.get(f) for f in (Field.REPORTER_NAME, Field.REPORTER_PHONE))
    anonymous_sent = cleaned.get(Field.ANONYMOUS)
    # Left out, the flag keeps its stored value (StatedFlagField): an anonymous case stays anonymous.
    anonymous = form.complaint.is_anonymous if anonymous_sent is None else anonymous_sent
    if anonymous:
        if has_reporter_data and anonymous_sent:
            form.add_error(Field.ANONYMOUS, _("Aduan anonim tidak boleh berisi data pelapor."))
        elif has_reporter_data:
            form.add_error(Field.ANONYMOUS, _(
                "Aduan ini tercatat anonim. Untuk mencatat data pelapor, hapus tanda anonim secara tegas (anonymous: false)."
            ))
    elif form.complaint.reporter_id is None and not has_reporter_data:
        form.add_error(Field.REPORTER_NAME, _("Isi nama atau telepon pelapor, atau tandai aduan sebagai anonim."))


def _check_return(form: ActionForm, cleaned: dict) -> None:
    if cleaned.get(Field.REASON) == ReturnReason.NOT_AUTHORITY and not cleaned.get(Field.AGENCY):
        form.add_error(Field.AGENCY, _("Sebutkan instansi yang berwenang."))


def _check_team_change(form: ActionForm, cleaned: dict) -> None:
    team = cleaned.get(Field.TEAM)
    if team is not None and team.pk == form.complaint.assigned_team_id:
        form.add_error(Field.TEAM, _("Tim ini sudah ditugaskan."))


def _check_duplicate(form: ActionForm, cleaned: dict) -> None:
    main = cleaned.get(Field.DUPLICATE_OF)
    if main is None:
        return
    # A duplicate of a duplicate points at the case that is actually being handled.
    if main.duplicate_of_id is not None:
        main = main.duplicate_of
        cleaned[Field.DUPLICATE_OF] = main
    if main.pk == form.complaint.pk:
        form.add_error(Field.DUPLICATE_OF, _("Aduan tidak dapat menjadi duplikat dirinya sendiri."))


def same_text(a: str, b: str) -> bool:
    """Equal once line endings agree: a browser's textarea sends CRLF for the LF it was given."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _check_answer(form: ActionForm, cleaned: dict) -> None:
    entry = cleaned.get(Field.KNOWLEDGE_ANSWER)
    if entry is not None and not entry.is_active:
        form.add_error(Field.KNOWLEDGE_ANSWER, _("Entri basis pengetahuan “%(title)s” sudah dinonaktifkan; pilih entri lain.")
                       % {"title": entry.title})
        return
    if cleaned.get(Field.ANSWER) or Field.ANSWER in form.errors or Field.KNOWLEDGE_ANSWER in form.errors:
        return
    if entry is not None:
        # The entry's text as it stands now; the complaint keeps this copy whatever later edits do to the entry.
        cleaned[Field.ANSWER] = entry.answer
    else:
        form.add_error(Field.ANSWER, _("Tulis jawaban atau pilih dari basis pengetahuan."))


# Checks across an action's inputs, by the table's own names (a key that is not an Action fails at import).
CROSS_FIELD_CHECKS: dict[Action, Callable[[ActionForm, dict], None]] = {
    Action.ANSWER: _check_answer,
    Action.MARK_DUPLICATE: _check_duplicate,
    Action.ACCEPT: _check_accept,
    Action.RETURN: _check_return,
    Action.ASSIGN: _check_team_change,
    Action.REASSIGN: _check_team_change,
}
assert all(isinstance(action, Action) for action in CROSS_FIELD_CHECKS)


def action_field_names(action: str) -> tuple[str, ...]:
    required, optional = fields_for_action(action)
    return tuple(str(f) for f in required + optional)
