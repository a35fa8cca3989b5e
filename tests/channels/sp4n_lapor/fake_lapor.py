"""A local stand-in for SP4N-LAPOR!'s agency API, speaking the contract of docs/integrations/sp4n-lapor.md.

It serves a disposition feed from a list (paged by an opaque cursor), takes follow-up and status pushes, and
can be scripted to misbehave: answer slowly, answer the next requests with given statuses, or serve an item
twice. Loopback only, a daemon thread, stopped with the test. Like tests/channels/standin.py, it records every
request.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "lapor-test-token"
AGENCY = "satpolpp-balangan"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


@dataclass
class FakeLapor:
    server: ThreadingHTTPServer
    feed: list[dict] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)
    feed_statuses: deque[int] = field(default_factory=deque)  # next GET /dispositions answers
    push_statuses: deque[int] = field(default_factory=deque)  # next POST answers
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    pushes_accepted: dict[str, dict] = field(default_factory=dict)  # Idempotency-Key -> body (LAPOR dedupes)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path -> (content, content type)
    file_statuses: deque[int] = field(default_factory=deque)  # next file downloads answer

    @property
    def url(self) -> str:
        return f"{self.origin}/api/v1"

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_feed(self, *statuses: int) -> None:
        self.feed_statuses.extend(statuses)

    def fail_pushes(self, *statuses: int) -> None:
        self.push_statuses.extend(statuses)

    def feed_requests(self) -> list[Seen]:
        return [r for r in self.requests if r.method == "GET"]

    def pushes(self) -> list[Seen]:
        return [r for r in self.requests if r.method == "POST" and r.status < 300]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- answers --------------------------------------------------------------------------------------------

    def _page(self, query: dict[str, str]) -> dict:
        start = int(query.get("cursor", "pos-0").removeprefix("pos-") or 0)
        limit = int(query.get("limit", "50"))
        items = self.feed[start : start + limit]
        end = start + len(items)
        return {"data": items, "next_cursor": f"pos-{end}", "has_more": end < len(self.feed)}

    def answer(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes):
        if method == "GET" and path in self.files:
            with self.lock:
                status = self.file_statuses.popleft() if self.file_statuses else 200
            return (status, self.files[path]) if status < 300 else (status, {"error": "server error"})
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "unauthorized"}
        if method == "GET" and path.endswith("/dispositions"):
            with self.lock:
                status = self.feed_statuses.popleft() if self.feed_statuses else 200
            return (status, self._page(query)) if status < 300 else (status, {"error": "server error"})
        if method == "POST" and ("/follow-ups" in path or path.endswith("/status")):
            with self.lock:
                status = self.push_statuses.popleft() if self.push_statuses else 0
            if status:
                return status, {"error": "refused"}
            key = headers.get("idempotency-key", "")
            with self.lock:
                first = key not in self.pushes_accepted
                if first:
                    self.pushes_accepted[key] = json.loads(body or b"{}")
            return (201 if first else 200), {"id": f"lapor-{key}"}
        return 404, {"error": "not found"}


def item(tracking_id: str, **overrides) -> dict:
    """A feed item as LAPOR would send it (a complaint from Paringin with a named reporter), with overrides."""
    body = {
        "tracking_id": tracking_id,
        "title": "Balap liar di jalan poros",
        "content": "Setiap malam Minggu ada balap liar di jalan poros Paringin, sangat mengganggu.",
        "category": "Ketentraman dan Ketertiban Umum",
        "report_type": "pengaduan",
        "is_anonymous": False,
        "is_secret": False,
        "reporter": {"name": "Rahmat Hidayat", "phone": "081234567890"},
        "location": {"address": "Jl. Poros Paringin km 3", "kecamatan": "Paringin", "latitude": None, "longitude": None},
        "incident_at": None,
        "created_at": "2026-11-20T09:12:00+07:00",
        "disposed_at": "2026-11-23T10:00:00+08:00",
        "attachments": [],
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


def start_fake_lapor() -> FakeLapor:
    holder: dict[str, FakeLapor] = {}

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            fake = holder["fake"]
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            # LAPOR does the work, then is slow to answer: a client that times out may have been heard.
            status, answer = fake.answer(self.command, parts.path, query, headers, body)
            with fake.lock:
                fake.requests.append(Seen(self.command, parts.path, query, headers, body, status))
            if fake.delay:
                time.sleep(fake.delay)
            payload, content_type = (
                answer if isinstance(answer, tuple) else (json.dumps(answer).encode(), "application/json")
            )
            try:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        do_GET = do_POST = _handle

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = FakeLapor(server)
    holder["fake"] = fake
    # stop() waits for serve_forever to notice the shutdown, once per poll: the default half second was paid by
    # every test that starts one (about a minute of each suite run).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return fake
