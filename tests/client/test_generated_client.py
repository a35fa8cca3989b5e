"""openapi.yaml as an integrator uses it: openapi-python-client generates a Python package from it, the package
imports, and with it one complaint goes through the whole SOP against a live server (this test's), each step by the
role it belongs to, logged in with `POST /api/v1/auth/token/` and sending `Authorization: Token <key>`.

Marked `client`: `make test-client` runs it, `make test` does not (it generates and imports a package, about half a
minute). TRECKK_OPENAPI_FILE points it at another document, e.g. a freshly generated one before it is committed.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from complaints.models import Channel, ChannelKind
from roles.roles import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.client, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(os.environ.get("TRECKK_OPENAPI_FILE", ROOT / "openapi.yaml"))
PACKAGE = "treckk_client"


def generator_binary() -> str:
    found = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent)) or shutil.which(
        "openapi-python-client")
    if not found:
        pytest.fail("openapi-python-client is not installed: pip install -r requirements/dev.txt")
    return found


@pytest.fixture
def generated(tmp_path):
    """The package openapi-python-client makes of openapi.yaml, imported module by module."""
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")  # no formatting of the generated code: it is imported, not read
    completed = subprocess.run(  # noqa: S603  (our own tool, fixed arguments)
        [generator_binary(), "generate", "--path", str(SCHEMA), "--meta", "none",
         "--output-path", str(tmp_path / PACKAGE), "--config", str(config)],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        # Every module, not only those the walk below uses: a package that does not import is no client at all.
        for module in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
            importlib.import_module(module.name)
        yield package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_walks_a_complaint_through_the_sop(generated, live_server, users, settings):
    settings.TRECKK_RATE_LIMITS = {scope: "10000/m" for scope in settings.TRECKK_RATE_LIMITS}
    models = module("models")
    base_url = live_server.url
    anonymous = generated.Client(base_url=base_url, raise_on_unexpected_status=True)

    def log_in(user) -> object:
        login = module("api.auth.auth_token_create").sync_detailed(
            client=anonymous, body=models.AuthTokenRequest(username=user.username, password=PASSWORD))
        assert login.status_code == 200, login.content
        return generated.AuthenticatedClient(base_url=base_url, token=login.parsed.token, prefix="Token",
                                             raise_on_unexpected_status=True)

    staff = {role: log_in(users[role]) for role in (Role.OPERATOR, Role.KASI, Role.KABID, Role.KEPALA, Role.TRC)}
    for role, client in staff.items():
        assert str(role) in module("api.auth.me_retrieve").sync(client=client).roles
    # The generator's default prefix is `Bearer`, which the server does not take: hence `prefix="Token"` above.
    bearer = generated.AuthenticatedClient(base_url=base_url, token=staff[Role.OPERATOR].token)
    assert module("api.auth.me_retrieve").sync_detailed(client=bearer).status_code == 401

    # A channel records the complaint, with a nested reporter, under its API key.
    channel = Channel.objects.create(name="Aplikasi mitra", kind=ChannelKind.API)
    partner = generated.AuthenticatedClient(base_url=base_url, token=channel.rotate_api_key(), prefix="Api-Key",
                                            raise_on_unexpected_status=True)
    created = module("api.complaints.complaints_create").sync_detailed(client=partner, body=models.ComplaintCreateRequest(
        category="keributan", district="paringin", description="Pemuda mabuk membuat keributan di depan pasar.",
        reporter=models.ReporterInputRequest(name="Rahmat", phone="+6281234567890", allow_field_contact=True),
    ))
    assert created.status_code == 201, created.content
    code = created.parsed.code

    steps = [
        (Role.OPERATOR, "accept", models.AcceptActionRequest(confidential=False), "screening"),
        (Role.OPERATOR, "forward", models.ForwardActionRequest(note="Gangguan trantibum."), "verification"),
        (Role.KASI, "submit_draft", models.SubmitDraftActionRequest(draft="Keributan di depan pasar, cek lapangan."),
         "field_check"),
        (Role.TRC, "confirm", models.ConfirmActionRequest(note="Benar, masih berlangsung."), "dispatch"),
        (Role.KABID, "assign", models.AssignActionRequest(team="trc-paringin"), "dispatch"),
        (Role.TRC, "handle", models.HandleActionRequest(note="Massa dibubarkan."), "reporting"),
        (Role.TRC, "report", models.ReportActionRequest(
            findings="Lima pemuda mabuk.", action_taken="Pembinaan.", result=models.FieldResultEnum.WARNED), "head_review"),
        (Role.KEPALA, "acknowledge", models.AcknowledgeActionRequest(note="Diterima."), "notification"),
        (Role.OPERATOR, "informed", models.InformedActionRequest(note="Pelapor ditelepon."), "closed"),
    ]
    for role, action, body, status in steps:
        answer = module(f"api.workflow.complaints_action_{action}").sync_detailed(code, client=staff[role], body=body)
        # 204: the action moved the case out of this user's view (a field team after its report).
        assert answer.status_code in (200, 204), (action, answer.status_code, answer.content)
        if answer.status_code == 200:
            assert answer.parsed.status == status, (action, answer.parsed.status)

    closed = module("api.complaints.complaints_retrieve").sync(code, client=staff[Role.OPERATOR])
    assert (closed.status, closed.outcome, closed.assigned_team) == ("closed", "resolved", "trc-paringin")
    timeline = module("api.complaints.complaints_events_list").sync(code, client=staff[Role.OPERATOR])
    assert [event.action for event in timeline.results] == ["submit", *[action for _role, action, _body, _status in steps]]
    # A public operation (`security: []`) takes the plain client: no credentials.
    tracked = module("api.public.public_track_retrieve").sync(code, client=anonymous)
    assert tracked.status == "closed"
