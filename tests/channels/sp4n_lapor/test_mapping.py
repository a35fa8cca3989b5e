"""LAPOR's vocabulary in our terms: report types, categories, kecamatan, flags and the 5-working-day deadline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from channels.sp4n_lapor.mapping import follow_up_due
from channels.sp4n_lapor.services import pull
from complaints.models import ChannelKind, Complaint, ComplaintKind
from tests.channels.sp4n_lapor.fake_lapor import item

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def _imported(lapor, **fields) -> Complaint:
    lapor.feed = [item("LAPOR-X", **fields)]
    assert pull().status == "ok"
    return Complaint.objects.select_related("lapor", "category", "district").get(
        channel_kind=ChannelKind.SP4N_LAPOR, external_ref="LAPOR-X"
    )


@pytest.mark.parametrize(
    ("disposed", "due"),
    [
        # Monday: the fifth working day after it is the next Monday; due at its end.
        ("2026-11-23T10:00:00+08:00", "2026-12-01T00:00:00+08:00"),
        # Friday late evening: Mon..Fri of the next week.
        ("2026-11-27T23:30:00+08:00", "2026-12-05T00:00:00+08:00"),
        # Saturday (LAPOR works weekends; we count from the next working day).
        ("2026-11-28T09:00:00+08:00", "2026-12-05T00:00:00+08:00"),
        # Sunday 23:30 in WIB is Monday 00:30 in WITA: the day is Monday here.
        ("2026-11-29T23:30:00+07:00", "2026-12-08T00:00:00+08:00"),
    ],
)
def test_follow_up_deadline_is_five_working_days_after_the_disposition_day(disposed, due):
    assert follow_up_due(datetime.fromisoformat(disposed), 5) == datetime.fromisoformat(due)
    assert follow_up_due(datetime.fromisoformat(disposed), 5).tzinfo is not None


def test_the_deadline_is_stored_beside_the_sop_deadline(lapor):
    complaint = _imported(lapor, disposed_at="2026-11-23T10:00:00+08:00")
    assert complaint.lapor.follow_up_due_at == datetime(2026, 12, 1, tzinfo=WITA)
    assert complaint.due_at is not None and complaint.lapor.followed_up_at is None
    assert complaint.lapor.follow_up_overdue(now=datetime(2026, 12, 1, 0, 1, tzinfo=WITA))


def test_information_request_becomes_an_information_complaint(lapor):
    complaint = _imported(lapor, report_type="permintaan_informasi", category="Informasi Publik")
    assert complaint.kind == ComplaintKind.INFORMATION
    assert complaint.category.slug == "tugas-fungsi"
    assert complaint.lapor.report_type == "permintaan_informasi" and not complaint.lapor.category_matched


def test_an_information_category_is_used_only_for_information_requests(lapor):
    complaint = _imported(lapor, report_type="pengaduan", category="Program Satpol PP")
    assert complaint.kind != ComplaintKind.INFORMATION
    assert complaint.category.slug == "gangguan-lain"


def test_aspiration_goes_through_the_complaint_workflow_marked_as_such(lapor):
    complaint = _imported(lapor, report_type="aspirasi", category="Pedagang Kaki Lima")
    assert complaint.kind == ComplaintKind.PERDA and complaint.category.slug == "pkl"
    assert complaint.description.startswith("[Aspirasi dari SP4N-LAPOR!]\n\nBalap liar")
    assert complaint.lapor.report_type == "aspirasi" and complaint.lapor.category_matched


def test_unknown_category_falls_back_and_settings_can_map_it(lapor, settings):
    complaint = _imported(lapor, category="Jalan Rusak")
    assert (complaint.category.slug, complaint.lapor.category_matched) == ("gangguan-lain", False)

    settings.SP4N_LAPOR_CATEGORY_MAP = {"Parkir Liar": "gangguan-lain", "Miras Oplosan": "minuman-beralkohol"}
    lapor.feed.append(item("LAPOR-Y", category="MIRAS  oplosan"))
    pull()
    other = Complaint.objects.get(external_ref="LAPOR-Y")
    assert other.category.slug == "minuman-beralkohol" and other.lapor.category_matched


@pytest.mark.parametrize(
    ("kecamatan", "slug"),
    [("Paringin Selatan", "paringin-selatan"), ("Kec. Halong", "halong"), ("KECAMATAN TEBING TINGGI", "tebing-tinggi")],
)
def test_kecamatan_text_finds_the_district(lapor, kecamatan, slug):
    complaint = _imported(lapor, location={"kecamatan": kecamatan})
    assert complaint.district.slug == slug and complaint.lapor.district_matched
    assert complaint.address == "Jl. Poros Paringin km 3"


def test_unknown_kecamatan_lands_in_the_default_with_a_note_for_the_operator(lapor):
    complaint = _imported(lapor, location={"kecamatan": "Kelua", "address": "Pasar Kelua"})
    assert complaint.district.slug == "paringin" and not complaint.lapor.district_matched
    assert complaint.address.startswith("Pasar Kelua (kecamatan dari LAPOR \"Kelua\" tidak dikenali")
    assert complaint.lapor.lapor_kecamatan == "Kelua"


def test_coordinates_place_a_report_without_kecamatan_and_far_ones_are_kept_off_the_map(lapor):
    near = _imported(lapor, location={"kecamatan": "", "address": "", "latitude": -2.171, "longitude": 115.618})
    assert near.district.slug == "halong" and str(near.latitude) == "-2.171000"

    lapor.feed.append(item("LAPOR-FAR", location={"kecamatan": "", "address": "", "latitude": 0, "longitude": 0}))
    pull()
    far = Complaint.objects.get(external_ref="LAPOR-FAR")
    assert far.latitude is None and far.longitude is None
    assert "di luar Kabupaten Balangan" in far.address and far.district.slug == "paringin"


def test_a_phone_that_is_not_a_number_is_left_out_not_the_report(lapor):
    complaint = _imported(lapor, reporter={"name": "Siti", "phone": "hubungi via DM"})
    assert (complaint.reporter.name, complaint.reporter.phone) == ("Siti", "")


def test_empty_report_still_arrives_and_says_where_to_read_it(lapor):
    complaint = _imported(lapor, title="", content="")
    assert "LAPOR-X" in complaint.description


def test_attachment_links_are_kept_with_the_report(lapor):
    complaint = _imported(lapor, attachments=[
        {"url": "https://lapor.example/files/1.jpg", "filename": "1.jpg", "content_type": "image/jpeg"},
        {"url": "javascript:alert(1)"},
    ])
    assert complaint.lapor.attachments == [
        {"url": "https://lapor.example/files/1.jpg", "filename": "1.jpg", "content_type": "image/jpeg"},
    ]
