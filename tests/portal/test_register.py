"""The complaint register on screen and as CSV/XLSX: numbered, filtered, reporter masked per role, streamed."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.http import StreamingHttpResponse

from complaints.workflow import Status
from roles.roles import Role

pytestmark = pytest.mark.django_db

NAME, PHONE = "Siti Rahmah", "081255501234"


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_lists_every_visible_case_oldest_first_numbered(complaint_in, portal_as):
    first = complaint_in(Status.VERIFICATION)
    second = complaint_in(Status.CLOSED)
    rows = _csv(portal_as(Role.OPERATOR).get("/register.csv"))
    assert rows[0][:3] == ["No.", "Kode lacak", "Diterima"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("1", first.code), ("2", second.code)]
    assert rows[2][11] == "Ditangani"  # outcome of the closed one


@pytest.mark.parametrize(("who", "name", "phone"), [(Role.OPERATOR, True, True), (Role.KASI, True, True), (Role.KABID, False, False)])
def test_reporter_columns_follow_the_policy(complaint_in, portal_as, who, name, phone):
    complaint_in(Status.VERIFICATION)
    text = b"".join(portal_as(who).get("/register.csv").streaming_content).decode()
    assert (NAME in text, PHONE in text) == (name, phone)


def test_confidential_reporter_is_masked_for_the_kasi(complaint_in, portal_as):
    complaint_in(Status.VERIFICATION, confidential=True)
    rows = _csv(portal_as(Role.KASI).get("/register.csv"))
    assert rows[1][4] == "(dirahasiakan)" and rows[1][5] == ""


def test_trc_exports_only_its_own_rows(complaint_in, portal_as):
    own = complaint_in("dispatch_assigned")
    complaint_in(Status.VERIFICATION)
    assert [r[1] for r in _csv(portal_as(Role.TRC).get("/register.csv"))[1:]] == [own.code]
    assert _csv(portal_as("trc_halong").get("/register.csv"))[1:] == []


def test_filters_apply_to_the_export(complaint_in, halong, portal_as):
    complaint_in(Status.VERIFICATION)
    elsewhere = complaint_in(Status.VERIFICATION, district=halong)
    assert [r[1] for r in _csv(portal_as(Role.OPERATOR).get("/register.csv", {"district": "halong"}))[1:]] == [elsewhere.code]


def test_bad_filter_is_refused_not_an_empty_file(portal_as):
    response = portal_as(Role.OPERATOR).get("/register.csv", {"district": "atlantis"})
    assert response.status_code == 400
    assert "Kecamatan" in response.content.decode()


def test_xlsx_holds_the_same_rows(complaint_in, portal_as):
    complaint = complaint_in(Status.VERIFICATION)
    response = portal_as(Role.OPERATOR).get("/register.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="register-aduan-')
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert complaint.code in sheet and NAME in sheet


def test_register_page_shows_numbered_rows_and_download_links(complaint_in, portal_as):
    complaint = complaint_in(Status.VERIFICATION)
    page = portal_as(Role.KEPALA).get("/register/", {"district": "paringin"}).content.decode()
    assert complaint.code in page and "<td>1</td>" in page
    assert 'href="/register.csv?district=paringin"' in page and 'href="/register.xlsx?district=paringin"' in page


def test_user_without_role_gets_403(portal_as):
    assert portal_as("nobody").get("/register.csv").status_code == 403
