import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", _("Bukti dari pelapor")
    FIELD_PHOTO = "field_photo", _("Foto lapangan")


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the uploader: no path tricks, no clashes.
    return f"attachments/{instance.complaint_id}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("jenis"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")

    def __str__(self) -> str:
        return f"{self.complaint_id}/{self.pk} ({self.content_type})"

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}.get(
            self.content_type, ".bin"
        )
