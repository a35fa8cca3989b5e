"""The EN/ID switch in the header: the whole portal follows it (navigation, titles, the case page) and it sticks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from complaints.workflow import Status
from tests.browser.steps import case_status, make_case, open_case
from tests.browser.support import Portal, path_of

pytestmark = pytest.mark.browser

# The Operator's tabs in each language (English from locale/en/LC_MESSAGES/django.po).
TABS = {
    "id": ["Antrean Operator", "Semua aduan", "Aduan langsung"],
    "en": ["Operator queue", "All complaints", "Walk-in complaint"],
}


def switch_language(page: Page, code: str) -> None:
    before = path_of(page.url)
    with page.expect_navigation():
        page.locator(f"form.lang button[value={code}]").click()
    assert path_of(page.url) == before  # the switch brings the user back to the same page
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator(f"form.lang button[value={code}]")).to_have_attribute("aria-current", "true")


def test_switching_to_english_and_back(page: Page, portal: Portal) -> None:
    code = make_case(Status.SCREENING).code
    portal.login(page, "operator")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("nav.tabs a")).to_contain_text(TABS["id"])

    switch_language(page, "en")
    expect(page.locator("nav.tabs a")).to_contain_text(TABS["en"])
    expect(page).to_have_title(re.compile("^Operator queue · "))
    expect(page.locator("main h1")).to_have_text("Operator queue")
    expect(page.locator("header.bar")).to_contain_text("Log out")
    # It sticks for the next page: a case in English, its status and its actions.
    open_case(page, portal, code)
    expect(case_status(page)).to_have_text("Screening")
    expect(page.locator("#actions-title")).to_have_text("Your actions")
    expect(page.locator("details.action-forward summary")).to_have_text("Forward to Kasi/Kasubag")

    switch_language(page, "id")
    expect(case_status(page)).to_have_text("Penyaringan")
    expect(page.locator("#actions-title")).to_have_text("Tindakan Anda")
    expect(page.locator("nav.tabs a")).to_contain_text(TABS["id"])
    expect(page.locator("header.bar")).to_contain_text("Keluar")
