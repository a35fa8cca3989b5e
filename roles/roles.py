"""The five staff roles of the SOP, each a Django group."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    OPERATOR = "operator"
    KASI = "kasi"
    KABID = "kabid"
    TRC = "trc"
    KEPALA = "kepala"

    @property
    def group_name(self) -> str:
        return ROLE_GROUP_NAMES[self]

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


# Group names are what administrators see in the Django admin; the codes above are what code uses.
ROLE_GROUP_NAMES: dict[Role, str] = {
    Role.OPERATOR: "Operator",
    Role.KASI: "Kasi/Kasubag",
    Role.KABID: "Kabid",
    Role.TRC: "TRC",
    Role.KEPALA: "Kepala",
}
ROLE_LABELS = {
    Role.OPERATOR: _("Operator"),
    Role.KASI: _("Kasi/Kasubag"),
    Role.KABID: _("Kabid Trantibum"),
    Role.TRC: _("Tim Reaksi Cepat"),
    Role.KEPALA: _("Kepala Satuan"),
}
GROUP_NAME_ROLES: dict[str, Role] = {name: role for role, name in ROLE_GROUP_NAMES.items()}

# Whom a missed deadline escalates to (SOP: the owner, then the owner's superior).
SUPERIOR: dict[Role, Role | None] = {
    Role.OPERATOR: Role.KABID,
    Role.KASI: Role.KABID,
    Role.TRC: Role.KABID,
    Role.KABID: Role.KEPALA,
    Role.KEPALA: None,
}
