"""A local HTTP server that stands in for a provider (Graph API, Bot API, an integrator's webhook URL).

It records every request and answers from a script: a fixed status, or a queue of statuses. Loopback
only, a daemon thread, and it stops with the test.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


@dataclass
class StandIn:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    statuses: deque[int] = field(default_factory=deque)
    status: int = 200
    delay: float = 0.0  # seconds before answering: a slow provider
    response: dict = field(default_factory=lambda: {"ok": True})
    responses_by_path: dict[str, dict] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers (Location, Retry-After)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer_next(self, *statuses: int) -> None:
        self.statuses.extend(statuses)

    def _next_status(self) -> int:
        with self.lock:
            return self.statuses.popleft() if self.statuses else self.status

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_stand_in() -> StandIn:
    holder: dict[str, StandIn] = {}

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            stand_in = holder["stand_in"]
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            status = stand_in._next_status()
            record = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body, status)
            if stand_in.delay:
                time.sleep(stand_in.delay)
            with stand_in.lock:
                stand_in.requests.append(record)
            payload = json.dumps(stand_in.responses_by_path.get(self.path.split("?")[0], stand_in.response)).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for name, value in stand_in.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _handle

        def log_message(self, *args) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stand_in = StandIn(server)
    holder["stand_in"] = stand_in
    # stop() waits for serve_forever to notice the shutdown, once per poll: the default half second was paid by
    # every test that starts one (about a minute of each suite run).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return stand_in
