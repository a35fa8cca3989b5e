"""`make bench`: the production server under a real load generator, against PostgreSQL with a million complaints.

Not a test. One command from a fresh clone: it creates the benchmark database if missing, migrates it, fills it with
the volume generator up to BENCH_COMPLAINTS, installs wrk from Debian packages if missing, starts gunicorn on
127.0.0.1 (workers sized to the cores), and runs wrk in its own process for a fixed time per scenario at a fixed
concurrency. It prints one JSON document on stdout (progress goes to stderr) with, per scenario: requests/s and its
ratio to the health endpoint measured in the same run, p50/p95/p99 latency, errors, SQL queries per request, and the
peak memory of the gunicorn workers. The whole run stops by itself within BENCH_DEADLINE seconds.

Settings (environment):
  DATABASE_URL        postgres://postgres@127.0.0.1:5432/treckk_bench (PostgreSQL only; created when missing)
  BENCH_COMPLAINTS    1000000    complaints in the database before measuring (generated once, kept between runs)
  BENCH_SECONDS       10         seconds per scenario (shortened when the deadline needs it)
  BENCH_CONCURRENCY   16         open connections (the dashboard runs at 2: it is a report, not a hot path)
  BENCH_WORKERS       2 x cores + 1 gunicorn sync workers
  BENCH_DEADLINE      590        seconds for the whole run, generation included
  BENCH_PORT          8077
  BENCH_OUTPUT        also write the JSON to this file
  BENCH_ONLY          only these scenarios (comma-separated names), with health

SQL queries per request are counted in this process by replaying one request of each scenario through Django's
test client with CaptureQueriesContext (the same views, middleware and database).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

STARTED = time.monotonic()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/treckk_bench")
COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * CORES + 1)))
DEADLINE = float(os.environ.get("BENCH_DEADLINE", "590"))
PORT = int(os.environ.get("BENCH_PORT", "8077"))
OUTPUT = os.environ.get("BENCH_OUTPUT", "")
# A comma-separated subset of scenario names (health always runs, it is the ceiling the others are compared to).
ONLY = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
WHATSAPP_SECRET = "bench-whatsapp-app-secret"  # noqa: S105 - the benchmark's own throwaway secret
WRK_THREADS = max(1, min(CORES, 4))
BASE = f"http://127.0.0.1:{PORT}"

# The server and this process run in production mode (no DEBUG) with throwaway keys.
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "WHATSAPP_APP_SECRET": WHATSAPP_SECRET,
    "WHATSAPP_PHONE_NUMBER_ID": "",
    "LOG_LEVEL": "WARNING",
    # Every request comes from 127.0.0.1: the public lookup's per-address limit would refuse all but the first 30.
    # The bench measures the lookup itself; the limiter is tested in tests/public.
    "TRECKK_RATE_LIMIT_TRACK": "100000000/1m",
    # Plain http on loopback (production settings redirect to https), and no per-channel intake limit (600/min by
    # default, which 16 connections pass in a second): the bench measures the stack, the limits are tested in tests/.
    "TRECKK_SSL_REDIRECT": "0",
    "TRECKK_RATE_LIMIT_INTAKE": "100000000/1m",
    "TRECKK_RATE_LIMIT_LOGIN": "100000000/1m",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
os.environ.pop("DEBUG", None)
os.environ.update(SERVER_ENV)


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:5.0f}s] {message}", file=sys.stderr, flush=True)


def left() -> float:
    return DEADLINE - (time.monotonic() - STARTED)


def ensure_database() -> None:
    import psycopg
    from psycopg import sql

    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench measures PostgreSQL: set DATABASE_URL=postgres://...")
    target = psycopg.conninfo.conninfo_to_dict(DATABASE_URL)
    name = target.get("dbname") or "treckk_bench"
    admin = {**target, "dbname": "postgres"}
    try:
        with psycopg.connect(**admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                log(f"creating database {name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL does not answer at {DATABASE_URL}: {error}")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk missing: installing Debian's wrk package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["update", "-qq"], ["install", "-y", "-qq", "wrk"]):
        subprocess.run([*sudo, "apt-get", *step], check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed argv
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    # Production mode serves hashed static names from the manifest, which collectstatic writes.
    call_command("collectstatic", verbosity=0, interactive=False)


def ensure_volume() -> int:
    from complaints.models import Complaint
    from complaints.volume import generate

    have = Complaint.objects.count()
    if have >= COMPLAINTS * 0.98:
        log(f"{have:,} complaints in the database")
        return have
    missing = COMPLAINTS - have
    log(f"{have:,} complaints in the database: generating {missing:,} more")

    def progress(step) -> None:
        if step.done % 50_000 < 5_000 or step.done == step.total:
            log(f"  generated {step.done:,} / {step.total:,} ({step.seconds:.0f} s)")

    summary = generate(missing, progress=progress)
    log(f"generated {missing:,} complaints in {summary.seconds:.0f} s")
    return Complaint.objects.count()


@dataclass
class Scenario:
    name: str
    requests: list[tuple[str, str, dict[str, str], str]]  # method, path, headers, body
    concurrency: int = CONCURRENCY
    note: str = ""
    targets: dict = field(default_factory=dict)
    replay: tuple[str, str, dict[str, str], str] | None = None  # the request replayed to count queries
    skipped: str = ""


@dataclass
class Logins:
    tokens: dict[str, str]
    sessions: dict[str, str]
    api_key: str


ROLE_USERS = {"operator": "operator", "kasi": "kasi", "kabid": "kabid", "trc": "trc-paringin", "kepala": "kepala"}


def logins() -> Logins:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from complaints.models import Channel, ChannelKind

    users = {role: get_user_model().objects.get(username=name) for role, name in ROLE_USERS.items()}
    tokens = {role: Token.objects.get_or_create(user=user)[0].key for role, user in users.items()}
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies["sessionid"].value
    channel, _ = Channel.objects.get_or_create(name="Bench API", defaults={"kind": ChannelKind.API})
    return Logins(tokens, sessions, channel.rotate_api_key())


def token(logins_: Logins, role: str) -> dict[str, str]:
    return {"Authorization": f"Token {logins_.tokens[role]}"}


def session(logins_: Logins, role: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={logins_.sessions[role]}"}


def sample_codes(user, count: int) -> list[str]:
    """Codes of complaints the user may see, spread over the whole table (not just the newest)."""
    from django.db.models import Max, Min

    from complaints.models import Complaint
    from roles.policy import visible_complaints

    visible = visible_complaints(user)
    bounds = Complaint.objects.aggregate(low=Min("pk"), high=Max("pk"))
    rng = random.Random(5)  # noqa: S311
    picks = [rng.randint(bounds["low"], bounds["high"]) for _ in range(count * 3)]
    codes = list(visible.filter(pk__in=picks).values_list("code", flat=True)[:count])
    if len(codes) < count:
        codes += list(visible.order_by("due_at").values_list("code", flat=True)[: count - len(codes)])
    return codes


def whatsapp_requests(count: int) -> list[tuple[str, str, dict[str, str], str]]:
    """Signed webhook bodies, each with its own message id (a repeated id would be a cheap duplicate)."""
    run = secrets.token_hex(4)
    stamp = int(time.time())
    out = []
    for i in range(count):
        sender = f"62812{(i % 2000):07d}"
        payload = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "bench", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "620000", "phone_number_id": "bench"},
                "contacts": [{"profile": {"name": f"Warga {i % 2000}"}, "wa_id": sender}],
                "messages": [{"from": sender, "id": f"wamid.bench-{run}-{i}", "timestamp": str(stamp), "type": "text",
                              "text": {"body": "Ada keributan di depan pasar, mohon ditertibkan."}}],
            }}]}],
        }
        body = json.dumps(payload, separators=(",", ":"))
        signature = "sha256=" + hmac.new(WHATSAPP_SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
        out.append(("POST", "/channels/whatsapp/webhook/",
                    {"Content-Type": "application/json", "X-Hub-Signature-256": signature}, body))
    return out


def intake_requests(logins_: Logins, count: int) -> list[tuple[str, str, dict[str, str], str]]:
    from complaints.models import Category, District

    categories = list(Category.objects.filter(is_active=True).exclude(kind="information").values_list("slug", flat=True))
    districts = list(District.objects.values_list("slug", flat=True))
    rng = random.Random(9)  # noqa: S311
    headers = {"Authorization": f"Api-Key {logins_.api_key}", "Content-Type": "application/json"}
    out = []
    for i in range(count):
        body = {
            "category": rng.choice(categories), "district": rng.choice(districts),
            "description": f"Pedagang berjualan di trotoar depan pasar, mengganggu pejalan kaki (uji beban {i}).",
            "address": "Jl. Pasar Baru", "reporter": {"name": "Warga Uji", "phone": f"0812{rng.randint(10**7, 10**8 - 1)}"},
        }
        out.append(("POST", "/api/v1/complaints/", headers, json.dumps(body, separators=(",", ":"))))
    return out


def scenarios(logins_: Logins) -> list[Scenario]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    users = {role: get_user_model().objects.get(username=name) for role, name in ROLE_USERS.items()}
    operator_codes = sample_codes(users["operator"], 300)
    trc_codes = sample_codes(users["trc"], 100)
    queue_targets = {"p95_ms": 50, "max_queries": 12}
    out = [
        Scenario("health", [("GET", "/health/", {}, "")], note="one trivial query: the stack's ceiling"),
        Scenario("intake_api_key", intake_requests(logins_, 200), targets={
            "min_rps": 400, "p95_ms": 60, "min_ratio_to_health": 0.4,
        }, note="structured complaint POST by a channel with its API key"),
        Scenario("whatsapp_inbound", whatsapp_requests(40_000), note="signed WhatsApp Cloud API webhook, one new message each"),
    ]
    for role in ROLE_USERS:
        out.append(Scenario(f"queue_api_{role}", [("GET", "/api/v1/queue/", token(logins_, role), "")], targets=queue_targets))
        out.append(Scenario(
            f"queue_portal_{role}", [("GET", f"/queue/{role}/", session(logins_, role), "")], targets=queue_targets
        ))
    out += [
        Scenario("case_detail_api_operator", [
            ("GET", f"/api/v1/complaints/{code}/", token(logins_, "operator"), "") for code in operator_codes
        ], targets=queue_targets),
        Scenario("case_detail_portal_operator", [
            ("GET", f"/cases/{code}/", session(logins_, "operator"), "") for code in operator_codes
        ], targets=queue_targets),
        Scenario("case_detail_portal_trc", [
            ("GET", f"/cases/{code}/", session(logins_, "trc"), "") for code in trc_codes
        ], targets=queue_targets, note="row-level permissions through the guardian group grants"),
        Scenario("public_tracking_api", [
            ("GET", f"/api/v1/public/track/{code}/", {}, "") for code in operator_codes
        ], note="no login"),
        Scenario("search_api_operator", [
            ("GET", f"/api/v1/complaints/?q={term}", token(logins_, "operator"), "")
            for term in ("pasar", "jembatan", "balap", "reklame", "terminal", "Rusmini")
        ], targets={"p95_ms": 150}, note="text search over description and address, newest first"),
        Scenario("search_portal_kabid", [
            ("GET", f"/cases/?q={term}&status=closed", session(logins_, "kabid"), "")
            for term in ("pasar", "jembatan", "balap")
        ], targets={"p95_ms": 150}, note="the oversight list with text search, closed cases included"),
    ]
    today = timezone.localdate()
    start = today - timedelta(days=364)
    out.append(Scenario(
        "dashboard_year_kepala", [("GET", f"/dashboard/?start={start}&end={today}", session(logins_, "kepala"), "")],
        concurrency=1, targets={"p95_ms": 1000}, note="the leaders' dashboard over 12 months, one at a time",
    ))
    if ONLY:
        out = [scenario for scenario in out if scenario.name in ONLY | {"health"}]
    for scenario in out:
        scenario.replay = scenario.requests[0]
    return out


def count_queries(scenario: Scenario) -> int | None:
    """Replay a request in-process and count its SQL (the second of two, so per-process caches are warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Webhook messages need fresh ids: a repeated one is a cheap duplicate.
    first, second = whatsapp_requests(2) if scenario.name == "whatsapp_inbound" else [scenario.replay] * 2
    client = Client(raise_request_exception=False)

    def send(request: tuple[str, str, dict[str, str], str]):
        method, path, headers, body = request
        meta = {}
        for name, value in headers.items():
            if name == "Cookie":
                client.cookies["sessionid"] = value.split("=", 1)[1]
            elif name != "Content-Type":
                meta["HTTP_" + name.upper().replace("-", "_")] = value
        return client.generic(method, path, body, content_type=headers.get("Content-Type", ""), **meta)

    send(first)
    with CaptureQueriesContext(connection) as captured:
        response = send(second)
    if response.status_code >= 400:
        return None
    return len(captured.captured_queries)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (name) state ppid ...": the name may hold spaces, so split after the last parenthesis.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return pids


def reset_peaks(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def peak_mb(pids: list[int]) -> float | None:
    peaks = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return round(max(peaks), 1) if peaks else None


def start_server() -> subprocess.Popen:
    log(f"starting gunicorn with {WORKERS} workers on 127.0.0.1:{PORT}")
    errors = open(Path(tempfile.gettempdir()) / "treckk-bench-gunicorn.log", "w")  # noqa: SIM115 - lives with the server
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "5",
         "--backlog", "2048", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **SERVER_ENV}, stdout=errors, stderr=errors, start_new_session=True,
    )
    for _ in range(100):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited; see {errors.name}")
        try:
            with urllib.request.urlopen(f"{BASE}/health/", timeout=2) as response:  # noqa: S310 - our own loopback URL
                if response.status == 200 and len(worker_pids(server.pid)) >= WORKERS:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    stop_server(server)
    sys.exit("gunicorn did not answer /health/")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


