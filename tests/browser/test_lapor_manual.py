"""SP4N-LAPOR! without API access: the Operator records LAPOR's tracking id on a case, finds the follow-up due on the
"Tindak lanjut LAPOR" list with its text ready to paste, marks it posted, and it leaves the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from channels.sp4n_lapor.models import LaporFollowUp, LaporReport
from complaints.workflow import Status
from tests.browser.steps import make_case, open_case
from tests.browser.support import Portal, path_of
from tests.browser.test_csp import Violations

pytestmark = pytest.mark.browser


def test_operator_records_a_lapor_id_and_posts_its_follow_up_by_hand(page: Page, portal: Portal, settings) -> None:
    settings.SP4N_LAPOR_MODE = "manual"
    code = make_case(Status.SCREENING).code  # a walk-in the Operator has accepted; it turns out to be on LAPOR too
    violations = Violations(page)
    portal.login(page, "operator")
    open_case(page, portal, code)

    panel = page.locator("aside.actions details.lapor-link")
    panel.locator("summary").click()
    panel.locator("#lapor_tracking_id").fill("#1916449")
    expect(panel.locator("#lapor_disposed_at")).not_to_have_value("")  # now, unless the Operator changes it
    with page.expect_response(lambda r: r.request.method == "POST" and path_of(r.url) == f"/cases/{code}/lapor/") as answer:
        panel.locator("button[type=submit]").click()
    assert answer.value.status == 200
    expect(page.locator("#case-body p.flash.success")).to_contain_text("ID LAPOR 1916449 dicatat")
    expect(page.locator("#case-body dl.facts dt:text-is('SP4N-LAPOR!') + dd")).to_contain_text("ID pelacakan 1916449")
    expect(page.locator("aside.actions details.lapor-link")).to_have_count(0)
    assert LaporReport.objects.get(tracking_id="1916449").complaint.code == code

    page.locator("nav.tabs a[href='/sp4n-lapor/']").click()
    page.wait_for_url(lambda url: path_of(url) == "/sp4n-lapor/")
    expect(page.locator("h1")).to_have_text("Tindak lanjut LAPOR jatuh tempo")
    expect(page.locator("#count-lapor")).to_have_text("1")
    card = page.locator("ul.lapor-due li.card").filter(has_text="LAPOR #1916449")
    expect(card).to_have_count(1)
    expect(card.locator("a.code")).to_have_text(code)
    text = card.locator("textarea.lapor-text")
    expect(text).to_have_value(LaporFollowUp.objects.get(report__tracking_id="1916449").text)
    expect(text).to_contain_text(code)

    with page.expect_response(lambda r: r.request.method == "POST" and path_of(r.url).endswith("/posted/")) as answer:
        card.get_by_role("button", name="Sudah diposting").click()
    assert answer.value.status == 200
    expect(card.locator("p.flash")).to_contain_text(f"tindak lanjut aduan {code} sudah diposting ke SP4N-LAPOR!")
    expect(card.locator("textarea")).to_have_count(0)
    expect(page.locator("#count-lapor")).to_have_text("0")

    page.reload()
    expect(page.locator("ul.lapor-due li.card")).to_have_count(0)
    expect(page.locator("#results p.empty")).to_have_text("Tidak ada tindak lanjut LAPOR yang menunggu diposting.")
    violations.after("recording a LAPOR id and posting its follow-up")
    row = LaporFollowUp.objects.select_related("posted_by").get(report__tracking_id="1916449")
    assert row.posted_by.username == "operator" and row.posted_at is not None
