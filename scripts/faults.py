"""`make faults`: sustained channel intake while gunicorn workers are SIGKILLed and PostgreSQL restarts.

Not a test (it takes minutes and owns processes); issue 8's fault check. Everything runs on loopback, in a private
PostgreSQL cluster this script creates in a temporary directory (never the machine's shared PostgreSQL), and stops
by itself:

1. initdb a throwaway cluster with Debian's binaries (/usr/lib/postgresql/<newest>/bin; as the `postgres` user when
   run as root), listening on 127.0.0.1 on a free port with trust auth; migrate TRECKK into it; give a channel an
   API key.
2. Start gunicorn (FAULTS_WORKERS sync workers, production settings) on 127.0.0.1.
3. FAULTS_CLIENTS threads post structured complaints (POST /api/v1/complaints/, `Api-Key`) for FAULTS_SECONDS,
   each with a fresh Idempotency-Key. A request that fails (connection refused, reset, timeout) or answers 5xx or
   429 is sent again with the SAME key, as a real channel does, until it gets a 2xx or a 4xx, or the drain time
   after the load runs out. The client waits min(Retry-After, 1 s) between tries: more eager than a polite channel,
   so that the outage sees more traffic.
4. Meanwhile, on a fixed schedule: SIGKILL a gunicorn worker (gunicorn starts a new one) three times; stop
   PostgreSQL (fast shutdown), keep it down a few seconds, start it; later restart it with an immediate shutdown
   (a crash: no checkpoint, recovery from the WAL on start).
5. Check in the database: every acknowledged complaint (2xx) is stored exactly once, under the code the
   acknowledgement gave, for its Idempotency-Key; no key has two complaints; every stored complaint has its submit
   event (nothing half-written).

Prints one JSON document on stdout (progress on stderr): requests sent, 2xx (201 created / 200 the stored one for a
retry), 503s and how many carried Retry-After, other 5xx, connection errors by kind, faults injected, complaints
acknowledged versus stored. Exit status 1 when an acknowledged complaint is missing or doubled, or any 5xx other
than 503 was answered. The cluster, gunicorn and the temporary directory are removed at the end, also on Ctrl-C and
when FAULTS_DEADLINE runs out.

Settings (environment): FAULTS_SECONDS (75), FAULTS_CLIENTS (12), FAULTS_WORKERS (3), FAULTS_DRAIN_SECONDS (30),
FAULTS_MAX_KEYS (50000: a bound on complaints created), FAULTS_DEADLINE (420 s for the whole run), FAULTS_OUTPUT
(also write the JSON there), FAULTS_KEEP=1 (keep the temporary directory and its logs).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

STARTED = time.monotonic()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECONDS = float(os.environ.get("FAULTS_SECONDS", "75"))
CLIENTS = int(os.environ.get("FAULTS_CLIENTS", "12"))
WORKERS = int(os.environ.get("FAULTS_WORKERS", "3"))
DRAIN_SECONDS = float(os.environ.get("FAULTS_DRAIN_SECONDS", "30"))
MAX_KEYS = int(os.environ.get("FAULTS_MAX_KEYS", "50000"))
DEADLINE = int(os.environ.get("FAULTS_DEADLINE", "420"))
OUTPUT = os.environ.get("FAULTS_OUTPUT", "")
KEEP = os.environ.get("FAULTS_KEEP", "") == "1"
POSTGRES_DOWN_SECONDS = 5.0
REQUEST_TIMEOUT = 10.0
MAX_RETRY_WAIT = 1.0
DATABASE = "treckk_faults"
LIST = "/api/v1/complaints/"


def log(message: str) -> None:
    print(f"[faults {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 5432:  # never the shared cluster's port
            return port


class Deadline(Exception):
    pass


# --- the private PostgreSQL cluster ------------------------------------------------------------------------------


class PrivateCluster:
    """A throwaway cluster in `directory`, on 127.0.0.1:`port` only; never the machine's shared one."""

    def __init__(self, directory: Path) -> None:
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
        if not candidates:
            sys.exit("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)")
        self.bin = candidates[-1].parent
        self.version = self.bin.parent.name
        self.directory = directory
        self.data = directory / "data"
        self.sockets = directory / "sockets"
        self.logfile = directory / "postgres.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses root
        self.started = False

    def _run(self, *argv: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return subprocess.run(  # noqa: S603 - fixed argv
            [*prefix, *argv], check=check, capture_output=True, text=True, timeout=timeout, cwd="/",
        )

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "60", *args,
                         check=check)

    def create(self) -> None:
        self.directory.mkdir(mode=0o700)
        self.sockets.mkdir()
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--no-locale", "--no-instructions")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# treckk faults: loopback only, a port of its own, sockets in the temporary directory\n"
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.sockets}'\n"
                "max_connections = 60\nfsync = on\nsynchronous_commit = on\n"
            )

    def start(self) -> None:
        self.pg_ctl("start")
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "stop")

    def restart(self, mode: str) -> None:
        self.pg_ctl("-m", mode, "restart")

    def destroy(self) -> None:
        if self.started:
            self.pg_ctl("-m", "immediate", "stop", check=False)
            self.started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"


