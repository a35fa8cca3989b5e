"""What the portal refuses in the browser: another team's case (404, as if it did not exist), a page of another role (403),
and the plain-HTML fallback of an action when the page runs without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from complaints.workflow import Status
from tests.browser.steps import case_status, make_case, open_case
from tests.browser.support import Portal

pytestmark = pytest.mark.browser


def test_trc_cannot_open_another_posts_case_by_its_url(
    phone_page: Page, new_page: Callable[..., Page], portal: Portal
) -> None:
    case = make_case(Status.FIELD_CHECK, district="paringin")
    url = portal.url(f"/cases/{case.code}/")
    # The same address opens for the post whose step it is...
    paringin = new_page(phone=True)
    portal.login(paringin, "trc-paringin")
    open_case(paringin, portal, case.code)

    # ...and for another post it does not exist.
    portal.login(phone_page, "trc-halong")
    response = phone_page.goto(url)
    assert response is not None and response.status == 404
    expect(phone_page).to_have_title(re.compile("^Halaman tidak ditemukan"))
    expect(phone_page.locator("main h1")).to_have_text("Halaman tidak ditemukan")
    expect(phone_page.locator("main")).not_to_contain_text(case.code)
    expect(phone_page.locator("main a.button[href='/']")).to_be_visible()  # "Ke antrean saya"
    # Posting an action straight to the case is refused the same way, and changes nothing.
    csrf = next(c["value"] for c in phone_page.context.cookies() if c["name"] == "csrftoken")
    answer = phone_page.request.post(
        portal.url(f"/cases/{case.code}/actions/confirm/"), form={"version": str(case.version)},
        headers={"X-CSRFToken": csrf, "Referer": url},
    )
    assert answer.status == 404
    after = Complaint.objects.get(pk=case.pk)
    assert (after.status, after.version) == (Status.FIELD_CHECK, case.version)


def test_kasi_gets_access_denied_on_the_dispatch_board(page: Page, portal: Portal) -> None:
    portal.login(page, "kasi")
    expect(page.locator("nav.tabs a[href='/dispatch/']")).to_have_count(0)

    response = page.goto(portal.url("/dispatch/"))
    assert response is not None and response.status == 403
    expect(page).to_have_title(re.compile("^Akses ditolak"))
    expect(page.locator("main h1")).to_have_text("Akses ditolak")
    expect(page.locator("main")).to_contain_text("Papan penugasan hanya untuk Kabid.")
    expect(page.locator("section.waiting")).to_have_count(0)


def test_an_action_works_without_javascript_and_says_so_once(new_page: Callable[..., Page], portal: Portal) -> None:
    code = make_case(Status.SUBMITTED).code
    page = new_page(java_script_enabled=False)
    portal.login(page, "operator")
    open_case(page, portal, code)
    with page.expect_navigation():
        page.locator("details.action-accept button[type=submit]").click()

    expect(case_status(page)).to_have_text("Penyaringan")
    assert Complaint.objects.get(code=code).status == Status.SCREENING
    # A full page load, nothing swaps in later: count at once rather than wait for a count that will not change.
    flashes = page.locator("p.flash").all_inner_texts()
    assert flashes == [f"Terima dan verifikasi: selesai untuk aduan {code}."], flashes
