"""The restore test (issue 8, backups): scripts/backup.sh dumps a database with complaints, their events and an
attachment; scripts/restore.sh restores it into a fresh database and media directory; every complaint is found there,
with the same events and the attachment's file byte for byte.

On PostgreSQL (`.ci/run`'s second pass) it is pg_dump -Fc and pg_restore into a database of its own,
<test database>_restored, dropped afterwards; on SQLite, SQLite's online backup into a file. Same scripts, same
checks. It writes real commits, so it runs in a transactional test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import time
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from complaints.demo import load_demo
from complaints.models import AttachmentKind, Complaint
from complaints.services.attachments import store_attachments

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
# What must survive, read the same way from the source and the restored database (plain SQL: the restored one is
# not a Django connection).
FINGERPRINT_SQL = {
    "complaints": "SELECT code, status, version, channel_kind, external_ref, description FROM complaints_complaint ORDER BY code",
    "events": (
        "SELECT c.code, e.id, e.action, e.from_status, e.to_status, e.actor_role FROM complaints_complaintevent e "
        "JOIN complaints_complaint c ON c.id = e.complaint_id ORDER BY e.id"
    ),
    "attachments": (
        "SELECT c.code, a.file, a.size, a.content_type FROM complaints_attachment a "
        "JOIN complaints_complaint c ON c.id = a.complaint_id ORDER BY a.id"
    ),
    "reporters": "SELECT id, name, phone FROM complaints_reporter ORDER BY id",
}


def fingerprint(cursor) -> dict[str, list[tuple]]:
    result = {}
    for name, sql in FINGERPRINT_SQL.items():
        cursor.execute(sql)
        result[name] = [tuple(row) for row in cursor.fetchall()]
    return result


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [shutil.which("bash") or "/bin/bash", str(ROOT / "scripts" / script), *args], env={**os.environ, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


def postgres_url(name: str) -> str:
    settings = connection.settings_dict
    user = quote(settings.get("USER") or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{settings.get('HOST') or '127.0.0.1'}{port}/{quote(name)}"


def drop_postgres_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def source_and_target(tmp_path):
    """(the source's DATABASE_URL, called once the data is in; the target's DATABASE_URL, fresh; open the target)."""
    if connection.vendor == "postgresql":
        for tool in ("pg_dump", "pg_restore", "psql"):
            assert shutil.which(tool), f"{tool} is needed for the PostgreSQL backup (Debian: postgresql-client)"
        import psycopg

        source_name = connection.settings_dict["NAME"]
        target_name = f"{source_name}_restored"
        drop_postgres_database(target_name)
        yield lambda: postgres_url(source_name), postgres_url(target_name), lambda: psycopg.connect(postgres_url(target_name))
        drop_postgres_database(target_name)
        return
    # SQLite: the test database lives in memory; copy it to a file the scripts can read (the backup API again).
    def source_url() -> str:
        source_file = tmp_path / "source.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(source_file) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{source_file}"

    target_file = tmp_path / "restored.sqlite3"
    yield source_url, f"sqlite:///{target_file}", lambda: sqlite3.connect(target_file)


def make_data(settings) -> Complaint:
    load_demo(complaints_per_status=1)
    complaint = Complaint.objects.order_by("pk").first()
    operator = get_user_model().objects.get(username="operator")
    upload = SimpleUploadedFile("bukti.png", png_bytes(), content_type="image/png")
    store_attachments(user=operator, complaint=complaint, uploads=[upload], kind=AttachmentKind.EVIDENCE)
    return complaint


def test_backup_and_restore_find_every_complaint(settings, tmp_path, source_and_target):
    started = time.monotonic()
    make_data(settings)
    with connection.cursor() as cursor:
        expected = fingerprint(cursor)
    assert len(expected["complaints"]) >= 9 and expected["events"] and len(expected["attachments"]) == 1
    media = Path(settings.MEDIA_ROOT)
    files = {row[1]: hashlib.sha256((media / row[1]).read_bytes()).hexdigest() for row in expected["attachments"]}

    source_url, target_url, open_restored = source_and_target
    backups = tmp_path / "backups"
    backup = run("backup.sh", str(backups), env={"DATABASE_URL": source_url(), "MEDIA_ROOT": str(media)})
    assert backup.returncode == 0, backup.stderr
    run_dir = Path(backup.stdout.strip().splitlines()[-1])
    assert run_dir.parent == backups and (run_dir / "SHA256SUMS").exists()
    manifest = (run_dir / "manifest.txt").read_text()
    assert f"count_complaints={len(expected['complaints'])}\n" in manifest

    restored_media = tmp_path / "restored-media"
    restore_env = {"DATABASE_URL": target_url, "MEDIA_ROOT": str(restored_media)}
    restore = run("restore.sh", str(run_dir), env=restore_env)
    assert restore.returncode == 0, restore.stderr

    restored_connection = open_restored()
    try:
        restored = fingerprint(restored_connection.cursor())
    finally:
        restored_connection.close()
    assert restored["complaints"] == expected["complaints"]  # every complaint, by code, in its state
    assert restored["events"] == expected["events"]  # every event of every complaint
    assert restored["attachments"] == expected["attachments"]
    assert restored["reporters"] == expected["reporters"]
    for name, digest in files.items():
        assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == digest

    # A second restore over the restored data is refused unless asked for: nothing is overwritten by accident.
    again = run("restore.sh", str(run_dir), env=restore_env)
    assert again.returncode != 0 and "--clean" in again.stderr
    print(f"backup + restore + checks: {time.monotonic() - started:.1f} s")  # shown with -s


def test_a_damaged_backup_is_refused_before_anything_is_written(settings, tmp_path, source_and_target):
    source_url, target_url, _ = source_and_target
    backup = run("backup.sh", str(tmp_path / "backups"), env={"DATABASE_URL": source_url(), "MEDIA_ROOT": str(tmp_path / "m")})
    assert backup.returncode == 0, backup.stderr
    run_dir = Path(backup.stdout.strip().splitlines()[-1])
    dump = next(path for path in run_dir.iterdir() if path.name.startswith("database."))
    with dump.open("r+b") as handle:
        handle.seek(dump.stat().st_size // 2)
        handle.write(b"\0garbage\0")

    restore = run("restore.sh", str(run_dir), env={"DATABASE_URL": target_url, "MEDIA_ROOT": str(tmp_path / "r")})
    assert restore.returncode != 0 and "checksums do not match" in restore.stderr
    assert not (tmp_path / "r").exists()
    if target_url.startswith("sqlite"):
        assert not Path(target_url.removeprefix("sqlite://")).exists()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target_url.rsplit("/", 1)[1]])
            assert cursor.fetchone() is None
