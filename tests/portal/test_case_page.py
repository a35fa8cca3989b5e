"""The case page: what each role sees of the reporter, exactly its actions, and every refusal answered in place."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Attachment, Complaint, ComplaintEvent
from complaints.services.intake import ReporterInput
from complaints.workflow import Status
from roles.roles import Role
from tests.helpers import ALL_USERS, STATE_KEYS, sees, snapshot

pytestmark = pytest.mark.django_db

ACTION_FORM = re.compile(r'action="/cases/[A-Z0-9-]+/actions/([a-z_]+)/"')
NAME, PHONE, NIK = "Siti Rahmah", "081255501234", "6311010101900001"


def _page(client, complaint) -> str:
    response = client.get(f"/cases/{complaint.code}/")
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def _post(client, complaint, action, **data):
    data.setdefault("version", Complaint.objects.get(pk=complaint.pk).version)
    return client.post(f"/cases/{complaint.code}/actions/{action}/", data)


@pytest.mark.parametrize("key", STATE_KEYS)
@pytest.mark.parametrize("who", ALL_USERS)
def test_case_page_answers_404_exactly_where_the_role_may_not_see(complaint_in, portal_as, key, who):
    complaint = complaint_in(key)
    response = portal_as(who).get(f"/cases/{complaint.code}/")
    assert response.status_code == (200 if sees(who, complaint) else 404)


# The action panel of each role at each state, from DESIGN.md section 2 (Paringin post = Role.TRC).
EXPECTED_ACTIONS = {
    (Role.OPERATOR, Status.SUBMITTED): {"accept"},
    (Role.OPERATOR, Status.SCREENING): {"forward", "return", "mark_duplicate"},
    (Role.KASI, Status.VERIFICATION): {"submit_draft", "return"},
    (Role.TRC, Status.FIELD_CHECK): {"confirm", "refute"},
    (Role.KABID, Status.DISPATCH): {"assign"},
    (Role.KABID, "dispatch_assigned"): {"reassign"},
    (Role.TRC, "dispatch_assigned"): {"arrive", "handle", "unable"},
    (Role.TRC, Status.REPORTING): {"report"},
    (Role.KABID, Status.HEAD_REVIEW): {"endorse"},
    (Role.KEPALA, Status.HEAD_REVIEW): {"acknowledge"},
    (Role.OPERATOR, Status.NOTIFICATION): {"informed"},
}


@pytest.mark.parametrize("key", STATE_KEYS)
@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KASI, Role.KABID, Role.TRC, Role.KEPALA])
def test_action_panel_shows_exactly_this_users_actions(complaint_in, portal_as, key, who):
    complaint = complaint_in(key)
    if not sees(who, complaint):
        return
    shown = set(ACTION_FORM.findall(_page(portal_as(who), complaint)))
    assert shown == EXPECTED_ACTIONS.get((who, key), set())


def test_information_request_offers_answer_not_forward(complaint_in, info_category, portal_as):
    complaint = complaint_in(Status.SCREENING, category=info_category)
    assert set(ACTION_FORM.findall(_page(portal_as(Role.OPERATOR), complaint))) == {"answer", "return", "mark_duplicate"}


@pytest.fixture
def contactable(complaint_in):
    return complaint_in(Status.FIELD_CHECK, allow_field_contact=True)


@pytest.mark.parametrize(
    ("who", "name", "phone", "nik"),
    [
        (Role.OPERATOR, True, True, True),
        (Role.KEPALA, True, True, True),
        (Role.KASI, True, True, True),
        (Role.KABID, False, False, False),
        (Role.TRC, False, True, False),  # the reporter allowed field contact: a phone number only
    ],
)
def test_reporter_block_follows_the_policy(contactable, portal_as, who, name, phone, nik):
    page = _page(portal_as(who), contactable)
    assert (NAME in page, PHONE in page, NIK in page) == (name, phone, nik)


def test_trc_sees_no_phone_without_consent(complaint_in, portal_as):
    page = _page(portal_as(Role.TRC), complaint_in(Status.FIELD_CHECK))
    assert PHONE not in page and NAME not in page
    assert "Identitas pelapor tidak ditampilkan untuk peran Anda." in page


@pytest.mark.parametrize(("who", "shown"), [(Role.OPERATOR, True), (Role.KEPALA, True), (Role.KASI, False), (Role.KABID, False)])
def test_confidential_reporter_only_for_operator_and_kepala(complaint_in, portal_as, who, shown):
    page = _page(portal_as(who), complaint_in(Status.VERIFICATION, confidential=True))
    assert (NAME in page) == shown


def test_anonymous_complaint_says_so(complaint_in, portal_as):
    page = _page(portal_as(Role.OPERATOR), complaint_in(Status.SCREENING, anonymous=True, reporter=ReporterInput()))
    assert "Aduan anonim: tidak ada data pelapor." in page


def test_action_moves_the_case_and_redirects_back_to_it(complaint_in, portal_as):
    complaint = complaint_in(Status.SCREENING)
    response = _post(portal_as(Role.OPERATOR), complaint, "forward", note="Lanjut.")
    assert response.status_code == 302 and response["Location"] == f"/cases/{complaint.code}/"
    assert Complaint.objects.get(pk=complaint.pk).status == Status.VERIFICATION


def test_htmx_action_answers_with_the_updated_case_body(complaint_in, htmx_as):
    complaint = complaint_in(Status.SCREENING)
    response = _post(htmx_as(Role.OPERATOR), complaint, "forward")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="case-body"')
    assert "Verifikasi" in page and "Teruskan ke Kasi/Kasubag: selesai" in page


def test_case_that_leaves_the_users_sight_sends_htmx_back_to_the_queue(complaint_in, htmx_as):
    complaint = complaint_in(Status.REPORTING)
    response = _post(htmx_as(Role.TRC), complaint, "report", findings="Ada.", action_taken="Dibubarkan.", result="warned")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/queue/trc/"


def test_form_error_is_shown_inline_and_nothing_is_written(complaint_in, htmx_as):
    complaint = complaint_in(Status.VERIFICATION)
    before = snapshot(complaint)
    response = _post(htmx_as(Role.KASI), complaint, "submit_draft", draft="")
    page = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'field invalid">\s*<label for="id_submit_draft_draft">', page)
    assert "Bidang ini harus diisi." in page
    assert snapshot(complaint) == before


def test_return_without_agency_for_not_authority_is_refused_inline(complaint_in, portal_as):
    complaint = complaint_in(Status.SCREENING)
    response = _post(portal_as(Role.OPERATOR), complaint, "return", reason="not_authority")
    assert response.status_code == 422
    assert "Sebutkan instansi yang berwenang." in response.content.decode()


def test_stale_page_gets_a_clear_message_and_the_fresh_case(complaint_in, portal_as):
    complaint = complaint_in(Status.SCREENING)
    stale_version = complaint.version
    _post(portal_as(Role.OPERATOR), complaint, "forward")
    before = snapshot(complaint)
    response = _post(portal_as(Role.OPERATOR), complaint, "forward", version=stale_version)
    page = response.content.decode()
    assert response.status_code == 412
    assert "sudah diubah oleh orang lain" in page
    assert "Verifikasi" in page  # the page now shows where the case really is
    assert snapshot(complaint) == before


def test_action_of_another_role_is_forbidden_with_message(complaint_in, portal_as):
    complaint = complaint_in(Status.HEAD_REVIEW)
    before = snapshot(complaint)
    response = _post(portal_as(Role.KABID), complaint, "acknowledge")
    assert response.status_code == 403
    assert "Peran Anda tidak dapat melakukan tindakan ini." in response.content.decode()
    assert snapshot(complaint) == before


def test_action_in_the_wrong_state_is_a_conflict(complaint_in, portal_as):
    complaint = complaint_in(Status.VERIFICATION)
    response = _post(portal_as(Role.OPERATOR), complaint, "forward")
    assert response.status_code == 409
    assert "tidak tersedia pada status" in response.content.decode()


def test_missing_version_is_a_bad_request(complaint_in, portal_as):
    complaint = complaint_in(Status.SCREENING)
    response = portal_as(Role.OPERATOR).post(f"/cases/{complaint.code}/actions/forward/", {})
    assert response.status_code == 400
    assert "Muat ulang halaman" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.SCREENING


def test_action_is_post_only(complaint_in, portal_as):
    complaint = complaint_in(Status.SCREENING)
    assert portal_as(Role.OPERATOR).get(f"/cases/{complaint.code}/actions/forward/").status_code == 405


@pytest.mark.parametrize("path", ["/", "/actions/handle/", "/photos/", "/attachments/1/", "/attachments/1/thumbnail/"])
def test_another_teams_case_does_not_exist_for_a_trc_user(complaint_in, portal_as, path):
    complaint = complaint_in("dispatch_assigned")
    client = portal_as("trc_halong")
    url = f"/cases/{complaint.code}{path}"
    response = client.post(url, {"version": complaint.version}) if "actions" in path or "photos" in path else client.get(url)
    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == Status.DISPATCH


def _jpeg(width=1200, height=900) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("lapangan.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_trc_uploads_field_photos_and_sees_thumbnails(complaint_in, portal_as):
    complaint = complaint_in("dispatch_assigned")
    client = portal_as(Role.TRC)
    response = client.post(f"/cases/{complaint.code}/photos/", {"file": [_jpeg(), _jpeg()]})
    assert response.status_code == 302
    photos = list(Attachment.objects.filter(complaint=complaint))
    assert [p.kind for p in photos] == ["field_photo", "field_photo"]
    page = _page(client, complaint)
    assert f"/cases/{complaint.code}/attachments/{photos[0].pk}/thumbnail/" in page
    thumb = client.get(f"/cases/{complaint.code}/attachments/{photos[0].pk}/thumbnail/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(BytesIO(thumb.content)).size) <= 320


def test_a_bad_file_stores_none_of_the_batch(complaint_in, portal_as):
    complaint = complaint_in("dispatch_assigned")
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = portal_as(Role.TRC).post(f"/cases/{complaint.code}/photos/", {"file": [_jpeg(), fake]})
    assert response.status_code == 400
    assert "Jenis berkas foto.jpg tidak didukung." in response.content.decode()
    assert not Attachment.objects.filter(complaint=complaint).exists()


def test_too_large_photo_is_413_with_message(complaint_in, portal_as, settings):
    settings.TRECKK_MAX_ATTACHMENT_BYTES = 1024
    complaint = complaint_in("dispatch_assigned")
    response = portal_as(Role.TRC).post(f"/cases/{complaint.code}/photos/", {"file": [_jpeg()]})
    assert response.status_code == 413
    assert "terlalu besar" in response.content.decode()
    assert not Attachment.objects.filter(complaint=complaint).exists()


def test_photo_form_only_for_those_who_may_add(complaint_in, portal_as):
    complaint = complaint_in("dispatch_assigned")
    assert 'name="file"' in _page(portal_as(Role.TRC), complaint)
    assert 'name="file"' not in _page(portal_as(Role.KABID), complaint)


def test_timeline_lists_every_event(complaint_in, portal_as):
    complaint = complaint_in(Status.FIELD_CHECK)
    page = _page(portal_as(Role.OPERATOR), complaint)
    assert page.count("<time ") == ComplaintEvent.objects.filter(complaint=complaint).count() == 4
    for label in ("Aduan dicatat", "Terima dan verifikasi", "Teruskan ke Kasi/Kasubag", "Kirim konsep laporan"):
        assert label in page


def test_coordinates_link_to_a_map(complaint_in, portal_as):
    complaint = complaint_in(Status.SUBMITTED, latitude="-2.330000", longitude="115.460000")
    assert "https://www.openstreetmap.org/?mlat=-2.330000&amp;mlon=115.460000" in _page(portal_as(Role.OPERATOR), complaint)


def test_closed_case_has_no_actions(complaint_in, portal_as):
    page = _page(portal_as(Role.OPERATOR), complaint_in(Status.CLOSED))
    assert "Aduan ini sudah selesai." in page
    assert not ACTION_FORM.findall(page)


def test_accept_form_starts_from_what_the_walk_in_recorded(complaint_in, portal_as):
    complaint = complaint_in(Status.SUBMITTED, confidential=True, allow_field_contact=True)
    page = _page(portal_as(Role.OPERATOR), complaint)
    assert re.search(r'name="confidential"[^>]*checked', page)
    assert re.search(r'name="allow_field_contact"[^>]*checked', page)
    assert f'name="reporter_name" value="{NAME}"' in page.replace(' maxlength="150"', "")


def test_accepting_the_prefilled_form_keeps_the_flags(client, complaint_in, users):
    complaint = complaint_in(Status.SUBMITTED, confidential=True, allow_field_contact=True)
    client.force_login(users[Role.OPERATOR])
    page = client.get(f"/cases/{complaint.code}/").content.decode()
    form = page.split('action="/cases/', 1)[1].split("</form>", 1)[0]
    data = dict(re.findall(r'<input type="(?:hidden|text)" name="(\w+)" value="([^"]*)"', form))
    data.update({name: "on" for name in re.findall(r'<input type="checkbox" name="(\w+)"[^>]*checked', form)})
    response = client.post(f"/cases/{complaint.code}/actions/accept/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint.refresh_from_db()
    assert complaint.is_confidential and complaint.reporter.allow_field_contact and complaint.reporter.name == NAME
