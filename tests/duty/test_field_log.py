"""The field log: what a valid entry needs, what is refused (and that nothing is written then), photos, corrections
instead of edits, and the filters the Kabid and the Kepala read it by."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.append_only import AppendOnlyError
from complaints.errors import InputError
from complaints.workflow import Status
from duty.models import FieldLogCorrection, FieldLogEntry, FieldLogPhoto
from duty.services import FieldLogInput, record_field_log
from roles.roles import Role
from tests.duty.conftest import MONDAY, wita

pytestmark = pytest.mark.django_db
NOW = wita(MONDAY, 22)


def _input(users, team, **changes) -> FieldLogInput:
    values = {
        "team": team, "kind": "patroli", "started_at": wita(MONDAY, 19), "ended_at": wita(MONDAY, 21),
        "district": team.district, "summary": "Patroli di sekitar pasar.", "participants": [users[Role.TRC]],
        **changes,
    }
    return FieldLogInput(**values)


def _record(users, team, who=Role.TRC, uploads=(), **changes) -> FieldLogEntry:
    return record_field_log(user=users[who], data=_input(users, team, **changes), uploads=uploads, now=NOW)


def _png(name="foto.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _refused(users, team, **changes) -> dict:
    with pytest.raises(InputError) as refused:
        _record(users, team, **changes)
    assert not FieldLogEntry.objects.exists() and not FieldLogPhoto.objects.exists()
    return refused.value.errors


def test_a_valid_entry_with_a_linked_complaint_and_a_photo(users, team_paringin, partner, complaint_in):
    handled = complaint_in("dispatch_assigned")
    entry = _record(
        users, team_paringin, participants=[users[Role.TRC], partner], complaint_code=f" {handled.code.lower()} ",
        place="Pasar Paringin", actions_taken="Pembinaan.", uploads=[_png()],
    )
    entry.refresh_from_db()
    assert entry.complaint == handled and entry.recorded_by == users[Role.TRC]
    assert set(entry.participants.all()) == {users[Role.TRC], partner}
    photo = entry.photos.get()
    assert photo.content_type == "image/png" and photo.file.name.startswith(f"field_log/{entry.pk}/")


def test_the_end_must_come_after_the_start(users, team_paringin):
    errors = _refused(users, team_paringin, ended_at=wita(MONDAY, 18))
    assert errors == {"ended_at": ["Waktu selesai harus sesudah waktu mulai."]}
    assert _refused(users, team_paringin, ended_at=wita(MONDAY, 19)) == errors


def test_the_database_also_refuses_an_end_before_the_start(users, team_paringin):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        FieldLogEntry.objects.create(
            team=team_paringin, kind="patroli", started_at=wita(MONDAY, 19), ended_at=wita(MONDAY, 18),
            district=team_paringin.district, summary="x", recorded_by=users[Role.TRC],
        )


def test_an_activity_still_to_come_or_longer_than_a_day_is_refused(users, team_paringin):
    assert "belum terjadi" in _refused(users, team_paringin, ended_at=NOW + timedelta(hours=1))["ended_at"][0]
    long = _refused(users, team_paringin, started_at=wita(MONDAY, 19) - timedelta(days=2))
    assert long == {"ended_at": ["Satu catatan paling lama 24 jam; catat kegiatan yang lebih lama per hari."]}


def test_a_member_of_another_post_is_not_a_participant(users, team_paringin):
    errors = _refused(users, team_paringin, participants=[users[Role.TRC], users["trc_halong"]])
    assert errors == {"participants": ["Bukan anggota Trc Paringin: Trc_Halong."]}
    assert _refused(users, team_paringin, participants=[]) == {"participants": ["Pilih sedikitnya satu petugas yang ikut."]}


def test_the_complaint_code_must_exist_and_be_visible_to_the_recorder(users, team_paringin, complaint_in):
    # A case in verification exists, but the post does not see it (it is not the post's step).
    hidden = complaint_in(Status.VERIFICATION)
    assert _refused(users, team_paringin, complaint_code=hidden.code) == {
        "complaint_code": [f"Aduan dengan kode {hidden.code} tidak ditemukan atau tidak dapat Anda lihat."]
    }
    assert "tidak ditemukan" in _refused(users, team_paringin, complaint_code="ZZZZZ-ZZZZZ")["complaint_code"][0]


def test_a_village_outside_the_kecamatan_is_refused(users, team_paringin, halong):
    from complaints.models import Village

    elsewhere = Village.objects.create(district=halong, name="Desa Lain")
    assert _refused(users, team_paringin, village=elsewhere) == {
        "village": ["Desa/kelurahan ini tidak berada di kecamatan yang dipilih."]
    }


def test_a_file_that_is_not_a_photo_writes_nothing(users, team_paringin):
    fake = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(InputError) as refused:
        _record(users, team_paringin, uploads=[_png(), fake])
    assert "tidak didukung" in refused.value.summary()
    assert not FieldLogEntry.objects.exists() and not FieldLogPhoto.objects.exists()


def test_only_a_member_of_the_post_records_its_log(users, team_paringin):
    from complaints.errors import ActionNotAllowed

    for who in ("trc_halong", Role.KABID, Role.KEPALA):
        with pytest.raises(ActionNotAllowed):
            _record(users, team_paringin, who=who)
    assert not FieldLogEntry.objects.exists()


def test_entries_are_append_only_and_corrected_by_a_note(client_for, users, team_paringin, partner):
    entry = _record(users, team_paringin)
    entry.summary = "Diubah diam-diam."
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    # A fellow member corrects it; the entry stays as written and the correction is read with it.
    response = client_for(partner).post(f"/duty/log/{entry.pk}/corrections/", {"text": "Selesai pukul 21.30."})
    assert response.status_code == 302 and response["Location"] == f"/duty/log/{entry.pk}/"
    correction = FieldLogCorrection.objects.get()
    assert (correction.entry, correction.author) == (entry, partner)
    assert FieldLogEntry.objects.get().summary == "Patroli di sekitar pasar."
    page = client_for(Role.KEPALA).get(f"/duty/log/{entry.pk}/").content.decode()
    assert "Selesai pukul 21.30." in page and "Patroli di sekitar pasar." in page
    empty = client_for(partner).post(f"/duty/log/{entry.pk}/corrections/", {"text": "  "})
    assert empty.status_code == 422 and FieldLogCorrection.objects.count() == 1


def test_the_form_records_an_entry_and_redirects_to_it(client_for, users, team_paringin, partner):
    data = {
        "kind": "pengamanan", "started_at": "2026-11-20T08:00", "ended_at": "2026-11-20T12:00",
        "district": team_paringin.district.pk, "summary": "Pengamanan jalan sehat.", "place": "Lapangan",
        "participants": [users[Role.TRC].pk, partner.pk], "photos": [_png()],
    }
    response = client_for(Role.TRC).post("/duty/log/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = FieldLogEntry.objects.get()
    assert response["Location"] == f"/duty/log/{entry.pk}/"
    assert entry.started_at == wita(MONDAY - timedelta(days=3), 8) and entry.photos.count() == 1
    photo = entry.photos.get()
    assert client_for(Role.KEPALA).get(f"/duty/log/{entry.pk}/photos/{photo.pk}/").status_code == 200
    assert client_for(Role.KEPALA).get(f"/duty/log/{entry.pk}/photos/{photo.pk}/thumbnail/")["Content-Type"] == "image/jpeg"
    assert client_for("trc_halong").get(f"/duty/log/{entry.pk}/photos/{photo.pk}/").status_code == 404


def test_the_form_shows_indonesian_errors_and_writes_nothing(client_for, users, team_paringin):
    data = {
        "kind": "patroli", "started_at": "2026-11-20T21:00", "ended_at": "2026-11-20T20:00",
        "district": team_paringin.district.pk, "summary": "Patroli.", "participants": [users["trc_halong"].pk],
        "complaint_code": "ABCDE-FGHIJ",
    }
    response = client_for(Role.TRC).post("/duty/log/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Petugas yang dipilih bukan anggota pos ini." in page
    assert not FieldLogEntry.objects.exists()
    data["participants"] = [users[Role.TRC].pk]
    page = client_for(Role.TRC).post("/duty/log/new/", data).content.decode()
    assert "Waktu selesai harus sesudah waktu mulai." in page
    assert "Aduan dengan kode ABCDE-FGHIJ tidak ditemukan atau tidak dapat Anda lihat." in page
    assert not FieldLogEntry.objects.exists()


def test_leaders_filter_the_log_by_post_kind_and_period(client_for, users, team_paringin, team_halong):
    patrol = _record(users, team_paringin)
    guard = _record(users, team_paringin, kind="jaga_kantor", started_at=wita(MONDAY, 7) - timedelta(days=3),
                    ended_at=wita(MONDAY, 15) - timedelta(days=3))
    halong = _record(users, team_halong, who="trc_halong", participants=[users["trc_halong"]])

    def shown(who, **params) -> set[int]:
        page = client_for(who).get("/duty/log/", params).content.decode()
        return {entry.pk for entry in (patrol, guard, halong) if f'href="/duty/log/{entry.pk}/"' in page}

    assert shown(Role.KABID) == {patrol.pk, guard.pk, halong.pk}
    assert shown(Role.KEPALA, post="trc-halong") == {halong.pk}
    assert shown(Role.KABID, kind="jaga_kantor") == {guard.pk}
    assert shown(Role.KABID, start="2026-11-21", end="2026-11-23") == {patrol.pk, halong.pk}
    assert shown(Role.KABID, start="2026-11-20", end="2026-11-20") == {guard.pk}
    assert shown(Role.TRC) == {patrol.pk, guard.pk}  # a member reads his own post's log only
    assert shown(Role.TRC, post="trc-halong") == {patrol.pk, guard.pk}  # not a choice for him: the filter is refused
    bad = client_for(Role.KABID).get("/duty/log/", {"start": "2026-11-23", "end": "2026-11-01"})
    assert bad.status_code == 400
    assert "Tanggal akhir harus sama dengan atau sesudah tanggal awal." in bad.content.decode()
