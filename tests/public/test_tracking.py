"""The tracking page and API: lookups by a code as people type it, and one 'not found' for everything else."""

from __future__ import annotations

import re

import pytest

from public.links import normalize_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["ABCDE-FGHJK", "abcde-fghjk", "ABCDEFGHJK", " abcde fghjk ", "abcde – fghjk", "AbCdE_FgHjK"])
def test_codes_are_read_as_people_type_them(typed):
    assert normalize_code(typed) == "ABCDE-FGHJK"


@pytest.mark.parametrize("typed", ["", "ABCDE-FGHJ", "ABCDE-FGHJKM", "ABCDE-FGHJ0", "ABCDE-FGHJI", "ABCDE/FGHJK", "x" * 500, None])
def test_what_cannot_be_a_code_is_none(typed):
    assert normalize_code(typed) is None


def test_the_page_finds_a_code_typed_loosely(complaint_in, client):
    complaint = complaint_in("verification")
    loose = complaint.code.lower().replace("-", " ")
    for response in (client.get("/lacak/", {"kode": loose}), client.get(f"/lacak/{complaint.code.lower()}/")):
        assert response.status_code == 200
        page = response.content.decode()
        assert f'<h1 class="code">{complaint.code}</h1>' in page
        assert "Diverifikasi" in page and "langkah 3 dari 8" in page


def test_the_api_finds_a_code_typed_loosely(complaint_in, api):
    complaint = complaint_in("field_check")
    response = api.get(f"/api/v1/public/track/{complaint.code.lower().replace('-', '')}/")
    assert response.status_code == 200
    assert response.json()["code"] == complaint.code and response.json()["step"] == 4
    assert response["Cache-Control"] == "no-store"


def test_the_empty_tracking_page_is_a_form(client):
    response = client.get("/lacak/")
    assert response.status_code == 200
    assert 'name="kode"' in response.content.decode()


def _without_echo(body: str, typed: str) -> str:
    body = body.replace(typed, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


UNKNOWN = "ZZZZZ-ZZZZZ"  # well formed, and no complaint has it
MALFORMED = ["garbage", "ABCDE-FGHJ0", "12345", "ZZZZZ-ZZZZZ-ZZZZZ"]


@pytest.mark.parametrize("malformed", MALFORMED)
def test_unknown_and_malformed_codes_get_the_same_page(malformed, client, complaint_in):
    complaint_in("submitted")
    unknown = client.get(f"/lacak/{UNKNOWN}/")
    bad = client.get(f"/lacak/{malformed}/")
    assert unknown.status_code == bad.status_code == 404
    assert _without_echo(unknown.content.decode(), UNKNOWN) == _without_echo(bad.content.decode(), malformed)
    assert "Kode lacak tidak ditemukan" in unknown.content.decode()
    by_form = client.get("/lacak/", {"kode": malformed})
    assert by_form.status_code == 404
    assert _without_echo(by_form.content.decode(), malformed) == _without_echo(
        client.get("/lacak/", {"kode": UNKNOWN}).content.decode(), UNKNOWN
    )


@pytest.mark.parametrize("malformed", MALFORMED)
def test_unknown_and_malformed_codes_get_the_same_api_answer(malformed, api, complaint_in):
    complaint_in("submitted")
    unknown = api.get(f"/api/v1/public/track/{UNKNOWN}/")
    bad = api.get(f"/api/v1/public/track/{malformed}/")
    assert unknown.status_code == bad.status_code == 404
    assert unknown.content == bad.content
    assert unknown.json()["code"] == "not_found" and unknown["Content-Type"] == "application/problem+json"
    feedback = api.post(f"/api/v1/public/track/{malformed}/feedback/", {"rating": 5}, format="json")
    assert feedback.status_code == 404 and feedback.content == api.post(
        f"/api/v1/public/track/{UNKNOWN}/feedback/", {"rating": 5}, format="json"
    ).content


def test_a_staff_login_changes_nothing_on_the_public_api(complaint_in, api, api_as):
    from roles.roles import Role

    complaint = complaint_in("dispatch_assigned")
    url = f"/api/v1/public/track/{complaint.code}/"
    assert api_as(Role.KEPALA).get(url).json() == api.get(url).json()


def test_the_english_page_uses_the_english_step_names(complaint_in, client):
    complaint = complaint_in("head_review")
    client.cookies["django_language"] = "en"
    page = client.get(f"/lacak/{complaint.code}/").content.decode()
    assert '<html lang="en">' in page
    assert "Reviewed by the head of unit" in page and "step 7 of 8" in page
    api = client.get(f"/api/v1/public/track/{complaint.code}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert api["status_label"] == "Reviewed by the head of unit"
