"""Which Graph API version WHATSAPP_GRAPH_BASE_URL calls, and how long Meta keeps it: a deprecation seen before it bites.

Meta removes a Graph API version about two years after it comes out; calls to it then fail, so every reply and
every media download would stop at once. The table below is Meta's "Available Graph API Versions" (Graph API
changelog, developers.facebook.com/documentation/development/graph-api/changelog, as updated Oct 29, 2026). The
system check (`manage.py check`) and the channel admin warn within NOTICE_PERIOD of the end, and after it.

Updating the table: add the new release; when Meta dates the end of an older one, fill it in.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.translation import gettext as _

# version: (introduced, available until; None while Meta says "TBD"). The changelog of Oct 29, 2026 also lists a
# release of November 4, 2026 whose name and end it did not yet give; it is added here once it has both.
GRAPH_API_VERSIONS: dict[str, tuple[date, date | None]] = {
    "v26.0": (date(2026, 7, 29), None),
    "v25.0": (date(2026, 2, 18), date(2028, 7, 29)),
    "v24.0": (date(2025, 10, 8), date(2028, 2, 18)),
    "v23.0": (date(2025, 5, 29), date(2027, 10, 8)),
    "v22.0": (date(2025, 1, 21), date(2027, 5, 20)),
    "v21.0": (date(2024, 10, 2), date(2027, 1, 21)),
    "v20.0": (date(2024, 5, 21), date(2026, 9, 24)),
    "v19.0": (date(2024, 1, 23), date(2026, 5, 21)),
    "v18.0": (date(2023, 9, 12), date(2026, 1, 26)),
}
NOTICE_PERIOD = timedelta(days=60)
VERSION = re.compile(r"/v(\d+)\.(\d+)(?=/|$)")

EXPIRING, EXPIRED, UNVERSIONED = "whatsapp.W001", "whatsapp.W002", "whatsapp.W003"


def today() -> date:
    return timezone.localdate()


def version_in(base_url: str) -> str:
    """"v26.0" from "https://graph.facebook.com/v26.0"; "" when the URL names no version."""
    match = VERSION.search(urlsplit(base_url).path.rstrip("/"))
    return f"v{int(match.group(1))}.{int(match.group(2))}" if match else ""


def _number(version: str) -> tuple[int, int]:
    major, minor = version.removeprefix("v").split(".")
    return int(major), int(minor)


def available_until(version: str) -> date | None:
    """The last day Meta serves `version`; None when not dated yet or newer than the table (nothing known against it).

    A version older than every one in the table ended before the oldest of them did.
    """
    if version in GRAPH_API_VERSIONS:
        return GRAPH_API_VERSIONS[version][1]
    oldest = min(GRAPH_API_VERSIONS, key=_number)
    if _number(version) < _number(oldest):
        return GRAPH_API_VERSIONS[oldest][1]
    return None


def notice(version: str, on: date | None = None) -> tuple[str, str] | None:
    """(check id, message) when `version` has ended or ends within NOTICE_PERIOD of `on`; None when all is well."""
    on = on or today()
    if not version:
        return UNVERSIONED, _(
            "WHATSAPP_GRAPH_BASE_URL tidak menyebut versi Graph API; Meta lalu memakai versi bawaan aplikasi, "
            "yang bisa berganti tanpa pemberitahuan."
        )
    until = available_until(version)
    if until is None:
        return None
    if until <= on:
        return EXPIRED, _("Graph API %(version)s sudah tidak tersedia sejak %(date)s: balasan WhatsApp gagal terkirim.") % {
            "version": version, "date": until.isoformat(),
        }
    if until - on <= NOTICE_PERIOD:
        return EXPIRING, _("Graph API %(version)s hanya tersedia sampai %(date)s (%(days)s hari lagi).") % {
            "version": version, "date": until.isoformat(), "days": (until - on).days,
        }
    return None


def newest_dated_version() -> str:
    return max(GRAPH_API_VERSIONS, key=_number)


def configured_notice() -> tuple[str, str] | None:
    base_url = settings.WHATSAPP_GRAPH_BASE_URL
    version = version_in(base_url)
    # A stand-in on another host (development, tests) is not Meta: no version needed there.
    if not version and not (urlsplit(base_url).hostname or "").endswith("facebook.com"):
        return None
    return notice(version)


def upgrade_hint() -> str:
    return _("Ubah WHATSAPP_GRAPH_BASE_URL ke versi yang lebih baru, misalnya https://graph.facebook.com/%(version)s.") % {
        "version": newest_dated_version(),
    }


@checks.register("whatsapp")
def check_graph_api_version(app_configs, **kwargs) -> list[checks.CheckMessage]:
    found = configured_notice()
    if found is None:
        return []
    check_id, message = found
    # A warning, not an error: an error would stop migrate and runserver, and the rest of TRECKK works without WhatsApp.
    return [checks.Warning(message, hint=upgrade_hint(), id=check_id)]
