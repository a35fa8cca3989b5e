"""Smoke test of the portal in a real browser: the login page, a refused password, a login that lands.

It asserts on URLs and on the login page's own text only, so it survives the portal's pages being rebuilt.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, Response, expect

from tests.browser.support import LOGIN_PATH, Portal, path_of, shoot

pytestmark = pytest.mark.browser

WRONG_LOGIN = "Nama pengguna atau kata sandi salah."


def test_login_page_renders_with_its_static_files(page: Page, portal: Portal) -> None:
    loaded: list[Response] = []
    page.on("response", lambda response: loaded.append(response))
    page.goto(portal.url(LOGIN_PATH))

    expect(page).to_have_title(re.compile("Masuk"))
    expect(page.locator("input[name='username']")).to_be_visible()
    expect(page.locator("input[name='password']")).to_have_attribute("type", "password")
    # Static files come through live_server's static handler (whitenoise only serves collectstatic output).
    static = [r for r in loaded if path_of(r.url).startswith("/static/")]
    assert static, "the login page loaded no static file"
    assert [(r.url, r.status) for r in static if r.status >= 400] == []
    css = page.request.get(portal.url("/static/portal/portal.css"))
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    shoot(page, "login")


def test_wrong_password_shows_the_form_error(page: Page, portal: Portal) -> None:
    portal.submit_login(page, "operator", "not-the-password")

    assert path_of(page.url) == LOGIN_PATH
    expect(page.get_by_text(WRONG_LOGIN)).to_be_visible()
    assert not any(c["name"] == "sessionid" for c in page.context.cookies())


def test_operator_logs_in_and_sees_their_name(page: Page, portal: Portal) -> None:
    portal.login(page, "operator")

    assert path_of(page.url) != LOGIN_PATH
    assert any(c["name"] == "sessionid" for c in page.context.cookies())
    operator = get_user_model().objects.get(username="operator")
    # The portal shows the full name when there is one, else the username.
    names = "|".join(re.escape(n) for n in {operator.username, operator.get_full_name()} if n)
    expect(page.locator("body")).to_contain_text(re.compile(names))
    shoot(page, "operator-home")


def test_phone_login_lands_too(phone_page: Page, portal: Portal) -> None:
    portal.login(phone_page, "trc-paringin")

    assert path_of(phone_page.url) != LOGIN_PATH
    # The phone emulation itself, not the portal's layout, which is still being built.
    assert phone_page.evaluate("() => [screen.width, navigator.maxTouchPoints > 0]") == [360, True]
    shoot(phone_page, "trc-paringin-phone-home")
