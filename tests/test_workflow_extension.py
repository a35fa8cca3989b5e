"""A new SOP step is one row in complaints/workflow.py (and, when it writes fields, one effect).

A copy of the source tree gets one edit, to that file alone: a Kasi action `request_info` that sends a case in
verification back to the Operator's screening with a note ("minta kelengkapan data"). A test run inside the copy then
finds the step everywhere the table is read: the API's action endpoint, the portal's action panel, the queue of the
step's owner, the timeline, and the OpenAPI document. Nothing else in the copy is edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "media", "staticfiles", "__pycache__", "*.sqlite3", ".pytest_cache", "browser",
)

NEW_ACTION = '''    INFORMED = "informed"
    REQUEST_INFO = "request_info"
'''
NEW_ROW = '''    Transition(
        Action.REQUEST_INFO, _("Minta kelengkapan data"), S.VERIFICATION, S.SCREENING, frozenset({Role.KASI}),
        required=(Field.NOTE,), setback=True,
        description="Step 3: Kasi/Kasubag asks the Operator to complete the reporter's data.",
    ),
)

# SOP step number of each open status.'''

TEST_IN_THE_COPY = '''
import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from complaints.models import ComplaintEvent
from roles.roles import Role

pytestmark = pytest.mark.django_db


def test_the_new_step_is_everywhere_the_table_is_read(complaint_in, api_as, users):
    complaint = complaint_in("verification")
    kasi = Client()
    kasi.force_login(users[Role.KASI])

    panel = kasi.get(f"/cases/{complaint.code}/").content.decode()
    assert f'action="/cases/{complaint.code}/actions/request_info/"' in panel
    assert "Minta kelengkapan data" in panel

    answer = api_as(Role.KASI).post(
        f"/api/v1/complaints/{complaint.code}/actions/request_info/", {"note": "Nomor telepon pelapor tidak aktif."},
        format="json",
    )
    assert answer.status_code == 200, answer.content  # Kasi still sees a case once forwarded to him
    assert answer.json()["status"] == "screening"
    event = ComplaintEvent.objects.filter(complaint=complaint).latest("id")
    assert (event.action, event.from_status, event.to_status) == ("request_info", "verification", "screening")

    queue = api_as(Role.OPERATOR).get("/api/v1/queue/").json()["results"]
    assert complaint.code in [row["code"] for row in queue]
    refused = api_as(Role.OPERATOR).post(
        f"/api/v1/complaints/{complaint.code}/actions/request_info/", {"note": "x"}, format="json"
    )
    assert refused.status_code == 403  # the table gives the action to Kasi alone

    paths = SchemaGenerator().get_schema(public=True)["paths"]
    assert "/api/v1/complaints/{code}/actions/request_info/" in paths
'''


def test_a_new_step_is_one_row_in_the_workflow_table(tmp_path):
    copy = tmp_path / "treckk"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    workflow = copy / "complaints" / "workflow.py"
    source = workflow.read_text()
    assert source.count('    INFORMED = "informed"\n') == 1 and source.count("\n)\n\n# SOP step number of each open status.") == 1
    workflow.write_text(
        source.replace('    INFORMED = "informed"\n', NEW_ACTION).replace("\n)\n\n# SOP step number of each open status.", "\n" + NEW_ROW)
    )
    (copy / "tests" / "test_the_new_step.py").write_text(TEST_IN_THE_COPY)

    changed = [
        str(path.relative_to(copy)) for path in copy.rglob("*.py")
        if path.name != "test_the_new_step.py" and path.read_bytes() != (ROOT / path.relative_to(copy)).read_bytes()
    ]
    assert changed == ["complaints/workflow.py"]

    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | {"DEBUG": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_the_new_step.py"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