PROBE_TIMEOUT = 55  # under gunicorn's own 60 s worker timeout


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None  # a redirect is an answer to report (wrk would count it as a success), not to follow


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def probe(request: tuple[str, str, dict[str, str], str]) -> int | str:
    """The status of one request, or why there was none (longer than PROBE_TIMEOUT, connection refused...)."""
    method, path, headers, body = request
    data = body.encode() if body else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with _NO_REDIRECTS.open(req, timeout=PROBE_TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except TimeoutError:
        return f"one request took more than {PROBE_TIMEOUT} s"
    except (urllib.error.URLError, ConnectionError) as error:
        return f"no answer: {error}"


def run_wrk(wrk: str, scenario: Scenario, seconds: int, workdir: Path) -> dict:
    listing = workdir / f"{scenario.name}.tsv"
    with listing.open("w") as out:
        for method, path, headers, body in scenario.requests:
            packed = "\x1f".join(f"{name}: {value}" for name, value in headers.items())
            out.write(f"{method}\t{path}\t{packed}\t{body}\n")
    threads = min(WRK_THREADS, scenario.concurrency)
    command = [
        wrk, "-t", str(threads), "-c", str(scenario.concurrency), "-d", f"{seconds}s", "--timeout", "30s",
        "-s", str(ROOT / "scripts" / "bench.lua"), BASE, "--", str(listing),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk gave no result for {scenario.name}: {done.stdout[-500:]} {done.stderr[-500:]}")


def measure(wrk: str, server: subprocess.Popen, plan: list[Scenario], workdir: Path) -> list[dict]:
    results = []
    pids = worker_pids(server.pid)
    for index, scenario in enumerate(plan):
        began = time.perf_counter()
        status = probe(scenario.requests[0])
        single_ms = round((time.perf_counter() - began) * 1000, 1)
        if isinstance(status, str):
            scenario.skipped = status
            log(f"skip {scenario.name}: {scenario.skipped}")
            results.append({"name": scenario.name, "skipped": scenario.skipped, "targets": scenario.targets})
            continue
        if status >= 300:
            scenario.skipped = f"the first request answered {status}"
            if status == 404 and "public" in scenario.name:
                scenario.skipped = "the public tracking endpoint does not exist (yet) in this build"
            log(f"skip {scenario.name}: {scenario.skipped}")
            results.append({"name": scenario.name, "skipped": scenario.skipped})
            continue
        # Leave time for the rest, so the run ends before its deadline whatever happened so far.
        remaining = len(plan) - index
        seconds = int(max(2, min(SECONDS, (left() - 15 - 4 * remaining) / remaining)))
        reset_peaks(pids)
        log(f"{scenario.name}: {seconds} s at concurrency {scenario.concurrency}")
        try:
            stats = run_wrk(wrk, scenario, seconds, workdir)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            log(f"{scenario.name} failed: {error}")
            results.append({"name": scenario.name, "skipped": f"wrk failed: {error}"[:300]})
            continue
        seconds_run = stats["duration_us"] / 1e6
        errors = sum(stats["errors"].values())
        results.append({
            "name": scenario.name,
            "note": scenario.note,
            "single_request_ms": single_ms,
            "concurrency": scenario.concurrency,
            "seconds": round(seconds_run, 1),
            "requests": stats["requests"],
            "rps": round(stats["requests"] / seconds_run, 1) if seconds_run else 0,
            # No completed request in the time given (a report slower than the scenario): no latency figures.
            "latency_ms": {key: round(stats[f"{key}_us"] / 1000, 1) if stats["requests"] else None
                           for key in ("p50", "p95", "p99", "max")},
            "errors": errors,
            "error_kinds": {k: v for k, v in stats["errors"].items() if v},
            "sql_queries_per_request": None,
            "peak_worker_mb": peak_mb(pids),
            "repeated_request_list": stats["repeated_list"],
            "targets": scenario.targets,
        })
    return results


def judge(results: list[dict], health_rps: float | None) -> None:
    for result in results:
        if "skipped" in result:
            if result.get("targets"):
                result["meets_targets"] = False  # too slow to measure at all
            continue
        result["ratio_to_health"] = round(result["rps"] / health_rps, 3) if health_rps else None
        targets = result.pop("targets")
        checks = {}
        if "p95_ms" in targets:
            p95 = result["latency_ms"]["p95"]
            checks["p95"] = p95 is not None and p95 < targets["p95_ms"]
        if "max_queries" in targets and result["sql_queries_per_request"] is not None:
            checks["sql_queries"] = result["sql_queries_per_request"] <= targets["max_queries"]
        if "min_rps" in targets:
            checks["rps"] = result["rps"] >= targets["min_rps"]
        if "min_ratio_to_health" in targets and result["ratio_to_health"] is not None:
            checks["ratio_to_health"] = result["ratio_to_health"] >= targets["min_ratio_to_health"]
        checks["no_errors"] = result["errors"] == 0
        checks["worker_memory"] = result["peak_worker_mb"] is None or result["peak_worker_mb"] < 200
        result["targets"] = targets
        result["meets_targets"] = all(checks.values())
        result["checks"] = checks


def main() -> None:
    ensure_database()
    wrk = ensure_wrk()
    setup_django()
    complaints = ensure_volume()
    from complaints.models import Complaint

    access = logins()
    plan = scenarios(access)
    log("counting SQL queries per request (one replay per scenario)")
    queries = {scenario.name: count_queries(scenario) for scenario in plan}
    load_before = os.getloadavg()
    server = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="treckk-bench-") as workdir:
            results = measure(wrk, server, plan, Path(workdir))
    finally:
        stop_server(server)
    for result in results:
        if "skipped" not in result:
            result["sql_queries_per_request"] = queries.get(result["name"])
    health = next((r for r in results if r["name"] == "health" and "skipped" not in r), None)
    judge(results, health["rps"] if health else None)
    document = {
        "benchmark": "TRECKK make bench",
        "server": {"software": "gunicorn (sync workers)", "workers": WORKERS, "bind": f"127.0.0.1:{PORT}"},
        "load_generator": {"software": "wrk", "threads": WRK_THREADS},
        "machine": {"cores": CORES, "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "database": {"url": DATABASE_URL.rsplit("@", 1)[-1], "complaints": complaints,
                     "complaints_after": Complaint.objects.count()},
        "health_rps": health["rps"] if health else None,
        "seconds_total": round(time.monotonic() - STARTED, 1),
        "scenarios": results,
    }
    text = json.dumps(document, indent=2)
    print(text)
    if OUTPUT:
        Path(OUTPUT).write_text(text + "\n")


if __name__ == "__main__":
    main()
