"""The one path by which reporter data leaves the database for a staff member or a channel."""

from __future__ import annotations

from dataclasses import dataclass, fields

from complaints.models import Complaint
from roles.policy import ReporterAccess, reporter_access


@dataclass(frozen=True)
class ReporterView:
    access: str
    anonymous: bool
    confidential: bool
    name: str | None = None
    phone: str | None = None
    nik: str | None = None
    address: str | None = None
    allow_field_contact: bool | None = None

    def as_dict(self) -> dict:
        # dataclasses.asdict deep-copies field by field; every value here is a str, bool or None, so a plain dict is
        # the same thing at a tenth of the cost (once per row of every API list).
        return {name: getattr(self, name) for name in _FIELD_NAMES}


_FIELD_NAMES = tuple(field.name for field in fields(ReporterView))


def reporter_view(user, complaint: Complaint) -> ReporterView:
    access = reporter_access(user, complaint)
    base = {"access": str(access), "anonymous": complaint.is_anonymous, "confidential": complaint.is_confidential}
    reporter = complaint.reporter if complaint.reporter_id else None
    if access == ReporterAccess.FULL:
        return ReporterView(
            **base, name=reporter.name, phone=reporter.phone, nik=reporter.nik, address=reporter.address,
            allow_field_contact=reporter.allow_field_contact,
        )
    if access == ReporterAccess.CONTACT:
        return ReporterView(**base, phone=reporter.phone, allow_field_contact=True)
    return ReporterView(**base)
