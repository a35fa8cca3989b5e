"""The knowledge base the Operator answers information requests from (SOP "Cara Kerja" 3).

A reporter who wants to know about Satpol PP's duties, functions, authority or programs gets a ready, checked
answer instead of one typed from memory. Entries are edited in the portal (`/knowledge/`); the reporter receives
the text as it was when sent (it is copied onto the complaint), and the answer event names the entry it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

# One chat message a reporter reads on a phone. WhatsApp and Telegram take up to 4096 characters per text message;
# this leaves room for the header and signature around it (channels.texts.answered) and for the Operator's additions.
KNOWLEDGE_ANSWER_LIMIT = 2000
KNOWLEDGE_TITLE_LIMIT = 200


class KnowledgeTopic(models.TextChoices):
    """What the reporter asks about, in the words of the SOP: tugas pokok, fungsi, kewenangan, program kegiatan."""

    DUTIES = "duties", _("Tugas")
    FUNCTIONS = "functions", _("Fungsi")
    AUTHORITY = "authority", _("Wewenang")
    PROGRAMS = "programs", _("Program")
    OTHER = "other", _("Lainnya")


class KnowledgeAnswer(models.Model):
    title = models.CharField(_("judul/pertanyaan"), max_length=KNOWLEDGE_TITLE_LIMIT)
    topic = models.CharField(_("topik"), max_length=20, choices=KnowledgeTopic.choices)
    answer = models.TextField(
        _("jawaban"), max_length=KNOWLEDGE_ANSWER_LIMIT, validators=[MaxLengthValidator(KNOWLEDGE_ANSWER_LIMIT)],
        help_text=_("Teks yang diterima pelapor lewat WhatsApp/Telegram."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("diperbarui oleh"),
    )
    # Two people editing the same entry: the second save is refused instead of silently overwriting the first.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["topic", "title"]
        verbose_name = _("jawaban basis pengetahuan")
        verbose_name_plural = _("basis pengetahuan")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(answer="") & LessThanOrEqual(Length("answer"), KNOWLEDGE_ANSWER_LIMIT),
                name="knowledge_answer_length",
            ),
        ]

    def __str__(self) -> str:
        return self.title
