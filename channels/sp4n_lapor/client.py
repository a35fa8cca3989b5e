"""LaporClient: the only code that knows SP4N-LAPOR!'s wire format (URLs, auth headers, JSON fields, its codes).

The national API is not public; this follows the contract written down in docs/integrations/sp4n-lapor.md.
Everything else in the connector works with the plain objects defined here (`Disposition`, `DispositionPage`,
`Push`), so a change on LAPOR's side is a change in this file and that document only.

Every failure raises LaporError (a DeliveryError): transient for timeouts, connection errors, 408/409/425/429 and
5xx, so the pull simply runs again later and the outbox retries a push with backoff; final for the rest (bad
token, unknown report), which the outbox keeps as a dead letter for the Operator.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings
from django.utils.dateparse import parse_datetime

from channels.sp4n_lapor.models import LaporReportType
from channels.transports import DeliveryError
from channels.transports.http import TRANSIENT_STATUSES, post_json
from complaints.workflow import Outcome

logger = logging.getLogger(__name__)


class LaporError(DeliveryError):
    """LAPOR did not answer as the contract says."""


class LaporNotConfigured(LaporError):
    def __init__(self, what: str) -> None:
        super().__init__(f"SP4N-LAPOR! is not configured: {what} is empty.", transient=False)


@dataclass(frozen=True)
class Disposition:
    """One report LAPOR dispositioned to this unit, as read from the disposition feed."""

    tracking_id: str
    title: str
    content: str
    category: str
    report_type: str  # a LaporReportType value
    is_anonymous: bool
    is_secret: bool
    reporter_name: str
    reporter_phone: str
    address: str
    kecamatan: str
    latitude: Decimal | None
    longitude: Decimal | None
    incident_at: datetime | None
    submitted_at: datetime | None
    disposed_at: datetime | None
    attachments: list[dict] = field(default_factory=list)  # [{"url", "filename", "content_type"}]


@dataclass(frozen=True)
class DispositionPage:
    items: list[Disposition]
    next_cursor: str  # empty: LAPOR gave none; keep the cursor we have
    has_more: bool
    rejected: list[str] = field(default_factory=list)  # why items were left out (no tracking id)


FOLLOW_UP = "follow_up"
FINAL = "final"


@dataclass(frozen=True)
class Push:
    """What we tell LAPOR about one of its reports: a follow-up (tindak lanjut) or the final status.

    Stored as the outbox message's payload (`as_payload`), so the worker sends exactly what was decided in the
    transaction that changed the complaint.
    """

    kind: str  # FOLLOW_UP or FINAL
    tracking_id: str
    text: str
    reference: str  # our tracking code
    at: str  # ISO 8601, when it happened here
    result: str = ""  # FINAL: an Outcome value (resolved, unfounded, answered, returned, referred)
    reason: str = ""  # FINAL returned/referred: why, in words
    agency: str = ""  # FINAL referred: the agency it belongs to

    def as_payload(self) -> dict:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict) -> Push:
        return cls(**{name: payload.get(name, "") for name in cls.__dataclass_fields__})


# Our outcome -> LAPOR's final status and result ("hasil"). `referred` is LAPOR's "bukan wewenang": the report
# is not this unit's authority, and LAPOR's administrator re-dispositions it to the agency we name.
FINAL_STATUS = {
    Outcome.RESOLVED: ("selesai", "ditangani"),
    Outcome.UNFOUNDED: ("selesai", "tidak_terbukti"),
    Outcome.ANSWERED: ("selesai", "dijawab"),
    Outcome.RETURNED: ("selesai", "tidak_dapat_ditindaklanjuti"),
    Outcome.REFERRED: ("bukan_wewenang", None),
}
FOLLOW_UP_STATUS = "diproses"
REPORT_TYPES = {
    "pengaduan": LaporReportType.COMPLAINT,
    "aspirasi": LaporReportType.ASPIRATION,
    "permintaan_informasi": LaporReportType.INFORMATION,
    "permintaan informasi": LaporReportType.INFORMATION,
}
TRUE_WORDS = {"1", "true", "ya", "yes", "y"}


class LaporClient:
    """Pull the disposition feed and push follow-ups and final statuses, per the documented contract."""

    def __init__(self, *, base_url: str | None = None, token: str | None = None, agency_id: str | None = None) -> None:
        self.base_url = (settings.SP4N_LAPOR_BASE_URL if base_url is None else base_url).rstrip("/")
        self.token = settings.SP4N_LAPOR_API_TOKEN if token is None else token
        self.agency_id = settings.SP4N_LAPOR_AGENCY_ID if agency_id is None else agency_id

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def _headers(self) -> dict[str, str]:
        if not self.base_url:
            raise LaporNotConfigured("SP4N_LAPOR_BASE_URL")
        if not self.token:
            raise LaporNotConfigured("SP4N_LAPOR_API_TOKEN")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json", "User-Agent": "TRECKK"}
        if self.agency_id:
            headers["X-Lapor-Agency"] = self.agency_id
        return headers

    def auth_headers_for(self, url: str) -> dict[str, str]:
        """The token goes only to LAPOR's own host (attachment links may point elsewhere)."""
        return self._headers() if urlsplit(url).netloc == self.host else {}

    # -- pull -------------------------------------------------------------------------------------------------

    def dispositions(self, *, cursor: str = "", limit: int = 50) -> DispositionPage:
        """One page of reports dispositioned to us, oldest first, strictly after `cursor` (from the start if empty)."""
        params: dict[str, str | int] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        headers = self._headers()
        try:
            response = httpx.get(
                f"{self.base_url}/dispositions", params=params, headers=headers,
                timeout=settings.TRECKK_HTTP_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as error:
            raise LaporError(f"dispositions: {type(error).__name__}: {error}", transient=True) from error
        if response.status_code >= 400:
            transient = response.status_code >= 500 or response.status_code in TRANSIENT_STATUSES
            raise LaporError(f"dispositions: HTTP {response.status_code}: {response.text[:300]}", transient=transient)
        try:
            body = response.json()
        except ValueError as error:
            raise LaporError(f"dispositions: not JSON: {response.text[:200]}", transient=True) from error
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise LaporError(f"dispositions: unexpected answer: {response.text[:200]}", transient=True)
        items, rejected = [], []
        for raw in body["data"]:
            item = _disposition(raw)
            if isinstance(item, str):
                rejected.append(item)
            else:
                items.append(item)
        next_cursor = body.get("next_cursor")
        return DispositionPage(
            items=items, next_cursor=str(next_cursor) if next_cursor not in (None, "") else "",
            has_more=body.get("has_more") is True, rejected=rejected,
        )

    # -- push -------------------------------------------------------------------------------------------------

    def send(self, push: Push, *, idempotency_key: str) -> str:
        """Post a follow-up or a final status; LAPOR's id for it. The same key again must not post it twice."""
        headers = {**self._headers(), "Idempotency-Key": idempotency_key}
        report = quote(push.tracking_id, safe="")
        if push.kind == FOLLOW_UP:
            url = f"{self.base_url}/reports/{report}/follow-ups"
            body = {"status": FOLLOW_UP_STATUS, "content": push.text, "reference": push.reference, "posted_at": push.at}
        elif push.kind == FINAL:
            if push.result not in FINAL_STATUS:
                raise LaporError(f"No LAPOR status for outcome {push.result!r}.", transient=False)
            status, result = FINAL_STATUS[Outcome(push.result)]
            url = f"{self.base_url}/reports/{report}/status"
            body = {
                "status": status, "result": result, "content": push.text, "reason": push.reason or None,
                "target_agency": push.agency or None, "reference": push.reference, "closed_at": push.at,
            }
        else:
            raise LaporError(f"Unknown push kind {push.kind!r}.", transient=False)
        try:
            response = post_json(url, json=body, headers=headers)
        except DeliveryError as error:
            raise LaporError(f"{push.kind} {push.tracking_id}: {error}", transient=error.transient) from error
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        # LAPOR accepted it: a missing id must not turn a delivered push into a failure (and a second post).
        return str(answer.get("id") or "") if isinstance(answer, dict) else ""


def _text(value: object, limit: int) -> str:
    return str(value).strip()[:limit] if value is not None else ""


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_WORDS if value is not None else False


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    # LAPOR writes offsets; a bare time is read as WIB (UTC+7), where the national system runs.
    if parsed is not None and parsed.tzinfo is None:
        from zoneinfo import ZoneInfo

        parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Jakarta"))
    return parsed


def _coordinate(value: object, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None
    return number if -bound <= number <= bound else None


def _disposition(raw: object) -> Disposition | str:
    """One feed item, or why it cannot be used (without a tracking id nothing can be matched or answered)."""
    if not isinstance(raw, dict):
        return f"not an object: {str(raw)[:80]}"
    tracking_id = _text(raw.get("tracking_id"), 64)
    if not tracking_id:
        return f"no tracking_id: {str(raw)[:120]}"
    reporter = raw.get("reporter") if isinstance(raw.get("reporter"), dict) else {}
    location = raw.get("location") if isinstance(raw.get("location"), dict) else {}
    report_type = REPORT_TYPES.get(_text(raw.get("report_type"), 40).lower(), LaporReportType.COMPLAINT)
    attachments = []
    for item in raw.get("attachments") or []:
        url = item.get("url") if isinstance(item, dict) else None
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            attachments.append({
                "url": url[:1000], "filename": _text(item.get("filename"), 200),
                "content_type": _text(item.get("content_type"), 100),
            })
    latitude, longitude = _coordinate(location.get("latitude"), 90), _coordinate(location.get("longitude"), 180)
    if latitude is None or longitude is None:
        latitude = longitude = None
    return Disposition(
        tracking_id=tracking_id,
        title=_text(raw.get("title"), 500),
        content=_text(raw.get("content"), 8000),
        category=_text(raw.get("category"), 200),
        report_type=report_type,
        is_anonymous=_flag(raw.get("is_anonymous")),
        is_secret=_flag(raw.get("is_secret")),
        reporter_name=_text(reporter.get("name"), 150),
        reporter_phone=_text(reporter.get("phone"), 32),
        address=_text(location.get("address"), 255),
        kecamatan=_text(location.get("kecamatan"), 120),
        latitude=latitude,
        longitude=longitude,
        incident_at=_when(raw.get("incident_at")),
        submitted_at=_when(raw.get("created_at")),
        disposed_at=_when(raw.get("disposed_at")),
        attachments=attachments[:10],
    )
