"""Helpers for browser tests: where Chromium is, the live portal's URLs and login, screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from complaints.demo import DEMO_PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
LOGIN_PATH = "/login/"
# Debian's Chromium, never a browser downloaded by `playwright install`. The flags keep it from calling
# home (updates, sync, QUIC probes) on machines that only reach package registries; --no-sandbox because
# CI runs as root, where Chromium refuses to start its sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000


def chromium_path() -> str:
    return os.environ.get("TRECKK_CHROMIUM") or DEFAULT_CHROMIUM


def browser_required() -> bool:
    return os.environ.get("TRECKK_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def screenshot_dir() -> Path:
    # Under .venv by default so screenshots never end up in a commit.
    return Path(os.environ.get("TRECKK_SCREENSHOT_DIR") or REPO_ROOT / ".venv" / "screenshots")


def shoot(page: Page, name: str) -> Path:
    """Save a full-page PNG named after `name` and return its path."""
    directory = screenshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "page"
    path = directory / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def path_of(url: str) -> str:
    return urlsplit(url).path


class Portal:
    """The staff portal served by pytest-django's live_server, with the demo data loaded."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def submit_login(self, page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        """Fill and submit the login form; returns once the answer to the POST has loaded, whatever it was."""
        page.goto(self.url(LOGIN_PATH))
        # The page has other forms (language switch, logout), so act on the one holding the password field.
        form = page.locator("form").filter(has=page.locator("input[name='password']"))
        form.locator("input[name='username']").fill(username)
        form.locator("input[name='password']").fill(password)
        # A form POST always navigates (back to the form on an error, elsewhere on success): wait for that
        # navigation, not for a URL, so both outcomes return at the same point.
        with page.expect_navigation(wait_until="load"):
            form.locator("button[type='submit'], input[type='submit']").first.click()

    def login(self, page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        """Log in through the form and wait until the browser has left the login page."""
        self.submit_login(page, username, password)
        try:
            page.wait_for_url(lambda url: path_of(url) != LOGIN_PATH)
        except PlaywrightTimeoutError as exc:
            text = page.locator("body").inner_text()[:500]
            raise AssertionError(f"login as {username!r} stayed on {page.url}; the page says: {text}") from exc
