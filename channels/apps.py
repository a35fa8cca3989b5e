from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "channels"
    verbose_name = _("Kanal pesan")

    def ready(self) -> None:
        from channels import (
            notifications,  # noqa: F401  (connects the complaint-change receivers)
            staff_alerts,  # noqa: F401  (connects the SLA alert receiver)
        )
        from channels.sp4n_lapor import desk  # noqa: F401  (holiday calendar changes move LAPOR's deadlines)
        from channels.whatsapp import versions  # noqa: F401  (registers the Graph API version check)
