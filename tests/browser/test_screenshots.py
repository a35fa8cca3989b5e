"""Screenshots of every main page at desktop (1280 px) and phone (360 px) width, each checked as it is taken.

Files go to .venv/screenshots/ (TRECKK_SCREENSHOT_DIR overrides), named <view>-desktop.png and <view>-phone.png.
Each page must carry its own title, show its main content, and never be wider than the screen: at 360 px a page
that scrolls sideways hides the actions of a TRC member in the field. A page that does gets the elements sticking
out named in the failure, from steps.overflow_report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from complaints.models import District, Team
from complaints.workflow import Status
from tests.browser.steps import ASSIGNED, assert_no_horizontal_overflow, make_case
from tests.browser.support import Portal, path_of, shoot

pytestmark = pytest.mark.browser

SITE = "Satpol PP Balangan"
# The smallest comfortable touch target (WCAG 2.5.5 / platform guidelines) for the buttons a TRC member presses.
TOUCH_TARGET_PX = 44


@dataclass(frozen=True)
class View:
    username: str
    path: str  # "" for the page the login lands on
    title: str
    check: Callable[[Page], None]


def _queue(role: str, title: str) -> Callable[[], View]:
    def view() -> View:
        def check(page: Page) -> None:
            expect(page.locator("nav.tabs a.active")).to_have_attribute("href", f"/queue/{role}/")
            expect(page.locator("section#results p.summary")).to_be_visible()
            expect(page.locator("table.queue tbody tr, section#results p.empty").first).to_be_visible()

        return View({"trc": "trc-paringin"}.get(role, role), "", title, check)

    return view


def _case(username: str, state: str) -> Callable[[], View]:
    def view() -> View:
        code = make_case(state).code

        def check(page: Page) -> None:
            expect(page.locator("#case-body h1 .code")).to_have_text(code)
            expect(page.locator("aside.actions details.action").first).to_be_visible()
            expect(page.locator("ol.timeline li").first).to_be_visible()
            if page.viewport_size["width"] < 400:
                for button in page.locator("aside.actions details[open] button[type=submit], form.photos button").all():
                    height = button.bounding_box()["height"]
                    assert height >= TOUCH_TARGET_PX, f"{button.inner_text()!r} is {height}px tall"

        return View(username, f"/cases/{code}/", code, check)

    return view


def _dispatch() -> View:
    make_case(Status.DISPATCH)

    def check(page: Page) -> None:
        expect(page.locator("section.waiting li.card form.assign").first).to_be_visible()
        expect(page.locator("article.team")).to_have_count(Team.objects.filter(is_active=True).count())

    return View("kabid", "/dispatch/", "Papan penugasan", check)


def _intake() -> View:
    def check(page: Page) -> None:
        expect(page.locator("#id_district option:checked")).to_have_text("Paringin")
        expect(page.locator("form.intake button[type=submit]")).to_be_visible()

    return View("trc-paringin", "/intake/", "Aduan langsung", check)


def _receipt() -> View:
    code = make_case(Status.SUBMITTED, recorded_by="trc-paringin").code

    def check(page: Page) -> None:
        expect(page.locator(".receipt .tracking .code")).to_have_text(code)
        expect(page.locator("[data-print]")).to_be_visible()

    return View("trc-paringin", f"/cases/{code}/receipt/", f"Tanda terima {code}", check)


def _dashboard() -> View:
    make_case(Status.DISPATCH)

    def check(page: Page) -> None:
        expect(page.locator("svg.chart").first).to_be_visible()
        expect(page.locator("table.figures").first).to_be_visible()

    return View("kepala", "/dashboard/", "Dasbor pimpinan", check)


def _hotspots() -> View:
    make_case(Status.DISPATCH)

    def check(page: Page) -> None:
        expect(page.locator("svg.hotspot-map a.area")).to_have_count(District.objects.count())
        expect(page.locator("#area h2")).to_have_text("Kecamatan Paringin")

    return View("kabid", "/hotspots/?district=paringin", "Peta kerawanan", check)


def _daily_report() -> View:
    make_case(Status.VERIFICATION)

    def check(page: Page) -> None:
        expect(page.locator("[data-print]")).to_be_visible()
        expect(page.locator("table.figures").first).to_be_visible()

    return View("kepala", "/reports/daily/", "Laporan harian", check)


VIEWS: dict[str, Callable[[], View]] = {
    "queue-operator": _queue("operator", "Antrean Operator"),
    "queue-kasi": _queue("kasi", "Verifikasi"),
    "queue-kabid": _queue("kabid", "Penugasan"),
    "queue-trc": _queue("trc", "Tugas tim"),
    "queue-kepala": _queue("kepala", "Telaah Kepala"),
    "case-operator": _case("operator", Status.SCREENING),
    "case-trc": _case("trc-paringin", ASSIGNED),
    "dispatch": _dispatch,
    "intake": _intake,
    "receipt": _receipt,
    "dashboard": _dashboard,
    "hotspots": _hotspots,
    "daily-report": _daily_report,
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_screenshot_at_desktop_and_phone_width(page: Page, phone_page: Page, portal: Portal, name: str) -> None:
    view = VIEWS[name]()
    for screen, size in ((page, "desktop"), (phone_page, "phone")):
        portal.login(screen, view.username)
        if view.path:
            response = screen.goto(portal.url(view.path))
            assert response is not None and response.status == 200, f"{view.path}: {response and response.status}"
        assert path_of(screen.url) != "/login/"
        expect(screen).to_have_title(re.compile(f"^{re.escape(view.title)} · {SITE}$"))
        view.check(screen)
        shoot(screen, f"{name}-{size}")
        assert_no_horizontal_overflow(screen)
