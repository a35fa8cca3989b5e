"""Writes to the knowledge base: create, edit, deactivate and reactivate an entry. There is no delete: answers
already sent name their entry, and the entry stays to show what they were built from."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.errors import ActionNotAllowed, StaleVersion
from complaints.models import KnowledgeAnswer
from roles.policy import may_edit_knowledge


@dataclass(frozen=True)
class KnowledgeInput:
    title: str
    topic: str
    answer: str


def _check(user) -> None:
    if not may_edit_knowledge(user):
        raise ActionNotAllowed(_("Basis pengetahuan hanya untuk Operator dan Kepala."))


def _locked(entry_id: int, expected_version: int | None) -> KnowledgeAnswer:
    entry = KnowledgeAnswer.objects.select_for_update().get(pk=entry_id)
    if expected_version is not None and expected_version != entry.version:
        raise StaleVersion(
            _("Entri ini sudah diubah oleh orang lain sejak Anda membukanya. Periksa isinya sekarang, lalu ubah lagi bila perlu.")
        )
    return entry


def _normalized(text: str) -> str:
    # One newline convention, so "was the answer edited before sending" compares like with like.
    return text.replace("\r\n", "\n").strip()


def save_knowledge_answer(
    *, user, data: KnowledgeInput, entry_id: int | None = None, expected_version: int | None = None
) -> KnowledgeAnswer:
    """Create an entry, or change one the user read at `expected_version` (StaleVersion if it changed since)."""
    _check(user)
    with transaction.atomic():
        if entry_id is None:
            entry = KnowledgeAnswer()
        else:
            entry = _locked(entry_id, expected_version)
            entry.version += 1
        entry.title = data.title.strip()
        entry.topic = data.topic
        entry.answer = _normalized(data.answer)
        entry.updated_by = user
        entry.save()
    return entry


def set_knowledge_answer_active(*, user, entry_id: int, active: bool, expected_version: int | None = None) -> KnowledgeAnswer:
    """Take an entry out of the Operator's picker (or put it back). Its text and history stay."""
    _check(user)
    with transaction.atomic():
        entry = _locked(entry_id, expected_version)
        entry.is_active = active
        entry.version += 1
        entry.updated_by = user
        entry.save()
    return entry
