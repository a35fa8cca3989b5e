from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.geography import District


class Team(models.Model):
    """A TRC field team, posted at a kecamatan office or at headquarters (no district).

    Members are the users of its group; object permissions on complaints go to that group.
    """

    name = models.CharField(_("nama"), max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="teams",
        verbose_name=_("pos kecamatan"), help_text=_("Kosong untuk tim markas (HQ)."),
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team")
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tim TRC")
        verbose_name_plural = _("tim TRC")

    def __str__(self) -> str:
        return self.name

    @property
    def is_headquarters(self) -> bool:
        return self.district_id is None

    def members(self):
        return self.group.user_set.filter(is_active=True)

    def add_member(self, user: settings.AUTH_USER_MODEL) -> None:
        user.groups.add(self.group)
