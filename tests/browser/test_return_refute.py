"""The two ways off the main path: the Operator returns a case (referred to another agency), a TRC post refutes one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from complaints.workflow import Outcome, ReturnReason, Status
from tests.browser.steps import (
    act,
    act_and_leave,
    case_outcome,
    case_status,
    make_case,
    open_case,
    open_from_queue,
    queue_row,
    status_in_db,
    submit_action,
)
from tests.browser.support import Portal

pytestmark = pytest.mark.browser

AGENCY = "Dinas Perhubungan Kabupaten Balangan"


def test_operator_returns_a_case_that_belongs_to_another_agency(page: Page, portal: Portal) -> None:
    code = make_case(Status.SCREENING).code
    version = Complaint.objects.get(code=code).version
    portal.login(page, "operator")
    open_case(page, portal, code)
    expect(case_status(page)).to_have_text("Penyaringan")

    # "Not our authority" without naming the agency: refused in place, next to the agency field.
    submit_action(page, "return", {"reason": ReturnReason.NOT_AUTHORITY}, status=422)
    panel = page.locator("details.action-return")
    expect(panel).to_have_attribute("open", "")
    invalid = panel.locator(".field.invalid")
    expect(invalid).to_have_count(1)
    expect(invalid.locator("#id_return_agency")).to_be_visible()
    expect(invalid.locator("p.error")).to_have_text("Sebutkan instansi yang berwenang.")
    # What was chosen is kept, so only the agency needs typing.
    expect(panel.locator("#id_return_reason")).to_have_value(ReturnReason.NOT_AUTHORITY)
    expect(case_status(page)).to_have_text("Penyaringan")
    case = Complaint.objects.get(code=code)
    assert (case.status, case.version, case.outcome) == (Status.SCREENING, version, "")

    act(page, "return", {"reason": ReturnReason.NOT_AUTHORITY, "agency": AGENCY, "note": "Parkir liar di jalan provinsi."},
        then_status="Selesai")
    expect(case_outcome(page)).to_have_text("Dilimpahkan")
    reason = page.locator("#case-body dl.facts dt:text-is('Alasan pengembalian') + dd")
    expect(reason).to_have_text(f"{ReturnReason.NOT_AUTHORITY.label} — {AGENCY}")
    expect(page.locator("aside.actions p.empty")).to_have_text("Aduan ini sudah selesai.")
    case = Complaint.objects.get(code=code)
    assert (case.status, case.outcome, case.return_reason, case.referred_to) == (
        Status.CLOSED, Outcome.REFERRED, ReturnReason.NOT_AUTHORITY, AGENCY
    )
    # A closed case is no longer in the Operator's queue.
    page.goto(portal.url("/queue/operator/"))
    expect(page.locator("section#results p.summary")).to_be_visible()
    expect(queue_row(page, code)).to_have_count(0)


def test_trc_refutes_a_field_check_and_it_goes_back_to_the_kasi(
    phone_page: Page, new_page: Callable[..., Page], portal: Portal
) -> None:
    code = make_case(Status.FIELD_CHECK).code
    note = "Di lokasi tidak ada keributan; warga sekitar tidak melihat kejadian."
    portal.login(phone_page, "trc-paringin")
    open_from_queue(phone_page, portal, "trc", code)
    expect(case_status(phone_page)).to_have_text("Cek lapangan")

    act_and_leave(phone_page, portal, "refute", {"note": note}, queue="trc")
    expect(queue_row(phone_page, code)).to_have_count(0)
    assert status_in_db(code) == Status.VERIFICATION

    kasi = new_page()
    portal.login(kasi, "kasi")
    expect(queue_row(kasi, code)).to_have_count(1)
    open_from_queue(kasi, portal, "kasi", code)
    expect(case_status(kasi)).to_have_text("Verifikasi")
    refuted = kasi.locator("ol.timeline li").filter(has_text="Fakta tidak sesuai")
    expect(refuted).to_contain_text("Cek lapangan → Verifikasi")
    expect(refuted.locator("p.note")).to_have_text(note)
    # The Kasi can send a new draft from here.
    expect(kasi.locator("aside.actions details.action-submit_draft")).to_have_count(1)
