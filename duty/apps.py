from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """TRC posts' duty roster and field log (guard duty, patrols, crowd events secured)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "duty"
    verbose_name = _("Piket dan kegiatan lapangan")
