"""A citizen on a phone files a report through the public web form, then looks it up on the tracking page."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import Page, expect

from complaints.models import ChannelKind, Complaint
from tests.browser.support import Portal, shoot

pytestmark = pytest.mark.browser


def _photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="JPEG")
    return {"name": "balap-liar.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width}px wide on a {page.viewport_size['width']}px phone"


def test_a_citizen_reports_on_a_phone_and_tracks_it(phone_page: Page, portal: Portal, settings) -> None:
    cache.clear()  # rate-limit counters from earlier tests in this process
    # A person needs more than a few seconds for this form; the robot filling it here does not.
    settings.TRECKK_FORM_MIN_SECONDS = 0
    page = phone_page
    page.goto(portal.url("/lapor/"))
    expect(page.locator("h1")).to_have_text("Kirim aduan ke Satpol PP")
    _fits_the_phone(page)

    page.select_option("#id_category", label="Balap liar")
    page.fill("#id_description", "Balap liar setiap malam Minggu di jalan poros, sangat berbahaya.")
    with page.expect_response(lambda r: "/lapor/desa/" in r.url):
        page.select_option("#id_district", label="Paringin")
    expect(page.locator("#id_village option")).to_have_count(4)  # "—" and the three demo villages of Paringin
    page.select_option("#id_village", label="Balang")
    page.fill("#id_address", "Jalan poros dekat jembatan")
    page.fill("#id_reporter_name", "Rusmini")
    page.fill("#id_reporter_phone", "081234500011")
    page.set_input_files("#id_photos", [_photo()])
    page.check("#id_consent")
    shoot(page, "public-report-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim aduan").click()

    code = page.locator(".tracking .code").inner_text().strip()
    complaint = Complaint.objects.get(code=code)
    assert complaint.channel_kind == ChannelKind.WEB and complaint.is_confidential
    assert complaint.village.name == "Balang" and complaint.attachments.count() == 1
    expect(page.locator(".public-receipt")).to_contain_text(f"/lacak/{code}/")
    _fits_the_phone(page)
    shoot(page, "public-receipt-phone")

    # Later, the code typed loosely into the tracking page.
    page.goto(portal.url("/lacak/"))
    page.fill("#id_kode", code.lower().replace("-", " "))
    with page.expect_navigation():
        page.get_by_role("button", name="Lacak").click()
    expect(page.locator("h1.code")).to_have_text(code)
    expect(page.locator(".now .status")).to_have_text("Aduan diterima")
    expect(page.locator(".timeline li")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("Rusmini")
    expect(page.locator("#penilaian")).to_contain_text("Setelah hasil penanganan disampaikan")
    _fits_the_phone(page)
    shoot(page, "public-track-phone")
