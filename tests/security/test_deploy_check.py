"""`manage.py check --deploy` with the production environment docs/security.md lists passes with no warning at all,
and the check still catches what a careless environment would switch off."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DEBUG", "TRECKK_", "DJANGO_"))}
    env.update({
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "treckk.balangankab.go.id",
        "DATABASE_URL": "sqlite:////tmp/treckk-deploy-check.sqlite3",  # never opened by the check
        **extra,
    })
    return env


def deploy_check(**extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=production_env(**extra), capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_the_check_would_catch_a_weakened_environment():
    result = deploy_check(TRECKK_HSTS_SECONDS="0", TRECKK_SECURE_COOKIES="0", TRECKK_SSL_REDIRECT="0")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr, check


def test_a_short_secret_key_is_caught():
    result = deploy_check(SECRET_KEY="too-short")
    assert result.returncode != 0 and "security.W009" in result.stderr
