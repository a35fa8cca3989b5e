"""API fuzzing: schemathesis generates requests from openapi.yaml against a live server (this test's), stateless
(examples, then random valid and invalid data) and stateful (links between operations: a created complaint is
read, acted on, its events listed), as the Operator (staff token) and as a channel (API key). Every answer must be
a non-5xx response that the schema documents: status code, content type, headers and body.

Marked `fuzz`: `make fuzz` runs it, `make test` does not (.ci/run runs both). Bounded by FUZZ_EXAMPLES per
operation and phase, so it finishes in a few minutes on two cores.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from complaints.models import Channel, ChannelKind
from roles.roles import Role

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "openapi.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
SEED = os.environ.get("FUZZ_SEED", "20261123")
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
])
# Revoking the token the run authenticates with would leave it nothing but 401s to test.
EXCLUDED_OPERATIONS = ("auth_token_destroy",)


def schemathesis_binary() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if not found:
        pytest.fail("schemathesis is not installed: pip install -r requirements/dev.txt")
    return found


@pytest.fixture
def fuzz_world(users, complaint_in, settings):
    """Something for the stateful phase to find: complaints in several states, a token, a channel key."""
    # A flood of generated requests from one address must reach the views, not the rate limits.
    settings.TRECKK_RATE_LIMITS = {scope: "100000/m" for scope in settings.TRECKK_RATE_LIMITS}
    for state in ("submitted", "screening", "verification", "dispatch_assigned", "notification", "closed"):
        complaint_in(state)
    channel = Channel.objects.create(name="Bot fuzz", kind=ChannelKind.API)
    key = channel.rotate_api_key()
    return {"token": Token.objects.create(user=users[Role.OPERATOR]).key, "channel_key": key}


def run(url: str, authorization: str, label: str, workdir: Path) -> tuple[int, str, float]:
    command = [
        schemathesis_binary(), "run", str(SCHEMA), "--url", url,
        "-H", f"Authorization: {authorization}",
        "--phases", "examples,fuzzing,stateful",
        "--checks", CHECKS,
        "--max-examples", str(EXAMPLES), "--seed", SEED, "--workers", "1", "--no-shrink",
        "--request-timeout", "30",
        *[option for operation in EXCLUDED_OPERATIONS for option in ("--exclude-operation-id", operation)],
    ]
    started = time.monotonic()
    completed = subprocess.run(  # noqa: S603  (our own tool, fixed arguments, loopback only)
        command, capture_output=True, text=True, timeout=900, cwd=workdir,  # its .schemathesis/ cache goes there
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"},
    )
    elapsed = time.monotonic() - started
    output = completed.stdout + completed.stderr
    summary = output[output.find("= SUMMARY =") - 40:] if "= SUMMARY =" in output else output[-3000:]
    print(f"\n== schemathesis as {label}: exit {completed.returncode} in {elapsed:.0f} s\n{summary}")
    return completed.returncode, output, elapsed


def test_no_5xx_and_every_answer_matches_the_schema(live_server, fuzz_world, tmp_path):
    # One test for both identities: a transactional test empties the tables afterwards, seeded rows included.
    identities = {"operator": f"Token {fuzz_world['token']}", "channel": f"Api-Key {fuzz_world['channel_key']}"}
    logging.disable(logging.WARNING)  # the live server would log every one of a thousand refusals
    try:
        results = {label: run(live_server.url, authorization, label, tmp_path) for label, authorization in identities.items()}
    finally:
        logging.disable(logging.NOTSET)

    for label, (code, output, _elapsed) in results.items():
        assert "Tested:" in output, output[-3000:]
        assert code == 0, f"schemathesis as {label}:\n{_failures(output)}"


def _failures(output: str) -> str:
    start = output.find("= FAILURES =")
    return output[start:start + 8000] if start >= 0 else output[-6000:]
