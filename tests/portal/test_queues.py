"""Each role lands on its own queue and sees exactly the cases whose step is theirs (DESIGN.md section 3)."""

from __future__ import annotations

import re

import pytest

from complaints.workflow import Status
from portal.views import queues
from roles.roles import Role
from tests.helpers import STATE_KEYS

pytestmark = pytest.mark.django_db

# Which fixture states sit in each user's queue, written from the DESIGN table, not from the code.
QUEUE_STATES = {
    Role.OPERATOR: {Status.SUBMITTED, Status.SCREENING, Status.NOTIFICATION},
    Role.KASI: {Status.VERIFICATION},
    Role.KABID: {Status.DISPATCH},  # unassigned dispatch only
    Role.TRC: {Status.FIELD_CHECK, "dispatch_assigned", Status.REPORTING},  # Paringin post's own rows
    Role.KEPALA: {Status.HEAD_REVIEW},
}
CODE = re.compile(r'href="/cases/([A-Z0-9]{5}-[A-Z0-9]{5})/"')


@pytest.fixture
def one_of_each(complaint_in):
    return {key: complaint_in(key) for key in STATE_KEYS}


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return set(CODE.findall(response.content.decode()))


@pytest.mark.parametrize("role", list(QUEUE_STATES))
def test_each_role_queue_lists_exactly_its_steps(one_of_each, portal_as, role):
    response = portal_as(role).get(f"/queue/{role}/")
    expected = {one_of_each[key].code for key in QUEUE_STATES[role]}
    assert _codes(response) == expected


def test_other_teams_rows_are_not_in_a_trc_queue(one_of_each, portal_as):
    assert _codes(portal_as("trc_halong").get("/queue/trc/")) == set()


@pytest.mark.parametrize("role", list(QUEUE_STATES))
def test_login_lands_on_own_queue(users, client, role):
    response = client.post("/login/", {"username": users[role].username, "password": "Treckk-test-2026"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/queue/{role}/"


def test_wrong_password_stays_on_login_with_message(users, client):
    response = client.post("/login/", {"username": "operator", "password": "wrong"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/queue/operator/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_another_roles_queue_is_forbidden(portal_as):
    response = portal_as(Role.KASI).get("/queue/operator/")
    assert response.status_code == 403
    assert "Antrean ini milik peran lain." in response.content.decode()


def test_unknown_queue_is_not_found(portal_as):
    assert portal_as(Role.OPERATOR).get("/queue/mayor/").status_code == 404


def test_user_without_role_gets_forbidden_page(portal_as):
    response = portal_as("nobody").get("/", follow=True)
    assert response.status_code == 403
    assert "Akun Anda belum memiliki peran." in response.content.decode()


def test_navigation_shows_counts_per_queue(one_of_each, portal_as):
    page = portal_as(Role.OPERATOR).get("/queue/operator/").content.decode()
    assert re.search(r'id="count-queue-operator">3<', page)


def test_queue_is_sorted_by_due_time(complaint_in, portal_as):
    first = complaint_in(Status.SUBMITTED)
    second = complaint_in(Status.SUBMITTED)
    type(first).objects.filter(pk=first.pk).update(due_at=second.due_at.replace(year=second.due_at.year + 1))
    codes = CODE.findall(portal_as(Role.OPERATOR).get("/queue/operator/").content.decode())
    assert codes == [second.code, first.code]


def test_overdue_case_is_marked_late(complaint_in, portal_as):
    late = complaint_in(Status.SUBMITTED)
    type(late).objects.filter(pk=late.pk).update(due_at=late.created_at.replace(year=2020))
    page = portal_as(Role.OPERATOR).get("/queue/operator/").content.decode()
    assert 'class="sla late"' in page
    assert "lewat" in page


def test_polling_gets_only_the_results_with_counts_out_of_band(one_of_each, htmx_as):
    response = htmx_as(Role.OPERATOR).get("/queue/operator/", {"district": "paringin"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<section id="results"')
    # The poll keeps the user's filters: the refreshed section polls the same filtered URL.
    assert 'hx-get="/queue/operator/?district=paringin"' in page
    assert 'id="count-queue-operator" hx-swap-oob="true">3<' in page


def test_filter_narrows_the_queue(one_of_each, complaint_in, halong, portal_as):
    in_halong = complaint_in(Status.SUBMITTED, district=halong)
    assert _codes(portal_as(Role.OPERATOR).get("/queue/operator/", {"district": "halong"})) == {in_halong.code}


def test_bad_filter_value_gets_400_with_message_not_a_crash(portal_as):
    response = portal_as(Role.OPERATOR).get("/queue/operator/", {"district": "atlantis"})
    assert response.status_code == 400
    assert "Kecamatan: Masukkan pilihan yang valid." in response.content.decode()


def test_empty_queue_says_so(portal_as):
    response = portal_as(Role.KEPALA).get("/queue/kepala/")
    assert "Tidak ada aduan yang menunggu di antrean ini." in response.content.decode()


def test_oversight_lists_open_cases_and_closed_on_request(one_of_each, portal_as):
    client = portal_as(Role.KABID)
    open_codes = _codes(client.get("/cases/"))
    assert one_of_each[Status.CLOSED].code not in open_codes
    assert one_of_each[Status.DISPATCH].code in open_codes
    assert one_of_each[Status.SUBMITTED].code not in open_codes  # not forwarded yet: not the Kabid's to see
    assert _codes(client.get("/cases/", {"status": "closed"})) == {one_of_each[Status.CLOSED].code}


def test_oversight_never_shows_a_trc_another_teams_case(one_of_each, portal_as):
    assert _codes(portal_as("trc_halong").get("/cases/")) == set()


def test_status_dropdown_all_open_means_no_status_filter(one_of_each, portal_as):
    client = portal_as(Role.KEPALA)
    everything_open = _codes(client.get("/cases/"))
    assert _codes(client.get("/cases/", {"status": ""})) == everything_open
    assert one_of_each[Status.CLOSED].code not in everything_open
    page = client.get("/cases/", {"status": "closed"}).content.decode()
    assert '<option value="closed" selected>' in page
    assert "multiple" not in page.split('name="status"', 1)[1].split(">", 1)[0]


def test_date_filters_take_the_browsers_iso_dates(one_of_each, portal_as):
    client = portal_as(Role.KEPALA)
    today = one_of_each[Status.SUBMITTED].created_at.date().isoformat()
    assert one_of_each[Status.SUBMITTED].code in _codes(client.get("/cases/", {"created_after": today}))
    assert _codes(client.get("/cases/", {"created_before": "2000-01-01"})) == set()
    assert 'type="date"' in client.get("/cases/").content.decode()


def test_poll_keeps_the_page_and_the_filters(portal_as, complaint_in, monkeypatch):
    for _ in range(3):
        complaint_in(Status.SUBMITTED)
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    page = portal_as(Role.OPERATOR).get("/queue/operator/", {"district": "paringin", "page": 2}).content.decode()
    assert 'hx-get="/queue/operator/?district=paringin&amp;page=2"' in page
