"""One walk-in complaint through all eight SOP steps in the browser, each step by its own role at its own device.

trc-paringin records the walk-in on a phone and prints the receipt; the Operator accepts and forwards; the Kasi sends a
draft (after an empty one is refused); the Paringin post confirms the facts; the Kabid assigns the post from the
dispatch board; the post arrives, handles, adds a photo and reports; the Kepala acknowledges; the Operator tells the
reporter. The database is checked at each hand-over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Category, Complaint, Village
from complaints.workflow import Outcome, Status, action_label
from tests.browser.steps import (
    WITA,
    act,
    act_and_leave,
    case_outcome,
    case_status,
    open_action,
    open_from_queue,
    queue_row,
    small_png,
    status_in_db,
    submit_action,
    upload_photo,
    wita_input,
)
from tests.browser.support import Portal, path_of

pytestmark = pytest.mark.browser

DESCRIPTION = "Dua kelompok pemuda berkelahi di depan Pasar Paringin, warga takut melintas."
REPORTER = ("Rahmat Hidayat", "081234567890")
# The timeline of the whole path, oldest first: the events' actions as the case page words them.
TIMELINE = [
    "submit", "attach", "accept", "forward", "submit_draft", "confirm", "assign", "arrive", "handle", "attach", "report",
    "acknowledge", "informed",
]


def record_walk_in(page: Page, portal: Portal, photo: Path) -> str:
    """trc-paringin records a walk-in at the Paringin post; returns the tracking code on the receipt."""
    page.locator("nav.tabs a[href='/intake/']").click()
    page.wait_for_url(lambda url: path_of(url) == "/intake/")
    form = page.locator("form.intake")
    # A kecamatan post starts the form in its own kecamatan, with that kecamatan's villages.
    expect(form.locator("#id_district option:checked")).to_have_text("Paringin")
    # Changing the kecamatan reloads the village list (htmx); back to Paringin for this report.
    form.locator("#id_district").select_option(label="Halong")
    expect(form.locator("#id_village option")).to_have_text(["—", "Binjai Punggal", "Halong"])
    form.locator("#id_district").select_option(label="Paringin")
    expect(form.locator("#id_village option")).to_have_text(["—", "Balang", "Paringin Kota", "Paringin Timur"])
    form.locator("#id_village").select_option(label="Paringin Kota")
    form.locator("#id_category").select_option(str(Category.objects.get(slug="keributan").pk))
    expect(form.locator("#id_category option:checked")).to_contain_text("Keributan/perkelahian")
    form.locator("#id_description").fill(DESCRIPTION)
    form.locator("#id_address").fill("Depan Pasar Paringin, Jl. Ahmad Yani")
    form.locator("#id_incident_at").fill(wita_input(-timedelta(minutes=20)))
    form.locator("#id_reporter_name").fill(REPORTER[0])
    form.locator("#id_reporter_phone").fill(REPORTER[1])
    form.locator("#id_photos").set_input_files(photo)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    assert re.fullmatch(r"/cases/[^/]+/receipt/", path_of(page.url)), page.url
    code = page.locator(".receipt .tracking .code").inner_text().strip()
    assert path_of(page.url) == f"/cases/{code}/receipt/"
    expect(page).to_have_title(re.compile(f"Tanda terima {code}"))
    expect(page.locator(".receipt .howto")).to_contain_text(code)
    # The print button prints (window.print stubbed to count calls: headless Chromium has no print dialog).
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.locator("[data-print]").click()
    assert page.evaluate("window.__printed") == 1
    return code


def test_a_walk_in_goes_through_every_sop_step(
    phone_page: Page, new_page: Callable[..., Page], portal: Portal, tmp_path: Path
) -> None:
    trc = phone_page
    operator, kasi, kabid, kepala = new_page(), new_page(), new_page(), new_page()

    # Step 0: the walk-in, recorded at the Paringin post on a phone, with a photo and the reporter's name and phone.
    portal.login(trc, "trc-paringin")
    code = record_walk_in(trc, portal, small_png(tmp_path, "di-pasar.png"))
    case = Complaint.objects.select_related("district", "village", "reporter", "created_by").get(code=code)
    assert (case.status, case.district.slug, case.village, case.created_by.username) == (
        Status.SUBMITTED, "paringin", Village.objects.get(name="Paringin Kota"), "trc-paringin"
    )
    assert (case.reporter.name, case.reporter.phone, case.description) == (*REPORTER, DESCRIPTION)
    assert case.attachments.count() == 1
    # The post cannot open the case itself until it is the post's step.
    assert trc.goto(portal.url(f"/cases/{code}/")).status == 404

    # Steps 1-2: the Operator finds the case in the queue, accepts it, forwards it.
    portal.login(operator, "operator")
    expect(queue_row(operator, code)).to_contain_text("Diterima")
    open_from_queue(operator, portal, "operator", code)
    expect(case_status(operator)).to_have_text("Diterima")
    expect(operator.locator("#case-body section.reporter")).to_contain_text(REPORTER[0])
    act(operator, "accept", then_status="Penyaringan")
    assert status_in_db(code) == Status.SCREENING
    act(operator, "forward", {"note": "Kewenangan Satpol PP: gangguan trantibum."}, then_status="Verifikasi")
    assert status_in_db(code) == Status.VERIFICATION
    expect(operator.locator("aside.actions details.action")).to_have_count(0)  # the next step is not the Operator's

    # Step 3: the Kasi. An empty draft is refused, in place, and nothing moves.
    portal.login(kasi, "kasi")
    open_from_queue(kasi, portal, "kasi", code)
    version = Complaint.objects.get(code=code).version
    open_action(kasi, "submit_draft")
    # The action forms leave required fields to the server, so the error comes in the portal's language
    # (a browser's own bubble would be in the browser's language): 422, inline, the status stays.
    submit_action(kasi, "submit_draft", {"draft": ""}, status=422)
    expect(kasi.locator("details.action-submit_draft p.error")).to_have_text("Bidang ini harus diisi.")
    field = kasi.locator("details.action-submit_draft .field.invalid")
    expect(field).to_have_count(1)
    expect(field.locator("p.error")).to_be_visible()
    expect(field.locator("p.error")).not_to_be_empty()
    expect(kasi.locator("details.action-submit_draft")).to_have_attribute("open", "")
    expect(case_status(kasi)).to_have_text("Verifikasi")
    assert (status_in_db(code), Complaint.objects.get(code=code).version) == (Status.VERIFICATION, version)
    act(kasi, "submit_draft", {"draft": "Konsep: keributan di depan pasar, mohon cek lapangan oleh Pos Paringin."},
        then_status="Cek lapangan")
    assert status_in_db(code) == Status.FIELD_CHECK

    # Step 4: the Paringin post confirms the facts on the phone, and is sent back to its queue.
    trc.goto(portal.url("/queue/trc/"))
    open_from_queue(trc, portal, "trc", code)
    act_and_leave(trc, portal, "confirm", {"note": "Benar, masih ada kerumunan."}, queue="trc")
    expect(queue_row(trc, code)).to_have_count(0)
    assert status_in_db(code) == Status.DISPATCH

    # Step 5: the Kabid assigns the Paringin post from the dispatch board.
    portal.login(kabid, "kabid")
    kabid.locator("nav.tabs a[href='/dispatch/']").click()
    kabid.wait_for_url(lambda url: path_of(url) == "/dispatch/")
    card = kabid.locator("section.waiting li.card").filter(has=kabid.locator(f"a.code:text-is('{code}')"))
    expect(card).to_have_count(1)
    arrival = wita_input(timedelta(hours=1))
    card.locator("select[name=team]").select_option("trc-paringin")
    card.locator("input[name=expected_arrival]").fill(arrival)
    with kabid.expect_response(lambda r: r.request.method == "POST" and path_of(r.url).endswith("/actions/assign/")) as answer:
        card.locator("form.assign button[type=submit]").click()
    assert answer.value.status == 200
    expect(kabid.locator("#board p.flash.success")).to_contain_text(code)
    expect(kabid.locator(f"article.team#team-trc-paringin a.code:text-is('{code}')")).to_be_visible()
    expect(kabid.locator("section.waiting a.code").filter(has_text=code)).to_have_count(0)
    case = Complaint.objects.select_related("assigned_team").get(code=code)
    assert (case.status, case.assigned_team.slug) == (Status.DISPATCH, "trc-paringin")
    # The time typed on the board is WITA wall-clock time.
    assert case.expected_arrival_at.astimezone(WITA).strftime("%Y-%m-%dT%H:%M") == arrival

    # Steps 5-6 at the scene: arrive, handle, a photo, the field report. Then the case leaves the post's hands.
    trc.goto(portal.url("/queue/trc/"))
    open_from_queue(trc, portal, "trc", code)
    act(trc, "arrive", then_status="Penugasan")
    assert Complaint.objects.get(code=code).arrived_at is not None
    expect(trc.locator("aside.actions details.action-arrive")).to_have_count(0)  # arrival is recorded once
    act(trc, "handle", {"note": "Kedua kelompok dibubarkan."}, then_status="Pelaporan")
    assert status_in_db(code) == Status.REPORTING
    upload_photo(trc, small_png(tmp_path, "penanganan.png", (40, 120, 200)))
    act_and_leave(trc, portal, "report", {
        "findings": "Perkelahian antarkelompok pemuda, tidak ada korban.",
        "action_taken": "Pembubaran dan pembinaan di tempat.",
        "result": "warned",
    }, queue="trc")
    case = Complaint.objects.select_related("field_report").get(code=code)
    assert (case.status, case.field_report.result, case.attachments.count()) == (Status.HEAD_REVIEW, "warned", 2)

    # Step 7: the Kepala acknowledges the report.
    portal.login(kepala, "kepala")
    open_from_queue(kepala, portal, "kepala", code)
    expect(kepala.locator("#case-body")).to_contain_text("Pembubaran dan pembinaan di tempat.")
    act(kepala, "acknowledge", then_status="Pemberitahuan")
    assert status_in_db(code) == Status.NOTIFICATION

    # Step 8: the Operator tells the reporter; the case closes as handled.
    open_from_queue(operator, portal, "operator", code)
    act(operator, "informed", {"note": "Pelapor ditelepon."}, then_status="Selesai")
    expect(case_outcome(operator)).to_have_text("Ditangani")
    expect(operator.locator("aside.actions p.empty")).to_have_text("Aduan ini sudah selesai.")
    case = Complaint.objects.get(code=code)
    assert (case.status, case.outcome, case.closed_at is not None) == (Status.CLOSED, Outcome.RESOLVED, True)

    # Every step is on the timeline, in order, and matches the events stored.
    stored = list(case.events.order_by("created_at", "id").values_list("action", flat=True))
    assert stored == TIMELINE
    expect(operator.locator("ol.timeline li strong")).to_have_text([action_label(a) for a in TIMELINE])
    expect(operator.locator("#case-body ul.thumbs li")).to_have_count(2)