# --- gunicorn ------------------------------------------------------------------------------------------------------


class Server:
    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logfile = directory / "gunicorn.log"
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log_handle = self.logfile.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "30", "--graceful-timeout", "5",
             "--error-logfile", "-", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=log_handle, stderr=log_handle, start_new_session=True,
        )
        import httpx

        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.logfile}:\n{self.logfile.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/health/", timeout=2).status_code == 200 and len(self.workers()) >= WORKERS:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /health/ within 60 s:\n{self.logfile.read_text()[-2000:]}")

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- the load ------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the client saw for one Idempotency-Key."""

    attempts: int = 0
    acknowledged: str = ""  # the code of the first 2xx
    codes: set[str] = field(default_factory=set)  # every code any 2xx for this key named
    final_status: int | None = None
    gave_up: bool = False


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    connection_errors: Counter = field(default_factory=Counter)
    retry_after_on_503: int = 0
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def record(self, status: int | None = None, error: str = "", retry_after: bool = False) -> None:
        with self.lock:
            self.sent += 1
            if error:
                self.connection_errors[error] += 1
            else:
                self.statuses[status] += 1
                if status == 503 and retry_after:
                    self.retry_after_on_503 += 1


def payload(key: str) -> dict:
    return {
        "category": "keributan", "district": "paringin", "address": "Jl. Uji Gangguan",
        "description": f"Uji gangguan: aduan {key} dikirim ulang dengan kunci yang sama sampai diakui.",
        "reporter": {"name": "Warga Uji", "phone": f"0812{random.randint(10_000_000, 99_999_999)}"},  # noqa: S311
    }


def client_loop(number: int, base: str, api_key: str, stats: Stats, load_ends: float, drain_ends: float,
                stop: threading.Event, run_id: str) -> None:
    import httpx

    headers = {"Authorization": f"Api-Key {api_key}"}
    sequence = 0
    with httpx.Client(base_url=base, timeout=httpx.Timeout(REQUEST_TIMEOUT, connect=3.0)) as http:
        while not stop.is_set() and time.monotonic() < load_ends:
            with stats.lock:
                if len(stats.outcomes) >= MAX_KEYS:
                    return
                sequence += 1
                key = f"faults-{run_id}-{number}-{sequence}"
                outcome = stats.outcomes[key] = Outcome()
            body = payload(key)
            while True:
                if stop.is_set() or time.monotonic() > drain_ends:
                    outcome.gave_up = True
                    break
                outcome.attempts += 1
                wait = 0.2
                try:
                    response = http.post(LIST, json=body, headers={**headers, "Idempotency-Key": key})
                except httpx.TransportError as error:
                    stats.record(error=type(error).__name__)
                else:
                    retry_after = response.headers.get("Retry-After")
                    stats.record(response.status_code, retry_after=bool(retry_after))
                    outcome.final_status = response.status_code
                    if 200 <= response.status_code < 300:
                        code = response.json().get("code", "")
                        outcome.codes.add(code)
                        outcome.acknowledged = outcome.acknowledged or code
                        break
                    if 400 <= response.status_code < 500 and response.status_code != 429:
                        break  # the request itself is wrong: sending it again would not help
                    if retry_after and retry_after.isdigit():
                        wait = min(float(retry_after), MAX_RETRY_WAIT)
                time.sleep(wait * (0.5 + random.random()))  # noqa: S311 - jitter


# --- faults --------------------------------------------------------------------------------------------------------


@dataclass
class FaultLog:
    events: list[dict] = field(default_factory=list)
    injected: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, **details) -> None:
        self.events.append({"at": round(time.monotonic() - LOAD_STARTED[0], 1), "kind": kind, **details})
        log(f"fault: {kind} {details}")


LOAD_STARTED = [0.0]


def inject_faults(cluster: PrivateCluster, server: Server, faults: FaultLog, stop: threading.Event) -> None:
    """The schedule, as fractions of the load time, so a shorter run still gets every fault."""

    def at(fraction: float) -> bool:
        target = LOAD_STARTED[0] + SECONDS * fraction
        while time.monotonic() < target:
            if stop.wait(0.1):
                return False
        return True

    def kill_worker() -> None:
        workers = server.workers()
        if not workers:
            faults.errors.append("no gunicorn worker to kill")
            return
        victim = random.choice(workers)  # noqa: S311
        os.kill(victim, signal.SIGKILL)
        faults.injected["worker_sigkill"] += 1
        faults.add("sigkill_worker", pid=victim)

    try:
        if not at(0.15):
            return
        kill_worker()
        if not at(0.30):
            return
        down = time.monotonic()
        cluster.stop("fast")
        faults.add("postgres_stop", mode="fast")
        if stop.wait(POSTGRES_DOWN_SECONDS):
            return  # interrupted: the cleanup stops the cluster; starting it again here could outlive the cleanup
        cluster.start()
        faults.injected["postgres_restart"] += 1
        faults.add("postgres_start", down_seconds=round(time.monotonic() - down, 1))
        if not at(0.50):
            return
        kill_worker()
        if not at(0.65):
            return
        began = time.monotonic()
        cluster.restart("immediate")  # a crash: no shutdown checkpoint, WAL recovery on start
        faults.injected["postgres_restart"] += 1
        faults.add("postgres_restart_immediate", seconds=round(time.monotonic() - began, 1))
        if not at(0.85):
            return
        kill_worker()
    except Exception as error:  # reported in the summary; the run goes on to its checks
        faults.errors.append(f"{type(error).__name__}: {error}")
        log(f"fault injection failed: {error}")


# --- the check -----------------------------------------------------------------------------------------------------


def check_database(cluster: PrivateCluster, channel_id: int, outcomes: dict[str, Outcome]) -> dict:
    import psycopg

    with psycopg.connect(cluster.url, connect_timeout=10) as conn:
        rows = conn.execute(
            "SELECT c.external_ref, c.code, "
            "(SELECT count(*) FROM complaints_complaintevent e WHERE e.complaint_id = c.id AND e.action = 'submit') "
            "FROM complaints_complaint c WHERE c.channel_id = %s",
            [channel_id],
        ).fetchall()
    stored: dict[str, list[str]] = {}
    without_submit_event = 0
    for key, code, submits in rows:
        stored.setdefault(key, []).append(code)
        if submits != 1:
            without_submit_event += 1
    acknowledged = {key: outcome for key, outcome in outcomes.items() if outcome.acknowledged}
    missing = [key for key in acknowledged if key not in stored]
    code_mismatch = [key for key, outcome in acknowledged.items()
                     if key in stored and (len(outcome.codes) != 1 or stored[key] != [outcome.acknowledged])]
    doubled = [key for key, codes in stored.items() if len(codes) > 1]
    unknown = [key for key in stored if key not in outcomes]
    return {
        "keys_started": len(outcomes),
        "acknowledged": len(acknowledged),
        "acknowledged_after_a_retry": sum(1 for outcome in acknowledged.values() if outcome.attempts > 1),
        "stored": len(rows),
        "acknowledged_and_stored_once": len(acknowledged) - len(missing) - len(code_mismatch),
        "acknowledged_missing": len(missing),
        "acknowledged_with_another_code": len(code_mismatch),
        "keys_stored_more_than_once": len(doubled),
        "stored_without_acknowledgement": sum(1 for key in stored if key in outcomes and not outcomes[key].acknowledged),
        "stored_for_unknown_keys": len(unknown),
        "without_exactly_one_submit_event": without_submit_event,
        "gave_up_unacknowledged": sum(1 for outcome in outcomes.values() if outcome.gave_up and not outcome.acknowledged),
        "examples": {"missing": missing[:5], "mismatch": code_mismatch[:5], "doubled": doubled[:5]},
    }


# --- the run -------------------------------------------------------------------------------------------------------


def main() -> int:
    def on_deadline(signum, frame):
        raise Deadline(f"FAULTS_DEADLINE ({DEADLINE} s) reached")

    def on_terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, on_deadline)
    signal.signal(signal.SIGTERM, on_terminate)
    # Also when started in the background by a shell that ignores SIGINT for its children.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.alarm(DEADLINE)

    top = Path(tempfile.mkdtemp(prefix="treckk-faults-"))
    os.chmod(top, 0o711)  # noqa: S103 - traversable only: the postgres user must reach its own data directory inside
    cluster = PrivateCluster(top / "pg")
    server: Server | None = None
    stop = threading.Event()
    threads: list[threading.Thread] = []
    fault_thread: threading.Thread | None = None
    try:
        log(f"private PostgreSQL {cluster.version} cluster in {cluster.directory}, 127.0.0.1:{cluster.port}")
        cluster.create()
        cluster.start()
        subprocess.run(  # noqa: S603 - fixed argv
            [str(cluster.bin / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", DATABASE], check=True,
        )
        env = {
            **{key: value for key, value in os.environ.items() if key != "DEBUG"},
            "DATABASE_URL": cluster.url,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            # Plain http on loopback, and no per-channel intake limit: the run measures faults, not the limiter.
            "TRECKK_SSL_REDIRECT": "0",
            "TRECKK_RATE_LIMIT_INTAKE": "1000000/m",
        }
        os.environ.update(env)
        os.environ.pop("DEBUG", None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from complaints.models import Channel, ChannelKind

        log("migrating the private database")
        call_command("migrate", verbosity=0, interactive=False)
        channel = Channel.objects.create(name="Uji gangguan", kind=ChannelKind.API)
        api_key = channel.rotate_api_key()
        connections.close_all()  # this process holds no connection through the restarts

        server = Server(top, env)
        log(f"starting gunicorn, {WORKERS} workers, {server.base}")
        server.start()
        workers_before = server.workers()

        stats = Stats()
        faults = FaultLog()
        run_id = uuid.uuid4().hex[:8]
        LOAD_STARTED[0] = time.monotonic()
        load_ends = LOAD_STARTED[0] + SECONDS
        drain_ends = load_ends + DRAIN_SECONDS
        log(f"load: {CLIENTS} clients for {SECONDS:.0f} s (then up to {DRAIN_SECONDS:.0f} s for retries to finish)")
        threads = [
            threading.Thread(target=client_loop, args=(n, server.base, api_key, stats, load_ends, drain_ends, stop, run_id),
                             daemon=True)
            for n in range(CLIENTS)
        ]
        fault_thread = threading.Thread(target=inject_faults, args=(cluster, server, faults, stop), daemon=True)
        for thread in [*threads, fault_thread]:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            time.sleep(1)
            if int(time.monotonic() - LOAD_STARTED[0]) % 10 == 0:
                with stats.lock:
                    log(f"  sent {stats.sent}, statuses {dict(stats.statuses)}, errors {dict(stats.connection_errors)}")
        stop.set()
        fault_thread.join(timeout=90)
        load_seconds = time.monotonic() - LOAD_STARTED[0]

        import httpx

        health = None
        with contextlib.suppress(httpx.HTTPError):
            health = httpx.get(f"{server.base}/health/", timeout=5).status_code
        workers_after = server.workers()
        log("checking the database")
        database = check_database(cluster, channel.pk, stats.outcomes)

        other_5xx = {str(status): count for status, count in stats.statuses.items() if status >= 500 and status != 503}
        acknowledged_2xx = sum(count for status, count in stats.statuses.items() if 200 <= status < 300)
        summary = {
            "what": "channel intake under SIGKILLed gunicorn workers and PostgreSQL restarts (scripts/faults.py)",
            "seconds": {"load": SECONDS, "load_and_drain": round(load_seconds, 1), "total": round(time.monotonic() - STARTED, 1)},
            "setup": {
                "postgresql": f"private {cluster.version} cluster on 127.0.0.1:{cluster.port}",
                "gunicorn": f"{WORKERS} sync workers on 127.0.0.1:{server.port}",
                "clients": CLIENTS,
                "client_retry": "same Idempotency-Key after a connection error, 5xx or 429; waits min(Retry-After, 1 s)",
            },
            "faults_injected": dict(faults.injected),
            "fault_timeline": faults.events,
            "fault_errors": faults.errors,
            "requests": {
                "sent": stats.sent,
                "2xx": acknowledged_2xx,
                "201_created": stats.statuses.get(201, 0),
                "200_already_stored": stats.statuses.get(200, 0),
                "503": stats.statuses.get(503, 0),
                "503_with_retry_after": stats.retry_after_on_503,
                "5xx_other_than_503": other_5xx,
                "4xx": {str(status): count for status, count in stats.statuses.items() if 400 <= status < 500},
                "connection_errors": dict(stats.connection_errors),
            },
            "complaints": database,
            "after": {"health": health, "workers_before": len(workers_before), "workers_after": len(workers_after),
                      "workers_replaced": len(set(workers_before) - set(workers_after))},
        }
        problems = []
        if database["acknowledged_missing"] or database["acknowledged_with_another_code"]:
            problems.append("an acknowledged complaint is missing or has another code")
        if database["keys_stored_more_than_once"] or database["stored_for_unknown_keys"]:
            problems.append("a key has more than one complaint")
        if database["without_exactly_one_submit_event"]:
            problems.append("a complaint without its submit event")
        if other_5xx:
            problems.append("5xx other than 503")
        if stats.statuses.get(503, 0) != stats.retry_after_on_503:
            problems.append("a 503 without Retry-After")
        if faults.errors:
            problems.append("a fault could not be injected")
        summary["ok"] = not problems
        summary["problems"] = problems
        text = json.dumps(summary, indent=2)
        print(text)
        if OUTPUT:
            Path(OUTPUT).write_text(text + "\n")
        return 0 if not problems else 1
    except (KeyboardInterrupt, Deadline) as stopped:
        log(f"stopped: {str(stopped) or 'interrupted'}")
        return 130
    finally:
        signal.alarm(0)
        # Cleanup is bounded (timeouts everywhere); a second Ctrl-C must not leave the cluster running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 2)
        if fault_thread is not None:
            fault_thread.join(timeout=90)  # a pg_ctl in progress finishes (bounded by its -t 60) before the cluster goes
        if server is not None:
            server.stop()
        cluster.destroy()
        if KEEP:
            log(f"kept {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)
        log("cleaned up")


if __name__ == "__main__":
    sys.exit(main())
