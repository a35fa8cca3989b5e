"""Injection strings that are valid text (a description, a name, a message) are stored as written and shown
escaped on every page that renders them: the database gets them as parameters, the templates autoescape, and no
template or view marks user text safe."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from channels.models import Conversation
from complaints.models import Complaint
from roles.roles import Role

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
SQL = "'; DROP TABLE complaints_complaint; --"
DESCRIPTION = f"Keributan {SCRIPT} di pasar {SQL}"
NAME = f"Budi {IMG}"
ROOT = Path(__file__).resolve().parents[2]


def _api_complaint(world) -> Complaint:
    client = Client()
    body = {"category": "keributan", "district": "paringin", "description": DESCRIPTION, "address": SQL,
            "reporter": {"name": NAME, "phone": "081234567890", "address": SCRIPT}}
    response = client.post("/api/v1/complaints/", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {world['tokens'][Role.OPERATOR]}")
    assert response.status_code == 201, response.content
    return Complaint.objects.select_related("reporter").get(code=response.json()["code"])


def _assert_escaped(page: str) -> None:
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page or "&lt;img src=x" in page


def test_injection_strings_are_stored_as_written(world):
    complaint = _api_complaint(world)
    assert complaint.description == DESCRIPTION
    assert complaint.address == SQL
    assert complaint.reporter.name == NAME and complaint.reporter.address == SCRIPT
    assert Complaint.objects.count() == len(world["complaints"]) + 1  # the table is still there


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.OPERATOR, "/cases/{code}/"),
        (Role.KEPALA, "/cases/{code}/"),
        (Role.OPERATOR, "/cases/{code}/receipt/"),
        (Role.OPERATOR, "/register/"),
    ],
)
def test_pages_show_them_escaped(world, role, path):
    complaint = _api_complaint(world)
    client = Client()
    client.force_login(world["users"][role])

    response = client.get(path.format(code=complaint.code))

    assert response.status_code == 200
    _assert_escaped(response.content.decode())


def test_a_citizens_message_is_escaped_in_the_inbox(world):
    client = Client()
    message = {"external_id": "xss-1", "sender": {"id": "62811", "name": NAME}, "text": DESCRIPTION,
               "sent_at": "2026-11-23T21:14:00+08:00"}
    response = client.post("/api/v1/channel/messages/", json.dumps(message), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Api-Key {world['channel_key']}")
    assert response.status_code == 201, response.content
    client.force_login(world["users"][Role.OPERATOR])

    for path in ("/inbox/", f"/inbox/{Conversation.objects.get().pk}/"):
        page = client.get(path).content.decode()
        _assert_escaped(page)


def test_no_template_or_view_marks_user_text_safe():
    """|safe, {% autoescape off %} and mark_safe would bypass the escaping the tests above rely on."""
    offenders = []
    for pattern in ("templates/**/*.html", "*/templates/**/*.html"):
        for file in ROOT.glob(pattern):
            text = file.read_text()
            if re.search(r"\|\s*safe\b|autoescape\s+off", text):
                offenders.append(str(file.relative_to(ROOT)))
    for file in ROOT.glob("*/**/*.py"):
        if ".venv" in file.parts or "tests" in file.parts:
            continue
        if re.search(r"\bmark_safe\(|\bSafeString\(", file.read_text()):
            offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []
